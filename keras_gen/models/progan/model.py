"""`ProGAN`: progressive growing of GANs (Karras et al., 2018)."""

import keras

from keras_gen.core import validation
from keras_gen.models.progan.networks import ProGANGenerator
from keras_gen.models.progressive.model import ProgressiveGAN
from keras_gen.models.progressive.networks import ProgressiveDiscriminator


@keras.saving.register_keras_serializable(package="keras_gen")
class ProGAN(ProgressiveGAN):
    """Progressive GAN: both networks start at 4x4 and grow to `resolution`.

    Training alternates phases of `phase_images` images: a transition where
    the doubled-resolution blocks fade in (alpha 0 -> 1, generated and real
    images mix both resolutions), then a stable phase, until `resolution`.
    One `fit` runs the whole growth: the model adds a
    `kg.callbacks.ProgressiveSchedule` that sets the stage from the images
    seen. Real images are averaged down to the current resolution on the fly.

    Generator: pixel norm, equalized dense to 4x4, then per stage nearest
    upsampling and two 3x3 equalized convolutions with leaky ReLU and pixel
    norm, and a linear 1x1 to-image layer. Discriminator: the mirror image with
    average pooling, minibatch standard deviation and two equalized dense
    layers at 4x4 (`kg.models.progressive.ProgressiveDiscriminator`).

    `model.resolution` and `model.alpha` report the stage; `generate(n)`
    returns images `(n, r, r, channels)` in [0, 1] at the current resolution
    `r`; `call(z)` returns them replicated to `resolution`.

    Args:
        resolution: int. Final side, a power of two >= 8. Defaults to 32.
        channels: int. Image channels. Defaults to 1.
        latent_dim: int. Defaults to 128.
        filters: int, or one int per stage (4x4 first) for both networks.
            Defaults to `[128, 128, 64, 32]` for 32x32, i.e. 128 halved at
            each doubling after 8x8 and never below 16.
        phase_images: int. Images per fade-in or stable phase. Defaults to 20,000.
        group_size: int. Minibatch standard deviation group size (0 turns the
            layer off). Defaults to 4.
        ema: float or None. Decay of the EMA generator used for sampling.
            Defaults to 0.99.
        replay: optional `kg.replay.ReplayBuffer` (or its arguments).
        seed: int or None.

    Example:
        >>> model = kg.models.ProGAN(resolution=32, phase_images=20_000)
        >>> model.compile()                           # non-saturating loss + R1
        >>> x, _ = kg.data.load_arrays("mnist", size=32)
        >>> model.fit(x, batch_size=64, epochs=35)   # 4x4 -> 32x32 in one call
        >>> model.resolution, model.alpha
        (32, 1.0)

    Reference: Karras, Aila, Laine and Lehtinen, "Progressive Growing of GANs
    for Improved Quality, Stability, and Variation", ICLR 2018.
    """

    def __init__(self, resolution=32, channels=1, latent_dim=128, filters=None,
                 phase_images=20_000, group_size=4, ema=0.99, replay=None, seed=None,
                 **kwargs):
        from keras_gen.models.progressive.schedule import num_stages

        stages = num_stages(resolution)
        if filters is None:
            filters = [max(16, 128 // 2 ** max(0, k - 1)) for k in range(stages)]
        channels = validation.check_positive_int(channels, "channels")
        generator = ProGANGenerator(resolution, channels, latent_dim, filters, name="generator")
        discriminator = ProgressiveDiscriminator(resolution, channels, filters, group_size,
                                                 name="discriminator")
        super().__init__(generator, discriminator, latent_dim, resolution=resolution,
                         phase_images=phase_images, ema=ema, replay=replay, seed=seed, **kwargs)
        self.channels = channels
        self.filters = list(generator.filters)
        self.group_size = group_size

    def get_config(self):
        config = self.progressive_config()
        config.update(channels=self.channels, filters=list(self.filters),
                      group_size=self.group_size)
        return config
