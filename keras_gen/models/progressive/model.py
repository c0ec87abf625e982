"""`ProgressiveGAN`: the growing machinery ProGAN and StyleGAN share.

The model owns three non-trainable variables: `images_seen` (a counter the
train step advances), `stage_variable` and `alpha_variable` (set from the
counter by `kg.callbacks.ProgressiveSchedule` before each batch). Networks are
built whole at construction and routed by stage and alpha (see `growth.py`),
so `.keras` saving, `BackupAndRestore` and `tf.distribute` all see one fixed
set of variables. Training traces one train function per stage, when the
stage starts (see `tracing.py`).
"""

import keras
import numpy as np
from keras import ops

from keras_gen.core import validation
from keras_gen.models.gan import GAN
from keras_gen.models.progressive import growth, schedule, tracing

DEFAULT_LEARNING_RATE = 1e-3
DEFAULT_BETA_1 = 0.0
DEFAULT_BETA_2 = 0.99


def default_optimizer(name):
    """Adam(1e-3, beta_1=0, beta_2=0.99, epsilon=1e-8): the ProGAN paper's settings."""
    return keras.optimizers.Adam(DEFAULT_LEARNING_RATE, beta_1=DEFAULT_BETA_1,
                                 beta_2=DEFAULT_BETA_2, epsilon=1e-8, name=name)


@keras.saving.register_keras_serializable(package="keras_gen")
class ProgressiveGAN(GAN):
    """A GAN whose networks grow from 4x4 to `resolution` during one `fit`.

    Subclasses build a generator and a discriminator whose `call` takes
    `stage=` and `alpha=` (a Python int for a fixed path, or the model's
    variables) and returns tensors at the final resolution; this class routes
    them, prepares real images the same way, counts images and adds a
    `ProgressiveSchedule` callback to `fit`.

    The train step is traced once per stage, on the stage's first batch, with
    the stage as a Python int (one path per graph; see `tracing.py`), and
    `fit` prints a line before each such trace unless `verbose=0`. Change the
    stage with `set_stage` or `skip_to_images` (they keep the stage `fit`
    dispatches on); sampling and evaluation route by the stage variable.

    Stage `s` works at `4 * 2**s` pixels; `alpha < 1` while its new block
    fades in. Images between the networks always have the final resolution
    (low-resolution images are pixel-replicated, and the discriminator averages
    them back), so every tensor keeps a static shape.

    Args:
        generator, discriminator: progressive networks (see above).
        latent_dim: int. Size of the latents.
        resolution: int. Final image side, a power of two >= 8.
        phase_images: int. Images shown per fade-in or stable phase (the
            paper's kimg x 1000); full resolution is reached after
            `2 * (stages - 1) * phase_images` images.
        ema, replay, seed: as in `kg.models.GAN`.
    """

    # R1 with gamma 10 (StyleGAN's value for small images); see docs/progan.md.
    default_loss = "non_saturating"
    default_r1_gamma = 10.0

    def __init__(self, generator, discriminator, latent_dim, resolution=32,
                 phase_images=20_000, ema=None, replay=None, seed=None, **kwargs):
        self.stages = schedule.num_stages(resolution)
        super().__init__(generator, discriminator, latent_dim, ema=ema, replay=replay,
                         seed=seed, **kwargs)
        self.final_resolution = resolution
        self.phase_images = validation.check_positive_int(phase_images, "phase_images")
        self.images_seen = keras.Variable(0, dtype="int64", trainable=False, name="images_seen",
                                          aggregation="sum")
        self.stage_variable = keras.Variable(0, dtype="int32", trainable=False, name="stage")
        self.alpha_variable = keras.Variable(1.0, dtype="float32", trainable=False, name="alpha")
        self._trained_stage = 0  # the stage variable's value, kept in Python for dispatch
        self._announce_traces = False

    # -- the stage ------------------------------------------------------------
    @classmethod
    def config_for_images(cls, config, image_shape):
        """Square images whose side is a power of two (>= 8) set `resolution` and `channels`.

        A per-stage `filters` list is cut to the new number of stages, or
        extended by repeating its last (highest-resolution) entry.
        """
        height, width, channels = (int(d) for d in image_shape)
        if height != width or height < 8 or height & (height - 1):
            raise ValueError(
                f"{cls.__name__} grows square images whose side is a power of two (8, 16, 32, "
                f"64, 128, ...); got {height}x{width}. Resize the images (e.g. --resolution 64).")
        config = {**config, "resolution": height, "channels": channels}
        if config.get("filters"):
            stages = schedule.num_stages(height)
            filters = list(config["filters"])[:stages]
            config["filters"] = filters + filters[-1:] * (stages - len(filters))
        return config

    @property
    def stage(self):
        """Current stage (0 for 4x4) as a Python int."""
        return int(ops.convert_to_numpy(self.stage_variable))

    @property
    def resolution(self):
        """Current image side (4, 8, ..., the final resolution)."""
        return schedule.resolution_of(self.stage)

    @property
    def alpha(self):
        """Fade-in of the current stage's newest block, 1.0 when stable."""
        return float(ops.convert_to_numpy(self.alpha_variable))

    @property
    def growth_images(self):
        """Images until the final resolution is faded in and stable."""
        return schedule.growth_images(self.phase_images, self.stages)

    def set_stage(self, stage, alpha=1.0):
        """Jump to `stage` (0 = 4x4) with fade-in `alpha` (without touching `images_seen`)."""
        if isinstance(stage, bool) or not isinstance(stage, (int, np.integer)) \
                or not 0 <= stage < self.stages:
            raise ValueError(f"stage must be an int in [0, {self.stages - 1}], got {stage!r}.")
        alpha = validation.check_fraction(alpha, "alpha")
        if stage == 0 and alpha < 1.0:
            raise ValueError("stage 0 (4x4) has no fade-in; alpha must be 1.")
        self.stage_variable.assign(int(stage))
        self.alpha_variable.assign(alpha)
        self._trained_stage = int(stage)

    def skip_to_images(self, images_seen):
        """Set `images_seen` and the stage and alpha it implies (e.g. to resume a schedule)."""
        images_seen = int(images_seen)
        if images_seen < 0:
            raise ValueError(f"images_seen must be >= 0, got {images_seen}.")
        self.images_seen.assign(images_seen)
        stage, alpha, _ = schedule.stage_at(images_seen, self.phase_images, self.stages)
        self.set_stage(stage, alpha)

    @property
    def routing_stage(self):
        """What the networks are routed by: the stage (a Python int) while a train step
        of `fit` runs or traces, else the stage variable (every stage's path, for
        sampling and evaluation)."""
        functions = self.train_function
        stage = functions.running_stage if isinstance(
            functions, tracing.StageTrainFunctions) else None
        return self.stage_variable if stage is None else stage

    # -- GAN hooks ------------------------------------------------------------
    def generate_images(self, z, training=False, generator=None):
        network = generator if generator is not None else self.generator
        return network(z, stage=self.routing_stage, alpha=self.alpha_variable,
                       training=training)

    def discriminate(self, images, training=False):
        return self.discriminator(images, stage=self.routing_stage, alpha=self.alpha_variable,
                                  training=training)

    def prepare_real(self, x):
        """[0, 1] images -> [-1, 1], averaged to the stage's resolution and faded like fakes."""
        return growth.real_images_at(self.routing_stage, self.alpha_variable, self.stages,
                                     super().prepare_real(x))

    def train_step(self, data):
        logs = dict(super().train_step(data))
        batch = ops.shape(self.unpack_x(data))[0]
        self.images_seen.assign_add(ops.cast(batch, "int64"))
        logs["resolution"] = ops.cast(4 * 2 ** self.stage_variable, "float32")
        logs["alpha"] = ops.convert_to_tensor(self.alpha_variable)
        return logs

    def make_train_function(self, force=False):
        """Keras' hook: the function `fit` calls per batch, one traced graph per stage.

        Returns a `tracing.StageTrainFunctions`, kept across `fit` calls (a stage
        traced once stays traced) until `compile` or `force`.
        """
        self._trained_stage = self.stage
        if force or not isinstance(self.train_function, tracing.StageTrainFunctions):
            self.train_function = tracing.StageTrainFunctions(
                type(self).__name__, self.stages, stage_of=lambda: self._trained_stage,
                make_function=self._keras_train_function,
                announce=lambda: self._announce_traces)
        return self.train_function

    def _keras_train_function(self, state=None):
        """A new Keras train function of `train_step` (its `tf.function` traces when first
        called), leaving `self.train_function` as it was."""
        held = self.train_function
        if keras.backend.backend() != "jax":
            super().make_train_function(force=True)
        else:
            # Keras jits `self.train_step`, and jax.jit keeps one trace cache per
            # function: bound methods of one model compare equal, so every stage
            # would run the first stage's trace. A fresh function per stage has
            # its own cache.
            self.train_step = lambda *args: type(self).train_step(self, *args)
            object.__setattr__(self, "_layout_state", state)  # not tracked by Keras
            try:
                super().make_train_function(force=True)
            finally:
                del self.train_step
                object.__setattr__(self, "_layout_state", None)
        made, self.train_function = self.train_function, held
        return made

    def _get_state_sharding_spec(self):
        """Keras' JAX hook: the layouts of the trainer's state, for a new jitted step.

        A stage's function is made when that stage first trains, inside `fit`,
        when the variables' values live in the trainer's state (Keras empties
        the variables during an epoch); the state in hand has the same layouts.
        """
        state = getattr(self, "_layout_state", None)
        if state is None:
            return super()._get_state_sharding_spec()
        return tuple([value.sharding for value in group] for group in state)

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras `fit`, with a `ProgressiveSchedule` added unless one is in `callbacks`.

        Unless `verbose=0`, a line is printed before each stage's train step is
        traced (the seconds before that stage's first batch).
        """
        from keras_gen.models.progressive.schedule_callback import ProgressiveSchedule

        callbacks = list(kwargs.get("callbacks") or [])
        if not any(isinstance(c, ProgressiveSchedule) for c in callbacks):
            callbacks.append(ProgressiveSchedule())
        kwargs["callbacks"] = callbacks
        self._announce_traces = kwargs.get("verbose", "auto") != 0
        try:
            return super().fit(x, y, *args, **kwargs)
        finally:
            self._announce_traces = False

    # -- sampling -------------------------------------------------------------
    def generate(self, n, seed=None, batch_size=256):
        """`n` images in [0, 1] at the current resolution `(n, r, r, channels)` (numpy).

        `call(z)` gives the same images pixel-replicated to the final resolution.
        """
        return self.at_current_resolution(super().generate(n, seed=seed, batch_size=batch_size))

    def at_current_resolution(self, images):
        """Average final-resolution images (numpy) down to the current resolution."""
        factor = self.final_resolution // self.resolution
        if factor == 1:
            return images
        n, h, w, c = images.shape
        return images.reshape(n, h // factor, factor, w // factor, factor, c).mean(axis=(2, 4))

    # -- export ---------------------------------------------------------------
    def serving_functions(self, batch_size=1):
        """`generate(z)` for `kg.export`: images in [0, 1] at the final size.

        The exported graph is the fixed path of the stage the model is at when
        exported (no stage switch, alpha frozen), with the sampling (EMA)
        generator; lower stages' images come pixel-replicated.
        """
        from keras_gen.models.serving import ServingFunction

        stage = self.stage

        def generate(z):
            images = self.sampling_generator(z, stage=stage, alpha=self.alpha_variable)
            return self.to_unit_range(images)

        return {"generate": ServingFunction(
            generate, [("z", (batch_size, self.latent_dim), "float32")], {"z": "normal"})}

    # -- compile and config ---------------------------------------------------
    def compile(self, *, g_optimizer=None, d_optimizer=None, loss=None, r1_gamma=None,
                **kwargs):
        """`GAN.compile` with progressive defaults.

        Defaults: Adam(1e-3, beta_1=0, beta_2=0.99) for both networks (the
        paper's settings for equalized learning rate), the class's
        `default_loss` and, for it, `default_r1_gamma`. Other arguments as in
        `kg.models.GAN.compile`.
        """
        if loss is None:
            loss = self.default_loss
            if r1_gamma is None:
                r1_gamma = self.default_r1_gamma
        super().compile(
            g_optimizer=g_optimizer if g_optimizer is not None else default_optimizer("g_adam"),
            d_optimizer=d_optimizer if d_optimizer is not None else default_optimizer("d_adam"),
            loss=loss, r1_gamma=0.0 if r1_gamma is None else r1_gamma, **kwargs)

    def progressive_config(self):
        """Config shared by progressive GANs (`gan_config()` plus resolution and schedule)."""
        config = self.gan_config()
        config.update(resolution=self.final_resolution, phase_images=self.phase_images)
        return config
