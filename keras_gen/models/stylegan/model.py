"""`StyleGAN`: style-based generator trained with progressive growing."""

import keras
import numpy as np
from keras import ops

from keras_gen.core import autodiff, draws, validation
from keras_gen.layers.precision import cast_like, to_float32
from keras_gen.models.progressive.model import ProgressiveGAN
from keras_gen.models.progressive.networks import ProgressiveDiscriminator
from keras_gen.models.stylegan.networks import StyleGenerator

W_AVG_DECAY = 0.995
FIXED_NOISE_SEED = 1234


@keras.saving.register_keras_serializable(package="keras_gen")
class StyleGAN(ProgressiveGAN):
    """StyleGAN: mapping network, style-modulated synthesis, noise, mixing, truncation.

    A mapping network turns a latent z into an intermediate latent w; the
    synthesis network starts from a learned 4x4 constant, and every
    convolution is modulated by a style computed from w (coarse layers set
    pose and shape, fine layers stroke details) and perturbed by per-pixel
    noise with learned strengths (stochastic detail). Training grows the
    networks exactly as `kg.models.ProGAN` does (same schedule, fade-in,
    discriminator; the model adds `kg.callbacks.ProgressiveSchedule` to `fit`).

    Style mixing regularisation: with probability `mixing_prob` a generated
    training image takes w from a second latent from a random crossover layer
    on, so neighbouring styles are not assumed to be correlated. A running
    average `w_avg` of w supports the truncation trick,
    `w' = w_avg + psi * (w - w_avg)`: psi < 1 trades diversity for quality.

    Modulation is applied to activations (see `kg.layers.ModulatedConv2D`),
    so the generator has no per-example or grouped convolution and noise is an
    input: `serving_functions` export it with builtin TFLite ops.

    Sub-networks: `model.mapping` (z `(batch, latent_dim)` -> w `(batch,
    w_dim)`) and `model.synthesis` (`((ws, noise), stage, alpha)` -> images in
    [-1, 1], see `StyleSynthesis`); both are the sampling (EMA) copies when
    `ema` is set, the trained ones are `model.generator.mapping` / `.synthesis`.

    Args:
        resolution: int. Final side, a power of two >= 8. Defaults to 32.
        channels: int. Defaults to 1.
        latent_dim: int. Size of z. Defaults to 128.
        w_dim: int. Size of w. Defaults to 128.
        mapping_layers: int. Depth of the mapping network. Defaults to 8.
        filters: int or one int per stage (4x4 first), for both networks.
            Defaults to 64.
        phase_images: int. Images per fade-in or stable phase. Defaults to 20,000.
        mixing_prob: float in [0, 1]. Probability of style mixing per
            generated training image. Defaults to 0.9.
        group_size: int. Minibatch standard deviation group (0 = off). Defaults to 4.
        ema: float or None. EMA decay of the sampling generator. Defaults to 0.99.
        replay, seed: as in `kg.models.GAN`.

    Example:
        >>> model = kg.models.StyleGAN(resolution=32, phase_images=20_000)
        >>> model.compile()
        >>> model.fit(x, batch_size=64, epochs=35)
        >>> model.generate(16, seed=0, truncation_psi=0.7).shape
        (16, 32, 32, 1)

    Reference: Karras, Laine and Aila, "A Style-Based Generator Architecture for
    Generative Adversarial Networks", CVPR 2019.
    """

    def __init__(self, resolution=32, channels=1, latent_dim=128, w_dim=128, mapping_layers=8,
                 filters=64, phase_images=20_000, mixing_prob=0.9, group_size=4, ema=0.99,
                 replay=None, seed=None, **kwargs):
        generator = StyleGenerator(latent_dim, w_dim, mapping_layers, resolution, channels,
                                   filters, name="generator")
        discriminator = ProgressiveDiscriminator(resolution, generator.synthesis.channels,
                                                 generator.synthesis.filters, group_size,
                                                 name="discriminator")
        super().__init__(generator, discriminator, latent_dim, resolution=resolution,
                         phase_images=phase_images, ema=ema, replay=replay, seed=seed, **kwargs)
        self.channels = generator.synthesis.channels
        self.w_dim = generator.synthesis.w_dim
        self.mapping_layers = generator.mapping_layers
        self.filters = list(generator.synthesis.filters)
        self.mixing_prob = validation.check_fraction(mixing_prob, "mixing_prob")
        self.group_size = group_size
        self.num_ws = generator.synthesis.num_ws
        self.w_avg = keras.Variable(np.zeros(self.w_dim, "float32"), trainable=False,
                                    name="w_avg")
        self._sample_fn = None

    # -- sub-networks ---------------------------------------------------------
    @property
    def mapping(self):
        """The sampling mapping network z -> w (the EMA copy if `ema`)."""
        return self.sampling_generator.mapping

    @property
    def synthesis(self):
        """The sampling synthesis network (ws, noise) -> images (the EMA copy if `ema`)."""
        return self.sampling_generator.synthesis

    # -- styles and noise -----------------------------------------------------
    def sample_noise(self, batch_size, seed=None):
        """Standard normal noise inputs, one `(batch, r, r, 2)` tensor per stage.

        `seed`: None draws from the model's seed generator; an int is reproducible.
        """
        source = self.seed_generator if seed is None else seed
        shapes = self.generator.synthesis.noise_shapes(batch_size)
        if isinstance(source, int):  # offset so noise seeds do not repeat latent seeds
            return [draws.normal(s, source * 1009 + 101 + i) for i, s in enumerate(shapes)]
        return [keras.random.normal(s, seed=source) for s in shapes]

    def truncate(self, ws, truncation_psi):
        """`w_avg + psi * (ws - w_avg)` (psi = 1 leaves ws unchanged), in float32."""
        if isinstance(truncation_psi, (int, float)) and truncation_psi == 1.0:
            return ws
        w_avg = to_float32(self.w_avg)
        return cast_like(w_avg + to_float32(truncation_psi) * (to_float32(ws) - w_avg), ws)

    def mixed_styles(self, z, mapping, training):
        """Per-layer styles `(batch, num_ws, w_dim)` with style mixing when training."""
        w = mapping(z, training=training)
        ws = ops.repeat(w[:, None, :], self.num_ws, axis=1)
        if not training or self.mixing_prob == 0.0:
            return ws
        batch = ops.shape(z)[0]
        w2 = mapping(self.sample_latents(batch), training=training)
        crossover = keras.random.randint((batch, 1), 1, self.num_ws, seed=self.seed_generator)
        mixing = keras.random.uniform((batch, 1), seed=self.seed_generator) < self.mixing_prob
        crossover = ops.where(mixing, crossover, self.num_ws)
        layer = ops.arange(self.num_ws)[None, :]
        return ops.where((layer < crossover)[..., None], ws, w2[:, None, :])

    # -- GAN hooks ------------------------------------------------------------
    def generate_images(self, z, training=False, generator=None, noise=None, truncation_psi=1.0):
        network = generator if generator is not None else self.generator
        ws = self.truncate(self.mixed_styles(z, network.mapping, training), truncation_psi)
        if noise is None:
            batch = ops.shape(z)[0]
            noise = self.sample_noise(batch, seed=None if training else FIXED_NOISE_SEED)
        return network.synthesis((ws, noise), stage=self.routing_stage,
                                 alpha=self.alpha_variable, training=training)

    def train_step(self, data):
        logs = super().train_step(data)
        batch = ops.shape(self.unpack_x(data))[0]
        w = self.sampling_generator.mapping(self.sample_latents(batch), training=False)
        # the global batch's mean under tf.distribute (each replica sees part of it)
        batch_mean = autodiff.cross_replica_mean(ops.mean(to_float32(w), axis=0))
        self.w_avg.assign(W_AVG_DECAY * self.w_avg + (1.0 - W_AVG_DECAY) * batch_mean)
        return logs

    # -- sampling -------------------------------------------------------------
    def _compiled_sample(self):
        if self._sample_fn is None:
            def sample(ws, noise, psi):
                images = self.synthesis((self.truncate(ws, psi), noise),
                                        stage=self.stage_variable, alpha=self.alpha_variable)
                return self.to_unit_range(images)

            self._sample_fn = autodiff.inference_function(self, sample)
        return self._sample_fn

    def _check_psi(self, truncation_psi):
        if isinstance(truncation_psi, (bool, np.bool_)) or not isinstance(
                truncation_psi, (int, float, np.integer, np.floating)):
            raise ValueError(f"truncation_psi must be a number, got {truncation_psi!r}.")
        psi = float(truncation_psi)
        if not np.isfinite(psi) or psi < 0:
            raise ValueError(f"truncation_psi must be a finite number >= 0 (1 keeps w, 0 gives "
                             f"the average image), got {truncation_psi!r}.")
        return psi

    def generate_from_w(self, w, truncation_psi=1.0, noise="fixed", seed=None, batch_size=256):
        """Images in [0, 1] at the current resolution (numpy) from intermediate latents.

        Args:
            w: `(n, w_dim)` (one w for every layer) or `(n, num_ws, w_dim)`.
            truncation_psi: float. 1 keeps w; 0 gives the average image.
            noise: "fixed" (the same noise for every call), "random" (drawn
                from `seed`), "none" (zeros), or a list of arrays as
                `sample_noise` returns.
            seed: int or None, for `noise="random"`.
            batch_size: images per compiled call.
        """
        psi = self._check_psi(truncation_psi)
        ws = self.synthesis.broadcast_ws(ops.convert_to_tensor(np.asarray(w, "float32")))
        n = int(ws.shape[0])
        if isinstance(noise, (list, tuple)):
            noise = [ops.convert_to_tensor(np.asarray(a, "float32")) for a in noise]
        elif noise in ("fixed", "random"):
            noise = self.sample_noise(n, seed=FIXED_NOISE_SEED if noise == "fixed" else seed)
        elif noise == "none":
            noise = [ops.zeros(s) for s in self.generator.synthesis.noise_shapes(n)]
        else:
            raise ValueError(f"noise must be 'fixed', 'random', 'none' or a list of arrays, "
                             f"got {noise!r}.")
        function = self._compiled_sample()
        parts = []
        for i in range(0, n, batch_size):
            chunk = [a[i:i + batch_size] for a in noise]
            parts.append(ops.convert_to_numpy(function(ws[i:i + batch_size], chunk,
                                                       ops.convert_to_tensor(psi))))
        return self.at_current_resolution(np.concatenate(parts))

    def map(self, z):
        """Intermediate latents w `(n, w_dim)` (numpy) of latents z `(n, latent_dim)`."""
        return ops.convert_to_numpy(self.mapping(np.asarray(z, "float32"), training=False))

    def generate(self, n, seed=None, truncation_psi=1.0, batch_size=256):
        """`n` images in [0, 1] at the current resolution `(n, r, r, channels)` (numpy).

        Args:
            n: number of images.
            seed: None (fresh draws) or an int: the same int gives the same
                images (latents and noise both come from it).
            truncation_psi: float. 1 (default) samples the full distribution;
                smaller values move w towards `w_avg` (less diverse, cleaner).
            batch_size: images per compiled call.
        """
        n = validation.check_positive_int(n, "n")
        seed = validation.check_seed(seed)
        z = self.sample_latents(n, seed=seed)
        noise = self.sample_noise(n, seed=seed)
        return self.generate_from_w(self.map(z), truncation_psi, noise=noise,
                                    batch_size=batch_size)

    def mix(self, z1, z2, crossover, truncation_psi=1.0, noise="fixed"):
        """Images whose first `crossover` style layers come from `z1`, the rest from `z2`.

        Args:
            z1, z2: latents `(n, latent_dim)` (or `(1, latent_dim)`, broadcast).
            crossover: int in [0, num_ws]. Small values take only the coarse
                styles (shape, pose) from z1; `num_ws` reproduces z1.
            truncation_psi, noise: as in `generate_from_w`.

        Returns:
            `(n, r, r, channels)` numpy images in [0, 1].
        """
        if isinstance(crossover, bool) or not isinstance(crossover, (int, np.integer)) \
                or not 0 <= crossover <= self.num_ws:
            raise ValueError(f"crossover must be an int in [0, {self.num_ws}], got "
                             f"{crossover!r}.")
        w1, w2 = self.map(z1), self.map(z2)
        w1, w2 = np.broadcast_arrays(w1, w2)
        ws = np.concatenate([np.repeat(w1[:, None], crossover, axis=1),
                             np.repeat(w2[:, None], self.num_ws - crossover, axis=1)], axis=1)
        return self.generate_from_w(ws, truncation_psi, noise=noise)

    # -- export ---------------------------------------------------------------
    def serving_functions(self, batch_size=1):
        """For `kg.export`, at the model's current stage (fixed path, EMA networks):

        - `generate(z, truncation_psi, noise_4, noise_8, ...)`: images in
          [0, 1], final size; `truncation_psi` is a `(1,)` float32 (1 keeps
          w, 0 gives the average image; not checked in the graph: pass a
          finite value >= 0);
        - `mapping(z)`: w `(batch, w_dim)`;
        - `synthesize(ws, noise_4, ...)`: images from per-layer styles
          `(batch, num_ws, w_dim)`, for truncation and mixing done outside.

        Noise is an input (one `(batch, r, r, 2)` standard normal tensor per
        stage; zeros for none), so the graph holds no random op.
        """
        from keras_gen.models.serving import ServingFunction

        stage = self.stage
        noise_inputs = [(f"noise_{shape[1]}", shape, "float32")
                        for shape in self.generator.synthesis.noise_shapes(batch_size)]
        sample = {name: "normal" for name, _, _ in noise_inputs}

        def synthesize(ws, *noise):
            images = self.synthesis((ws, list(noise)), stage=stage, alpha=self.alpha_variable)
            return self.to_unit_range(images)

        def generate(z, truncation_psi, *noise):
            ws = self.synthesis.broadcast_ws(self.mapping(z))
            return synthesize(self.truncate(ws, truncation_psi), *noise)

        z_input = ("z", (batch_size, self.latent_dim), "float32")
        psi_input = ("truncation_psi", (1,), "float32")
        ws_input = ("ws", (batch_size, self.num_ws, self.w_dim), "float32")
        return {
            "generate": ServingFunction(generate, [z_input, psi_input, *noise_inputs],
                                        {"z": "normal", "truncation_psi": "uniform", **sample}),
            "mapping": ServingFunction(lambda z: self.mapping(z), [z_input], {"z": "normal"}),
            "synthesize": ServingFunction(synthesize, [ws_input, *noise_inputs],
                                          {"ws": "normal", **sample}),
        }

    # -- config ---------------------------------------------------------------
    def get_config(self):
        config = self.progressive_config()
        config.update(channels=self.channels, w_dim=self.w_dim,
                      mapping_layers=self.mapping_layers, filters=list(self.filters),
                      mixing_prob=self.mixing_prob, group_size=self.group_size)
        return config
