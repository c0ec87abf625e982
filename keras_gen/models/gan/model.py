"""`GAN`: a generator and a discriminator trained in the seed's two phases.

Phase 1 trains the discriminator on one batch, half real images labelled 1 and
half generated images labelled 0; only its weights move. Phase 2 trains the
generator on generated images labelled real; only its weights move. Losses,
gradient penalties, experience replay and the EMA generator are options;
ProGAN and StyleGAN subclass this class through its hooks (docs/gan.md).

The class is made of four parts: this module (construction, the hooks,
`compile`, the two phase updates, `train_step` / `test_step`, the config),
`objectives.py` (labels, accuracies, what each phase minimises, the
penalties), `ema.py` (the EMA generator) and `sampling.py` (latents,
`call`, `generate`, serving). The three are mixins; every method stays a
method of `GAN`, overridable by subclasses.
"""

import keras
import numpy as np
from keras import ops

from keras_gen import losses
from keras_gen.core import autodiff, config_objects, validation
from keras_gen.models.base import GenerativeModel
from keras_gen.models.gan.ema import GANEma
from keras_gen.models.gan.objectives import GANObjectives
from keras_gen.models.gan.options import (
    BATCH_DEPENDENT_LAYERS,
    REFUSED_COMPILE_ARGS,
    as_optimizer,
    as_replay,
    non_negative,
    sublayers,
)
from keras_gen.models.gan.sampling import GANSampling


@keras.saving.register_keras_serializable(package="keras_gen")
class GAN(GANSampling, GANObjectives, GANEma, GenerativeModel):
    """A generative adversarial network with the two-phase training of the seed notes.

    `fit(x)` takes real images in [0, 1] (what `kg.data` gives). Each
    `train_step` runs `discriminator_step` `d_steps` times (one labelled batch
    of `n` real and `n` generated images; only the discriminator's variables
    move), then `generator_step` (only the generator's move), then `update_ema`.
    It logs `d_loss`, `g_loss`, `d_real_acc`, `d_fake_acc`, and `gp` / `r1` when
    those penalties are on. Every random draw comes from `self.seed_generator`.
    `call(z)` maps latents `(batch, latent_dim)` to images in [0, 1];
    `generate(n, seed)` does the same from fresh latents. The training step,
    `compile`'s options (`joint_batch` among them) and the hooks for
    subclasses are described in docs/gan.md.

    Args:
        generator: keras model (built) mapping `(batch, latent_dim)` latents to
            images `(batch, h, w, c)` in [-1, 1] (tanh).
        discriminator: keras model (built) mapping such images to logits
            `(batch, 1)`.
        latent_dim: int. Size of the latent vectors.
        ema: float in (0, 1) or None. Decay of an exponential moving average
            of the generator's weights, kept in `self.ema_generator` and used by
            `call`/`generate`. The decay warms up as
            `min(ema, (1 + t) / (10 + t))` at generator step `t`. Defaults to
            `None` (no EMA).
        replay: `kg.replay.ReplayBuffer`, a dict of its arguments, or None.
            Experience replay for the discriminator's generated half.
        seed: int or None. Seed of every random draw.

    Example:
        >>> gan = kg.models.DCGAN((28, 28, 1), latent_dim=64, ema=0.999)
        >>> gan.compile(loss="hinge", r1_gamma=1.0)
        >>> gan.fit(kg.data.load("mnist"), epochs=20)
        >>> images = gan.generate(16, seed=0)   # (16, 28, 28, 1) in [0, 1]

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", 2014.
    """

    # Frechet distance on digit features of the validation images, logged by
    # the `kg.callbacks.MetricEval` that tuning adds for this objective.
    TUNING_OBJECTIVE = ("val_fid", "min")

    def __init__(self, generator, discriminator, latent_dim, ema=None, replay=None, seed=None,
                 **kwargs):
        super().__init__(seed=seed, **kwargs)
        for name, network in (("generator", generator), ("discriminator", discriminator)):
            if not isinstance(network, keras.layers.Layer):
                raise ValueError(f"{name} must be a keras Model (or Layer), got "
                                 f"{type(network).__name__}.")
            if not network.built:
                raise ValueError(f"{name} must be built (a functional keras.Model is built "
                                 "when it is made); call it on an input first.")
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        if ema is not None:
            ema = validation.check_fraction(ema, "ema")
            if not 0.0 < ema < 1.0:
                raise ValueError(f"ema must be in (0, 1) (e.g. 0.999) or None, got {ema!r}.")
        self.ema = ema
        self.generator = generator
        self.discriminator = discriminator
        self.image_shape = tuple(self.infer_image_shape())
        self.batch_dependent_discriminator = any(
            isinstance(layer, BATCH_DEPENDENT_LAYERS) for layer in sublayers(discriminator))
        self.ema_generator = self._make_ema_generator() if ema is not None else None
        self.replay = as_replay(replay)
        if self.replay is not None and not self.replay.built:
            self.replay.build(self.image_shape)
        self.track("d_loss", "g_loss", "d_real_acc", "d_fake_acc")
        self.loss_name, self._adversarial = "non_saturating", losses.get("non_saturating")
        self.gradient_penalty = self.r1_gamma = self.label_smoothing = 0.0
        self.d_steps, self.joint_batch = 1, False
        self._generate_fn = None
        self.built = True

    # -- networks -----------------------------------------------------------
    def infer_image_shape(self):
        """The generated images' shape without batch, e.g. `(28, 28, 1)`.

        Also checks that the networks fit together: the generator takes
        `(batch, latent_dim)` and the discriminator maps its images to `(batch, 1)`.
        """
        try:
            images = self.generator.compute_output_spec(keras.KerasTensor((None, self.latent_dim)))
        except Exception as error:  # shape mismatch inside the generator
            raise ValueError(
                f"the generator does not take latents of shape (batch, {self.latent_dim}) "
                f"(latent_dim={self.latent_dim}): {error}") from None
        shape = tuple(images.shape[1:])
        if not shape or any(d is None for d in shape):
            raise ValueError(f"the generator must give images of a fixed shape, got "
                             f"{tuple(images.shape)}.")
        try:
            logits = self.discriminator.compute_output_spec(keras.KerasTensor((None, *shape)))
        except Exception as error:
            raise ValueError(
                f"the discriminator does not take the generator's images of shape {shape}: "
                f"{error}") from None
        if tuple(logits.shape[1:]) not in ((1,), ()):
            raise ValueError(f"the discriminator must give one logit per image, (batch, 1); "
                             f"it gives {tuple(logits.shape)}.")
        return shape

    @property
    def generator_variables(self):
        """Variables the generator phase trains (`g_optimizer`)."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        """Variables the discriminator phase trains (`d_optimizer`)."""
        return self.discriminator.trainable_variables

    @classmethod
    def config_for_images(cls, config, image_shape):
        return {**config, "image_shape": tuple(int(d) for d in image_shape)}

    def expected_input_shape(self):
        return self.image_shape

    def example_call_inputs(self, n=4, seed=0):
        """Random latents `(n, latent_dim)` for `call` (for tests)."""
        return np.random.default_rng(seed).normal(size=(n, self.latent_dim)).astype("float32")

    # -- hooks --------------------------------------------------------------
    def generate_images(self, z, training=False, generator=None):
        """Images in the generator's range `(batch, h, w, c)` from latents `z`."""
        network = generator if generator is not None else self.generator
        return network(z, training=training)

    def discriminate(self, images, training=False):
        """Discriminator logits `(batch, 1)` for images in the generator's range."""
        return self.discriminator(images, training=training)

    def prepare_real(self, x):
        """Training images in [0, 1] -> the generator's range [-1, 1]."""
        return ops.cast(x, "float32") * 2.0 - 1.0

    def to_unit_range(self, images):
        """Generator-range images [-1, 1] -> [0, 1] (clipped)."""
        return ops.clip((ops.cast(images, "float32") + 1.0) * 0.5, 0.0, 1.0)

    # -- compile ------------------------------------------------------------
    def compile(self, *, g_optimizer=None, d_optimizer=None, loss="non_saturating",
                gradient_penalty=0.0, r1_gamma=0.0, d_steps=1, label_smoothing=0.0,
                joint_batch=False, **kwargs):
        """Configure training; Keras' own arguments pass through.

        Args:
            g_optimizer, d_optimizer: optimizers (instances, names or configs)
                of the generator and the discriminator. Default: Adam with
                learning rate 2e-4 and beta_1 = 0.5 (the DCGAN recipe).
            loss: adversarial loss name: "non_saturating" (default), "minimax",
                "wasserstein", "hinge", "least_squares", or a name registered
                with `kg.losses.register(name, kg.losses.AdversarialLoss(...))`.
            gradient_penalty: weight lambda of the WGAN-GP penalty (10 in the
                paper; typically with "wasserstein"). 0 turns it off.
            r1_gamma: weight gamma of the R1 penalty `gamma / 2 * ||grad D(x)||^2`
                on real images. 0 turns it off.
            d_steps: discriminator updates per generator update (5 for WGAN-GP);
                each uses the same real batch and fresh generated images.
            label_smoothing: one-sided smoothing: real labels become
                `1 - label_smoothing` (Salimans et al., 2016). Only for losses
                with probabilistic labels (non_saturating, minimax, least_squares).
            joint_batch: False (default): the discriminator scores the real and
                the generated half in two forward passes (batch statistics per
                source). True: one concatenated forward pass (see docs/gan.md,
                "Training step").
            **kwargs: Keras' `run_eagerly`, `jit_compile`, `steps_per_execution`,
                `auto_scale_loss`.
        """
        for name, why in REFUSED_COMPILE_ARGS.items():
            if name in kwargs:
                raise ValueError(f"GAN.compile does not take {name}=: {why}.")
        if not isinstance(loss, str):
            raise ValueError(
                f"loss must be a registered adversarial loss name "
                f"{sorted(losses.ADVERSARIAL_LOSSES)}, got {loss!r}. Register your own with "
                "kg.losses.register(name, kg.losses.AdversarialLoss(...)).")
        adversarial = losses.get(loss)
        if not isinstance(adversarial, losses.AdversarialLoss):
            raise ValueError(f"loss {loss!r} is not an adversarial loss; expected one of "
                             f"{sorted(losses.ADVERSARIAL_LOSSES)}.")
        gradient_penalty = non_negative(gradient_penalty, "gradient_penalty")
        r1_gamma = non_negative(r1_gamma, "r1_gamma")
        d_steps = validation.check_positive_int(d_steps, "d_steps")
        label_smoothing = validation.check_fraction(label_smoothing, "label_smoothing",
                                                    inclusive_high=False)
        if not isinstance(joint_batch, bool):
            raise ValueError(f"joint_batch must be True or False, got {joint_batch!r}.")
        if label_smoothing and not adversarial.allows_smoothing:
            raise ValueError(f"label_smoothing={label_smoothing} does not apply to loss {loss!r} "
                             "(its labels are signs, not probabilities); use 0.")
        g_opt = as_optimizer(g_optimizer, "g_optimizer")
        d_opt = as_optimizer(d_optimizer, "d_optimizer")
        if g_opt is d_opt:
            raise ValueError("g_optimizer and d_optimizer must be two different optimizer "
                             "objects (each keeps its own state).")
        super().compile(optimizer=None, **self.keras_compile_arguments(kwargs))
        self._compile_args = {
            "g_optimizer": keras.saving.serialize_keras_object(g_opt),
            "d_optimizer": keras.saving.serialize_keras_object(d_opt),
            "loss": loss, "gradient_penalty": gradient_penalty, "r1_gamma": r1_gamma,
            "d_steps": d_steps, "label_smoothing": label_smoothing,
            "joint_batch": joint_batch, **kwargs,
        }
        if kwargs.get("auto_scale_loss", True) and self.dtype_policy.name == "mixed_float16":
            g_opt = keras.optimizers.LossScaleOptimizer(g_opt, name="g_loss_scale_optimizer")
            d_opt = keras.optimizers.LossScaleOptimizer(d_opt, name="d_loss_scale_optimizer")
        self.g_optimizer, self.d_optimizer = g_opt, d_opt
        self.loss_name, self._adversarial = loss, adversarial
        self.gradient_penalty, self.r1_gamma = gradient_penalty, r1_gamma
        self.d_steps, self.label_smoothing = d_steps, label_smoothing
        self.joint_batch = joint_batch
        self._trackers.pop("gp", None)
        self._trackers.pop("r1", None)
        if gradient_penalty:
            self.track("gp")
        if r1_gamma:
            self.track("r1")
        self._build_optimizers()
        self.optimizer = autodiff.trainer_optimizer([self.g_optimizer, self.d_optimizer])

    def _build_optimizers(self):
        """Create both optimizers' slots now, so their saved state can load into them."""
        for optimizer, variables in ((self.g_optimizer, self.generator_variables),
                                     (self.d_optimizer, self.discriminator_variables)):
            if not optimizer.built:
                optimizer.build(variables)

    def get_compile_config(self):
        if not self.compiled or not hasattr(self, "_compile_args"):
            return {}
        return dict(self._compile_args)

    def compile_from_config(self, config):
        if not config:
            return
        config = dict(config)
        for key in ("g_optimizer", "d_optimizer"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        self.compile(**config)

    # -- training -----------------------------------------------------------
    def discriminator_step(self, real):
        """Phase 1: one discriminator update on `n` real and `n` generated images.

        Args:
            real: `(n, ...)` real images already in the generator's range.

        Returns:
            Dict of logs (`d_loss`, `d_real_acc`, `d_fake_acc`, `gp`, `r1`).
        """
        batch = ops.shape(real)[0]
        fakes = ops.stop_gradient(self.generate_images(self.sample_latents(batch), training=True))
        if self.replay is not None:
            fakes = self.replay.mix(fakes, seed=self.seed_generator)
        variables = self.discriminator_variables
        (_, terms, logits), grads = autodiff.gradients(
            lambda: self.discriminator_losses(real, fakes), variables, self.d_optimizer)
        autodiff.apply(self.d_optimizer, grads, variables)
        logs = {name: autodiff.unscaled(value) for name, value in terms.items()}
        logs.update(self._accuracies(logits[:batch], logits[batch:]))
        return logs

    def generator_step(self, real):
        """Phase 2: one generator update on as many generated images as `real` holds."""
        variables = self.generator_variables
        (g_loss, _), grads = autodiff.gradients(
            lambda: self.generator_loss(real), variables, self.g_optimizer)
        autodiff.apply(self.g_optimizer, grads, variables)
        return {"g_loss": autodiff.unscaled(g_loss)}

    def train_step(self, data):
        real = self.prepare_real(self.unpack_x(data))
        logs = {}
        for _ in range(self.d_steps):
            logs.update(self.discriminator_step(real))
        logs.update(self.generator_step(real))
        logs.update(self.update_ema())
        return self.update_trackers(logs)

    def test_step(self, data):
        real = self.prepare_real(self.unpack_x(data))
        batch = ops.shape(real)[0]
        fakes = self.generate_images(self.sample_latents(batch), training=False)
        logits = self.labelled_batch_logits(real, fakes, training=False)
        logs = {
            "d_loss": autodiff.unscaled(self._adversarial_d_loss(logits, batch)),
            "g_loss": autodiff.unscaled(autodiff.replica_mean(
                self._adversarial.generator(logits[batch:]))),
        }
        logs.update(self._accuracies(logits[:batch], logits[batch:]))
        results = self.update_trackers(logs)
        return {name: results[name] for name in logs}

    # -- config -------------------------------------------------------------
    def gan_config(self):
        """Config shared by every GAN: seed, name, trainable, latent_dim, ema, replay."""
        config = super().get_config()
        config.update(latent_dim=self.latent_dim, ema=self.ema,
                      replay=config_objects.serialize(self.replay))
        return config

    def get_config(self):
        config = self.gan_config()
        config.update(generator=keras.saving.serialize_keras_object(self.generator),
                      discriminator=keras.saving.serialize_keras_object(self.discriminator))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
