"""DCGAN networks: a transposed-convolution generator and a strided-convolution
discriminator (Radford et al., 2016), for any image size.

The recipe: no pooling (strided convolutions down, transposed convolutions up),
batch norm in the generator and in the discriminator's inner layers, ReLU in
the generator with a tanh output, LeakyReLU(0.2) in the discriminator, weights
drawn from N(0, 0.02).
"""

import math

import keras

from keras_gen.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from keras_gen.layers.transposed_conv import Conv2DTranspose

MINIBATCH_CHOICES = ("discrimination", "stddev", None)
NORM_CHOICES = ("batch", "layer", None)
INIT_STDDEV = 0.02
BN_MOMENTUM = 0.9
LEAKY_SLOPE = 0.2


def _init(seed, index):
    """N(0, 0.02), seeded per layer from the model seed (None: Keras' global seed)."""
    return keras.initializers.RandomNormal(
        0.0, INIT_STDDEV, seed=None if seed is None else seed * 100 + index)


def start_size(image_shape, steps):
    """Spatial size `(h, w)` before `steps` doublings; the output is cropped to fit."""
    return tuple(math.ceil(d / 2 ** steps) for d in image_shape[:2])


def build_generator(image_shape, latent_dim, filters=(128, 64), kernel_size=4, base_convs=(),
                    seed=None, name="generator"):
    """Latents `(batch, latent_dim)` -> images `(batch, *image_shape)` in [-1, 1].

    A dense projection to `(h0, w0, filters[0])`, optionally stride-1 3x3
    convolutions of `base_convs` filters at that low resolution (cheap: the
    spatial grid is small), then one stride-2 transposed
    convolution per further entry of `filters` (batch norm, ReLU) and a last
    stride-2 transposed convolution to the image channels (tanh): `len(filters)`
    doublings in all. `h0 = ceil(h / 2**len(filters))`; if the result is larger
    than the image (28 from 7 is exact, 30 from 8 gives 32), it is centre-cropped.
    """
    height, width, channels = image_shape
    steps = len(filters)
    h0, w0 = start_size(image_shape, steps)
    z = keras.Input((latent_dim,), name="latents")
    x = keras.layers.Dense(h0 * w0 * filters[0], use_bias=False, kernel_initializer=_init(seed, 0),
                           name="g_project")(z)
    x = keras.layers.Reshape((h0, w0, filters[0]), name="g_reshape")(x)
    x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name="g_bn_0")(x)
    x = keras.layers.ReLU(name="g_relu_0")(x)
    for j, width_j in enumerate(base_convs):
        x = keras.layers.Conv2D(width_j, 3, padding="same", use_bias=False,
                                kernel_initializer=_init(seed, 20 + j), name=f"g_base_conv_{j}")(x)
        x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"g_base_bn_{j}")(x)
        x = keras.layers.ReLU(name=f"g_base_relu_{j}")(x)
    for i, width_i in enumerate(filters[1:], start=1):
        x = Conv2DTranspose(width_i, kernel_size, strides=2, padding="same",
                                         use_bias=False, kernel_initializer=_init(seed, i),
                                         name=f"g_up_{i}")(x)
        x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"g_bn_{i}")(x)
        x = keras.layers.ReLU(name=f"g_relu_{i}")(x)
    x = Conv2DTranspose(channels, kernel_size, strides=2, padding="same",
                                     kernel_initializer=_init(seed, steps), name="g_to_image")(x)
    extra_h, extra_w = h0 * 2 ** steps - height, w0 * 2 ** steps - width
    if extra_h or extra_w:
        x = keras.layers.Cropping2D(((extra_h // 2, extra_h - extra_h // 2),
                                     (extra_w // 2, extra_w - extra_w // 2)), name="g_crop")(x)
    images = keras.layers.Activation("tanh", name="g_tanh")(x)
    return keras.Model(z, images, name=name)


def build_discriminator(image_shape, filters=(64, 128), kernel_size=4, norm="batch",
                        minibatch=None, minibatch_kernels=32, minibatch_kernel_dim=8,
                        group_size=4, dropout=0.0, seed=None, name="discriminator"):
    """Images `(batch, *image_shape)` in [-1, 1] -> logits `(batch, 1)`.

    One stride-2 convolution per entry of `filters` (LeakyReLU 0.2; `norm`
    after every convolution but the first), optional minibatch statistics, a
    dense logit.

    Args:
        norm: "batch" (the DCGAN recipe), "layer" (per-example: use it with a
            gradient penalty, whose per-example gradients batch norm mixes), or None.
        minibatch: "stddev" appends a `MinibatchStdDev(group_size)` channel to
            the last feature map; "discrimination" appends
            `MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim)`
            features before the logit; None adds nothing.
        dropout: dropout rate after each convolution block (0 = none).
    """
    images = keras.Input(image_shape, name="images")
    x = images
    for i, width in enumerate(filters):
        x = keras.layers.Conv2D(width, kernel_size, strides=2, padding="same",
                                use_bias=(i == 0 or norm is None),
                                kernel_initializer=_init(seed, 50 + i), name=f"d_conv_{i}")(x)
        if i > 0 and norm == "batch":
            x = keras.layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"d_bn_{i}")(x)
        elif i > 0 and norm == "layer":
            x = keras.layers.LayerNormalization(axis=(1, 2, 3), name=f"d_ln_{i}")(x)
        x = keras.layers.LeakyReLU(LEAKY_SLOPE, name=f"d_lrelu_{i}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, seed=None if seed is None else seed + i,
                                     name=f"d_dropout_{i}")(x)
    if minibatch == "stddev":
        x = MinibatchStdDev(group_size, name="d_minibatch_stddev")(x)
    x = keras.layers.Flatten(name="d_flatten")(x)
    if minibatch == "discrimination":
        x = MinibatchDiscrimination(minibatch_kernels, minibatch_kernel_dim,
                                    kernel_initializer=_init(seed, 98),
                                    name="d_minibatch_discrimination")(x)
    logits = keras.layers.Dense(1, kernel_initializer=_init(seed, 99), name="d_logit")(x)
    return keras.Model(images, logits, name=name)

