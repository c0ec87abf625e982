"""The progressive discriminator shared by ProGAN and StyleGAN, and filter checks.

Every block is a small functional model built in `__init__`, so all variables
exist from construction whatever the stage; `call` routes by `stage`/`alpha`
through `growth.discriminator_path`.
"""

import keras

from keras_gen.core import validation
from keras_gen.layers.equalized import EqualizedConv2D, EqualizedDense
from keras_gen.layers.minibatch import MinibatchStdDev
from keras_gen.models.progressive import growth
from keras_gen.models.progressive.schedule import num_stages, resolution_of

LEAKY_SLOPE = 0.2

def check_filters(filters, stages, name="filters"):
    """Filters per stage (4x4 first): an int (the same everywhere) or one per stage."""
    if isinstance(filters, (int,)) and not isinstance(filters, bool):
        return (validation.check_positive_int(filters, name),) * stages
    values = validation.check_int_sequence(filters, name, allow_empty=False)
    if len(values) != stages:
        raise ValueError(
            f"{name} needs one entry per stage ({stages}: resolutions "
            f"{[resolution_of(s) for s in range(stages)]}), got {len(values)}: {list(values)}.")
    return values

def check_geometry(resolution, channels, filters):
    """`(stages, channels, filters per stage)` of a progressive network growing to `resolution`."""
    stages = num_stages(resolution)
    return (stages, validation.check_positive_int(channels, "channels"),
            check_filters(filters, stages))


def leaky(x):
    return keras.layers.LeakyReLU(negative_slope=LEAKY_SLOPE)(x)

def _from_image(side, channels, filters, name):
    inputs = keras.Input((side, side, channels))
    outputs = leaky(EqualizedConv2D(filters, 1)(inputs))
    return keras.Model(inputs, outputs, name=name)

def _down_block(side, filters_in, filters_out, name):
    inputs = keras.Input((side, side, filters_in))
    x = leaky(EqualizedConv2D(filters_in, 3)(inputs))
    x = leaky(EqualizedConv2D(filters_out, 3)(x))
    outputs = keras.layers.AveragePooling2D(2)(x)
    return keras.Model(inputs, outputs, name=name)

def _head(filters, group_size, name):
    inputs = keras.Input((4, 4, filters))
    x = MinibatchStdDev(group_size)(inputs) if group_size else inputs
    x = leaky(EqualizedConv2D(filters, 3)(x))
    x = keras.layers.Flatten()(x)
    x = leaky(EqualizedDense(filters)(x))
    outputs = EqualizedDense(1, gain=1.0)(x)
    return keras.Model(inputs, outputs, name=name)

@keras.saving.register_keras_serializable(package="keras_gen")
class ProgressiveDiscriminator(keras.Model):
    """ProGAN's discriminator: from-image layers, halving blocks, a 4x4 head.

    Call: `d(images, stage=None, alpha=None)` with `images` `(batch,
    resolution, resolution, channels)` in the generator's range -> logits
    `(batch, 1)`. Images are averaged down to the stage's resolution first
    (so a generator's replicated low-resolution output is seen exactly), and
    during a fade-in the new block is mixed with the previous resolution's
    from-image path. `stage=None` means the final stage with `alpha=1`.

    Args:
        resolution: int. Final side, a power of two >= 8.
        channels: int. Image channels. Defaults to 1.
        filters: int or one int per stage (4x4 first). Defaults to 64.
        group_size: int. Minibatch standard deviation group (0 disables).
            Defaults to 4.

    Reference: Karras et al., "Progressive Growing of GANs", ICLR 2018, table 2.
    """

    def __init__(self, resolution=32, channels=1, filters=64, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.stages, self.channels, self.filters = check_geometry(resolution, channels, filters)
        self.resolution = resolution
        if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 0:
            raise ValueError(f"group_size must be an int >= 0, got {group_size!r}.")
        self.group_size = group_size
        self.from_images = [
            _from_image(resolution_of(k), self.channels, self.filters[k], f"from_image_{k}")
            for k in range(self.stages)]
        self.down_blocks = [
            _down_block(resolution_of(k), self.filters[k], self.filters[k - 1], f"down_{k}")
            for k in range(1, self.stages)]
        self.head = _head(self.filters[0], group_size, "head")
        self.built = True

    def call(self, images, stage=None, alpha=None, training=False):
        if stage is None:
            stage, alpha = self.stages - 1, 1.0
        return growth.discriminator_path(
            stage, 1.0 if alpha is None else alpha, self.stages, images,
            from_image=lambda k, x: self.from_images[k](x, training=training),
            block=lambda k, h: self.down_blocks[k - 1](h, training=training),
            head=lambda h: self.head(h, training=training),
            final_resolution=self.resolution)

    def compute_output_spec(self, images, stage=None, alpha=None, training=False):
        """Logits `(batch, 1)` float32 for any stage (no trace needed to know it)."""
        del stage, alpha, training
        return keras.KerasTensor((images.shape[0], 1), dtype="float32")

    def get_config(self):
        config = super().get_config()
        config.update({"resolution": self.resolution, "channels": self.channels,
                       "filters": list(self.filters), "group_size": self.group_size})
        return config
