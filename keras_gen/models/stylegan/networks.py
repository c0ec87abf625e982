"""StyleGAN's networks: the mapping network (z -> w) and the style-driven synthesis."""

import keras
from keras import ops

from keras_gen.core import validation
from keras_gen.layers.equalized import EqualizedDense
from keras_gen.layers.pixel_norm import PixelNorm
from keras_gen.layers.precision import OUTPUT_DTYPE
from keras_gen.layers.style import ConstantInput, ModulatedConv2D, NoiseInjection
from keras_gen.models.progressive import growth
from keras_gen.models.progressive.networks import LEAKY_SLOPE, check_geometry, leaky
from keras_gen.models.progressive.schedule import resolution_of

MAPPING_LR_MULTIPLIER = 0.01
LAYERS_PER_STAGE = 2


def build_mapping(latent_dim, w_dim, layers, name="mapping"):
    """Mapping network: pixel-normalised z `(batch, latent_dim)` -> w `(batch, w_dim)`.

    `layers` equalized dense layers with leaky ReLU and a learning rate
    multiplier of 0.01 (the paper's), so the intermediate latent space moves
    slowly compared with the synthesis network. The last layer is float32
    under mixed precision, so w (and `w_avg`, truncation, mixing) are float32.
    """
    inputs = keras.Input((latent_dim,), name="z")
    x = PixelNorm()(inputs)
    for i in range(layers):
        dtype = OUTPUT_DTYPE if i == layers - 1 else None  # None: the global policy
        x = EqualizedDense(w_dim, lr_multiplier=MAPPING_LR_MULTIPLIER,
                           activation=keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE,
                                                             dtype=dtype),
                           dtype=dtype, name=f"dense_{i}")(x)
    return keras.Model(inputs, x, name=name)


def _style_layer(x, w, noise, filters):
    x = ModulatedConv2D(filters, 3)(x, w)
    return leaky(NoiseInjection()(x, noise))


def _synthesis_block(k, w_dim, filters_in, filters):
    side = resolution_of(k)
    w_a = keras.Input((w_dim,), name="w_a")
    w_b = keras.Input((w_dim,), name="w_b")
    noise = keras.Input((side, side, LAYERS_PER_STAGE), name="noise")
    if k == 0:
        x = ConstantInput((side, side, filters))(w_a)
        inputs = [w_a, w_b, noise]
    else:
        features = keras.Input((side // 2, side // 2, filters_in), name="features")
        x = keras.layers.UpSampling2D(2, interpolation="nearest")(features)
        inputs = [features, w_a, w_b, noise]
    x = _style_layer(x, w_a, noise[..., :1], filters)
    x = _style_layer(x, w_b, noise[..., 1:], filters)
    return keras.Model(inputs, x, name=f"block_{k}")


def _to_image(k, w_dim, filters, channels):
    side = resolution_of(k)
    features = keras.Input((side, side, filters))
    w = keras.Input((w_dim,))
    # float32 under mixed precision: images (and their fade-in) are the output
    image = ModulatedConv2D(channels, 1, demodulate=False, dtype=OUTPUT_DTYPE)(features, w)
    return keras.Model([features, w], image, name=f"to_image_{k}")


@keras.saving.register_keras_serializable(package="keras_gen")
class StyleSynthesis(keras.Model):
    """Synthesis network: styles and noise -> images, grown by stage.

    A learned 4x4 constant, then per stage two 3x3 modulated convolutions
    (styles from w scale the input channels, outputs are demodulated), each
    followed by per-pixel noise with learned per-channel strengths and a leaky
    ReLU; stages after the first start with nearest upsampling. A 1x1
    modulated to-image layer per stage gives pixels (faded in like ProGAN's).

    Call: `synthesis((ws, noise), stage=None, alpha=None)` with
    - `ws`: `(batch, num_ws, w_dim)`, one w per style layer (`num_ws = 2 *
      stages`; layer `2k` and `2k + 1` belong to stage k, and the to-image
      layer of stage k uses w `2k + 1`), or `(batch, w_dim)` for one w
      everywhere;
    - `noise`: a list with one `(batch, 4*2**k, 4*2**k, 2)` tensor per stage
      (standard normal), or None for no noise;
    -> `(batch, resolution, resolution, channels)` (the stage's image
    replicated to the final resolution), float32 under mixed precision too.
    `stage=None` means the final stage.

    Args:
        resolution: int. Final side, a power of two >= 8.
        channels: int. Defaults to 1.
        w_dim: int. Size of w. Defaults to 128.
        filters: int or one int per stage (4x4 first). Defaults to 64.

    Reference: Karras et al., "A Style-Based Generator Architecture for GANs",
    CVPR 2019; Karras et al., "Analyzing and Improving the Image Quality of
    StyleGAN", CVPR 2020 (modulation and demodulation).
    """

    def __init__(self, resolution=32, channels=1, w_dim=128, filters=64, **kwargs):
        super().__init__(**kwargs)
        self.stages, self.channels, self.filters = check_geometry(resolution, channels, filters)
        self.resolution = resolution
        self.w_dim = validation.check_positive_int(w_dim, "w_dim")
        self.num_ws = LAYERS_PER_STAGE * self.stages
        self.blocks = [
            _synthesis_block(k, self.w_dim, self.filters[k - 1] if k else None, self.filters[k])
            for k in range(self.stages)]
        self.to_images = [_to_image(k, self.w_dim, self.filters[k], self.channels)
                          for k in range(self.stages)]
        self.built = True

    def noise_shapes(self, batch_size):
        """Shapes of the noise inputs, one per stage."""
        return [(batch_size, resolution_of(k), resolution_of(k), LAYERS_PER_STAGE)
                for k in range(self.stages)]

    def broadcast_ws(self, ws):
        """`(batch, w_dim)` -> `(batch, num_ws, w_dim)`; `(batch, num_ws, w_dim)` passes."""
        if len(ws.shape) == 2:
            return ops.repeat(ws[:, None, :], self.num_ws, axis=1)
        if len(ws.shape) != 3 or ws.shape[1] != self.num_ws:
            raise ValueError(f"ws must have shape (batch, {self.w_dim}) or (batch, "
                             f"{self.num_ws}, {self.w_dim}); got {tuple(ws.shape)}.")
        return ws

    def call(self, inputs, stage=None, alpha=None, training=False):
        ws, noise = inputs
        ws = self.broadcast_ws(ops.convert_to_tensor(ws))
        if noise is None:
            batch = ops.shape(ws)[0]
            noise = [ops.zeros(shape, ws.dtype) for shape in self.noise_shapes(batch)]
        if len(noise) != self.stages:
            raise ValueError(f"noise needs one tensor per stage ({self.stages}), got "
                             f"{len(noise)}.")
        if stage is None:
            stage, alpha = self.stages - 1, 1.0

        def block(k, features):
            styles = [ws[:, 2 * k], ws[:, 2 * k + 1], noise[k]]
            inputs_k = styles if k == 0 else [features, *styles]
            return self.blocks[k](inputs_k, training=training)

        return growth.generator_path(
            stage, 1.0 if alpha is None else alpha, self.stages, block,
            to_image=lambda k, h: self.to_images[k]([h, ws[:, 2 * k + 1]], training=training),
            final_resolution=self.resolution)

    def get_config(self):
        config = super().get_config()
        config.update({"resolution": self.resolution, "channels": self.channels,
                       "w_dim": self.w_dim, "filters": list(self.filters)})
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class StyleGenerator(keras.Model):
    """Mapping and synthesis networks together (what the GAN and its EMA copy hold).

    Call: `g(z, stage=None, alpha=None, noise=None)` -> images: one w per
    latent for every style layer, no style mixing, no truncation. `StyleGAN`
    composes `mapping` and `synthesis` itself to add those.

    Args:
        latent_dim: int. Size of z.
        w_dim: int. Size of w.
        mapping_layers: int. Dense layers of the mapping network.
        resolution, channels, filters: as in `StyleSynthesis`.
    """

    def __init__(self, latent_dim=128, w_dim=128, mapping_layers=8, resolution=32, channels=1,
                 filters=64, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.mapping_layers = validation.check_positive_int(mapping_layers, "mapping_layers")
        self.mapping = build_mapping(self.latent_dim, validation.check_positive_int(
            w_dim, "w_dim"), self.mapping_layers)
        self.synthesis = StyleSynthesis(resolution, channels, w_dim, filters, name="synthesis")
        self.built = True

    def call(self, z, stage=None, alpha=None, noise=None, training=False):
        w = self.mapping(z, training=training)
        return self.synthesis((w, noise), stage=stage, alpha=alpha, training=training)

    def get_config(self):
        config = super().get_config()
        s = self.synthesis
        config.update({"latent_dim": self.latent_dim, "w_dim": s.w_dim,
                       "mapping_layers": self.mapping_layers, "resolution": s.resolution,
                       "channels": s.channels, "filters": list(s.filters)})
        return config
