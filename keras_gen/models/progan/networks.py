"""ProGAN's generator: a latent to 4x4 features, doubling blocks, to-image layers."""

import math

import keras

from keras_gen.core import validation
from keras_gen.layers.equalized import EqualizedConv2D, EqualizedDense
from keras_gen.layers.pixel_norm import PixelNorm
from keras_gen.models.progressive import growth
from keras_gen.models.progressive.networks import check_geometry, leaky
from keras_gen.models.progressive.schedule import resolution_of


def _start_block(latent_dim, filters):
    inputs = keras.Input((latent_dim,))
    x = PixelNorm()(inputs)
    # gain sqrt(2)/4 as in the paper: the dense layer acts as a 4x4 transposed conv
    x = EqualizedDense(16 * filters, gain=math.sqrt(2.0) / 4)(x)
    x = PixelNorm()(leaky(keras.layers.Reshape((4, 4, filters))(x)))
    x = PixelNorm()(leaky(EqualizedConv2D(filters, 3)(x)))
    return keras.Model(inputs, x, name="block_0")


def _up_block(side, filters_in, filters_out, name):
    inputs = keras.Input((side // 2, side // 2, filters_in))
    x = keras.layers.UpSampling2D(2, interpolation="nearest")(inputs)
    x = PixelNorm()(leaky(EqualizedConv2D(filters_out, 3)(x)))
    x = PixelNorm()(leaky(EqualizedConv2D(filters_out, 3)(x)))
    return keras.Model(inputs, x, name=name)


def _to_image(side, filters, channels, name):
    inputs = keras.Input((side, side, filters))
    return keras.Model(inputs, EqualizedConv2D(channels, 1, gain=1.0)(inputs), name=name)


@keras.saving.register_keras_serializable(package="keras_gen")
class ProGANGenerator(keras.Model):
    """Progressive generator: latents `(batch, latent_dim)` -> images.

    Block 0 maps a pixel-normalised latent to 4x4 features; block k upsamples
    (nearest) and applies two 3x3 equalized convolutions, each followed by a
    leaky ReLU and pixel norm; a 1x1 linear to-image layer per stage gives
    pixels. Call: `g(z, stage=None, alpha=None)` -> `(batch, resolution,
    resolution, channels)`, the stage's image replicated to the final
    resolution and, during a fade-in, mixed with the previous stage's.
    `stage=None` means the final stage. Output is linear (unbounded), trained
    towards [-1, 1].

    Args:
        resolution: int. Final side, a power of two >= 8.
        channels: int. Defaults to 1.
        latent_dim: int. Defaults to 128.
        filters: int or one int per stage (4x4 first). Defaults to 64.

    Reference: Karras et al., "Progressive Growing of GANs", ICLR 2018, table 2.
    """

    def __init__(self, resolution=32, channels=1, latent_dim=128, filters=64, **kwargs):
        super().__init__(**kwargs)
        self.stages, self.channels, self.filters = check_geometry(resolution, channels, filters)
        self.resolution = resolution
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.start = _start_block(self.latent_dim, self.filters[0])
        self.up_blocks = [
            _up_block(resolution_of(k), self.filters[k - 1], self.filters[k], f"block_{k}")
            for k in range(1, self.stages)]
        self.to_images = [_to_image(resolution_of(k), self.filters[k], self.channels,
                                    f"to_image_{k}") for k in range(self.stages)]
        self.built = True

    def call(self, z, stage=None, alpha=None, training=False):
        if stage is None:
            stage, alpha = self.stages - 1, 1.0

        def block(k, features):
            if k == 0:
                return self.start(z, training=training)
            return self.up_blocks[k - 1](features, training=training)

        return growth.generator_path(
            stage, 1.0 if alpha is None else alpha, self.stages, block,
            to_image=lambda k, h: self.to_images[k](h, training=training),
            final_resolution=self.resolution)

    def get_config(self):
        config = super().get_config()
        config.update({"resolution": self.resolution, "channels": self.channels,
                       "latent_dim": self.latent_dim, "filters": list(self.filters)})
        return config
