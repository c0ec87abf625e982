"""`GAN`: a generator and a discriminator trained in the seed's two phases.

Phase 1 trains the discriminator on one batch, half real images labelled 1 and
half generated images labelled 0; only its weights move. Phase 2 trains the
generator on generated images labelled real; only its weights move. Losses,
gradient penalties, experience replay and the EMA generator are options;
ProGAN and StyleGAN subclass this class through the hooks listed below.
"""

import keras
import numpy as np
from keras import ops

from keras_gen import losses
from keras_gen.core import autodiff, config_objects, validation
from keras_gen.models.base import GenerativeModel
from keras_gen.models.gan.options import (
    BATCH_DEPENDENT_LAYERS,
    REFUSED_COMPILE_ARGS,
    as_optimizer,
    as_replay,
    non_negative,
    sublayers,
)
from keras_gen.regularizers.gradient_penalty import gradient_penalty as wgan_gradient_penalty
from keras_gen.regularizers.gradient_penalty import r1_penalty


@keras.saving.register_keras_serializable(package="keras_gen")
class GAN(GenerativeModel):
    """A generative adversarial network with the two-phase training of the seed notes.

    `fit(x)` takes real images in [0, 1] (what `kg.data` gives); `prepare_real`
    maps them to the generator's range ([-1, 1] by default, for a tanh output).
    Each `train_step`:

    1. `d_steps` times: generate a batch, optionally mix in past fakes (replay),
       score one labelled batch of the `n` real images (label 1, or
       `1 - label_smoothing`) and the `n` generated ones (label 0), add the
       gradient penalty / R1 terms, and update the discriminator's variables
       only (`d_optimizer`);
    2. generate `n` images, label them real, and update the generator's
       variables only (`g_optimizer`) through the discriminator's judgement;
    3. update the EMA generator (if `ema`).

    How the labelled batch of phase 1 goes through the discriminator matters
    when its output for an image depends on the rest of the batch (batch norm,
    minibatch layers: `batch_dependent_discriminator`). By default
    (`compile(joint_batch=False)`) the real half and the generated half are two
    forward passes, so batch statistics are per source, as in the DCGAN
    reference implementation, and phase 2 shows the generated images alone,
    normalised the same way. With `joint_batch=True` the halves are one
    concatenated forward pass, and phase 2 then shows the same kind of mixed
    batch (real half without gradient, then the generated half, whose loss
    alone counts): a generated-only batch would be normalised differently from
    the mixed batches the discriminator learnt on, and the generator would
    chase a different function (measured: `d_fake_acc` 1.0 in phase 1 while
    `g_loss` fell to 0.06 in phase 2). Measured on MNIST, the per-source
    default reached a lower Frechet distance in the same time (docs/gan.md).

    Logs `d_loss` (adversarial part), `g_loss`, `d_real_acc` and `d_fake_acc`
    (fraction of real / generated images the discriminator classifies
    correctly: both drift towards 0.5 at the equilibrium of the seed notes),
    plus `gp` and `r1` when those penalties are on. Every random draw comes from
    `self.seed_generator`. The discriminator loss is the sum of the mean loss on
    the real half and on the generated half (the papers' form, so published
    penalty weights keep their meaning).

    `call(z)` maps latents `(batch, latent_dim)` to images in [0, 1] with the
    sampling generator (the EMA copy when `ema` is set); `generate(n, seed)`
    does the same from fresh latents, through a compiled function.

    Hooks for subclasses (ProGAN, StyleGAN): override any of
    - `sample_latents(batch_size, seed=None)`: latents `(batch, latent_dim)`,
      standard normal by default;
    - `generate_images(z, training=False, generator=None)`: images in the
      generator's range; `generator` is the network to run (`self.generator`
      by default, the EMA copy when sampling). A growing model routes its
      stage and fade-in here;
    - `discriminate(images, training=False)`: logits `(batch, 1)`;
    - `labelled_batch_logits(real, fakes, training)`: logits of phase 1's
      labelled batch (`n` real then `n` generated);
    - `prepare_real(x)`: real images in [0, 1] -> the discriminator's input
      range (downsampling / fading to the current resolution goes here);
    - `to_unit_range(images)`: generator range -> [0, 1] (inverse of the above);
    - `generator_variables` / `discriminator_variables`: what each optimizer
      trains; both optimizers are built on these in `compile`, so a step that
      touches only part of them works (unused variables get `None` gradients,
      which `autodiff.apply` drops);
    - `infer_image_shape()`: the generator's output shape without batch (used
      for input checks and the replay buffer); override when the networks take
      extra inputs;
    - `discriminator_step(real)` / `generator_step(real)` / `update_ema()`:
      the three parts of `train_step`, each returning a dict of logs;
    - `gan_config()`: the config shared by every GAN, for subclasses that build
      their own networks from their own arguments and so override `get_config`.

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

    def _make_ema_generator(self):
        config = keras.saving.serialize_keras_object(self.generator)
        with keras.name_scope("ema"):
            copy = keras.saving.deserialize_keras_object(config)
        copy.set_weights(self.generator.get_weights())
        copy.trainable = False
        return copy

    @property
    def generator_variables(self):
        """Variables the generator phase trains (`g_optimizer`)."""
        return self.generator.trainable_variables

    @property
    def discriminator_variables(self):
        """Variables the discriminator phase trains (`d_optimizer`)."""
        return self.discriminator.trainable_variables

    @property
    def sampling_generator(self):
        """The network `call` and `generate` use: the EMA copy if any."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    @classmethod
    def config_for_images(cls, config, image_shape):
        return {**config, "image_shape": tuple(int(d) for d in image_shape)}

    def expected_input_shape(self):
        return self.image_shape

    def example_call_inputs(self, n=4, seed=0):
        """Random latents `(n, latent_dim)` for `call` (for tests)."""
        return np.random.default_rng(seed).normal(size=(n, self.latent_dim)).astype("float32")

    # -- hooks --------------------------------------------------------------
    def sample_latents(self, batch_size, seed=None):
        """Standard normal latents `(batch_size, latent_dim)`.

        Args:
            batch_size: int or scalar tensor.
            seed: None (draw from `self.seed_generator`) or an int (the same int
                gives the same latents).
        """
        return keras.random.normal((batch_size, self.latent_dim),
                                   seed=self.seed_generator if seed is None else seed)

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

    # -- the verbs ----------------------------------------------------------
    def call(self, z, training=False):
        """Images in [0, 1] `(batch, h, w, c)` from latents `(batch, latent_dim)`."""
        return self.to_unit_range(
            self.generate_images(z, training=training, generator=self.sampling_generator))

    def generate(self, n, seed=None, batch_size=256):
        """`n` images in [0, 1], NHWC, as a numpy array.

        Args:
            n: number of images.
            seed: None (fresh latents from the model's seed generator) or an
                int: the same int gives the same images.
            batch_size: images per compiled call.
        """
        n = validation.check_positive_int(n, "n")
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        z = self.sample_latents(n, seed=validation.check_seed(seed))
        return self.generate_from_latents(z, batch_size=batch_size)

    def generate_from_latents(self, z, batch_size=256):
        """Images in [0, 1] (numpy) for given latents `(n, latent_dim)`."""
        z = ops.convert_to_numpy(z).astype("float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"latents must have shape (n, {self.latent_dim}), got {z.shape}.")
        function = self._compiled_generate()
        parts = [ops.convert_to_numpy(function(z[i:i + batch_size]))
                 for i in range(0, len(z), batch_size)]
        return np.concatenate(parts)

    def serving_functions(self, batch_size=1):
        """`generate(z)`: latents `(batch, latent_dim)` -> images in [0, 1], for `kg.export`.

        The latent is an input, so the exported graph holds no random op.
        """
        from keras_gen.models.serving import ServingFunction

        return {"generate": ServingFunction(lambda z: self.call(z, training=False),
                                            [("z", (batch_size, self.latent_dim), "float32")],
                                            {"z": "normal"})}

    def _compiled_generate(self):
        if self._generate_fn is None:
            import tensorflow as tf

            self._generate_fn = tf.function(
                lambda z: self.call(z, training=False), reduce_retracing=True,
                input_signature=[tf.TensorSpec((None, self.latent_dim), "float32")])
        return self._generate_fn

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
                source). True: one concatenated forward pass (see the class
                docstring).
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
    def _d_labels(self, batch):
        real = ops.full((batch,), 1.0 - self.label_smoothing, dtype="float32")
        return ops.concatenate([real, ops.zeros((batch,), dtype="float32")], axis=0)

    def _accuracies(self, real_logits, fake_logits):
        threshold = self._adversarial.threshold
        real_ok = ops.cast(ops.reshape(real_logits, (-1,)) > threshold, "float32")
        fake_ok = ops.cast(ops.reshape(fake_logits, (-1,)) <= threshold, "float32")
        return {"d_real_acc": autodiff.unscaled(autodiff.replica_mean(real_ok)),
                "d_fake_acc": autodiff.unscaled(autodiff.replica_mean(fake_ok))}

    def labelled_batch_logits(self, real, fakes, training=True):
        """Logits `(2n, 1)` of the labelled batch: `n` real, then `n` generated images.

        One forward pass of the concatenated batch with `joint_batch`, else one
        pass per half (batch statistics per source).
        """
        if self.joint_batch:
            return self.discriminate(ops.concatenate([real, fakes], axis=0), training=training)
        return ops.concatenate([self.discriminate(real, training=training),
                                self.discriminate(fakes, training=training)], axis=0)

    def discriminator_losses(self, real, fakes, training=True):
        """Phase-1 loss terms for `real` and `fakes` (generator range, `n` each).

        Returns:
            `(total, terms, logits)`: the scalar to minimise, a dict of its
            replica-scaled parts (`d_loss`, and `gp` / `r1` unweighted when on),
            and the logits `(2n, 1)` of the half-real, half-generated batch.
        """
        batch = ops.shape(real)[0]
        logits = self.labelled_batch_logits(real, fakes, training=training)
        per_example = self._adversarial.discriminator(logits, self._d_labels(batch))
        d_loss = autodiff.replica_mean(per_example[:batch]) \
            + autodiff.replica_mean(per_example[batch:])
        terms, total = {"d_loss": d_loss}, d_loss
        discriminate = lambda images: self.discriminate(images, training=training)  # noqa: E731
        if self.gradient_penalty:
            terms["gp"] = autodiff.replica_mean(
                wgan_gradient_penalty(discriminate, real, fakes, seed=self.seed_generator))
            total = total + self.gradient_penalty * terms["gp"]
        if self.r1_gamma:
            terms["r1"] = autodiff.replica_mean(r1_penalty(discriminate, real))
            total = total + 0.5 * self.r1_gamma * terms["r1"]
        return total, terms, logits

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

    def generator_loss(self, real, training=True):
        """Phase-2 loss: `n` generated images labelled real.

        Args:
            real: the batch's `n` real images (generator range). They set the
                batch size, and with `joint_batch` a batch-dependent
                discriminator sees them before the generated half (see the
                class docstring).

        With replay and a batch-dependent discriminator, the generated batch is
        blended with replayed images in the same proportion as in phase 1 (the
        replayed rows carry no gradient and do not count in the loss), so batch
        statistics match those the discriminator learnt on.

        Returns:
            `(g_loss, fake_logits)`.
        """
        batch = ops.shape(real)[0]
        fakes = self.generate_images(self.sample_latents(batch), training=training)
        fresh = None
        if self.replay is not None and self.batch_dependent_discriminator:
            fakes, fresh = self.replay.blend(fakes, seed=self.seed_generator)
        if self.joint_batch and self.batch_dependent_discriminator:
            both = ops.concatenate([ops.stop_gradient(real), fakes], axis=0)
            logits = self.discriminate(both, training=training)[batch:]
        else:
            logits = self.discriminate(fakes, training=training)
        per_example = self._adversarial.generator(logits)
        if fresh is None:
            return autodiff.replica_mean(per_example), logits
        scale = ops.cast(batch, "float32") / ops.maximum(ops.sum(fresh), 1.0)
        return autodiff.replica_mean(per_example * fresh) * scale, logits

    def generator_step(self, real):
        """Phase 2: one generator update on as many generated images as `real` holds."""
        variables = self.generator_variables
        (g_loss, _), grads = autodiff.gradients(
            lambda: self.generator_loss(real), variables, self.g_optimizer)
        autodiff.apply(self.g_optimizer, grads, variables)
        return {"g_loss": autodiff.unscaled(g_loss)}

    def update_ema(self):
        """Move the EMA generator towards the generator (no-op without `ema`).

        Trainable weights are averaged with decay `min(ema, (1 + t) / (10 + t))`
        (`t` = generator steps so far); other state (batch-norm statistics,
        growth stage) is copied.
        """
        if self.ema_generator is None:
            return {}
        step = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            if weight.trainable:
                average.assign(decay * average + (1.0 - decay) * weight)
            else:
                average.assign(weight)
        return {}

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
        per_example = self._adversarial.discriminator(logits, self._d_labels(batch))
        logs = {
            "d_loss": autodiff.unscaled(autodiff.replica_mean(per_example[:batch])
                                        + autodiff.replica_mean(per_example[batch:])),
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
