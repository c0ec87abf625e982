"""Encoder and decoder builders shared by every autoencoder family (AE, conv AE, VAE).

Functions here work on symbolic Keras tensors (functional API) so a model can
assemble its encoder and decoder as `keras.Model`s in `__init__`. Images are
NHWC; dense networks flatten any input shape.
"""

import math

import keras

from keras_gen.core import validation
from keras_gen.layers.transposed_conv import Conv2DTranspose


def flat_size(shape):
    """Number of values in one example of `shape`, e.g. (28, 28, 1) -> 784."""
    return int(math.prod(shape))


def check_activation(value, name):
    """Validate an activation given by name (strings keep configs JSON-ready)."""
    if value is None:
        return "linear"
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an activation name (a string), got {value!r}.")
    try:
        keras.activations.get(value)
    except ValueError:
        raise ValueError(f"{name}: unknown activation {value!r}.") from None
    return value


def dense_layers(units, activation, name):
    """A list of `Dense` layers `{name}_dense_{i}`, one per entry of `units`."""
    return [keras.layers.Dense(u, activation=activation, name=f"{name}_dense_{i}")
            for i, u in enumerate(units)]


def apply_layers(layers, x):
    """Run `x` through `layers` in order."""
    for layer in layers:
        x = layer(x)
    return x


def conv_feature_shape(input_shape, filters):
    """Shape `(h, w, c)` after `conv_encoder` with stride-2 'same' convolutions.

    Each level halves height and width, rounding up: 28 -> 14 -> 7 -> 4.
    """
    height, width = input_shape[:2]
    for _ in filters:
        height, width = math.ceil(height / 2), math.ceil(width / 2)
    return (height, width, filters[-1])


def conv_encoder(x, filters, kernel_size=3, activation="relu", last_activation=None,
                 name="encoder"):
    """Stride-2 convolutions: halve height/width and deepen channels at each level.

    Args:
        x: image tensor `(batch, h, w, c)`.
        filters: channels per level, e.g. (32, 64): 28x28 -> 14x14x32 -> 7x7x64.
        kernel_size: int, square kernel size.
        activation: activation of every level.
        last_activation: activation of the last level (for a convolutional
            code); defaults to `activation`.
        name: prefix of layer names.

    Returns:
        `(batch, *conv_feature_shape(...))` feature map.
    """
    for i, f in enumerate(filters):
        act = last_activation if (last_activation is not None and i == len(filters) - 1) \
            else activation
        x = keras.layers.Conv2D(f, kernel_size, strides=2, padding="same", activation=act,
                                name=f"{name}_conv_{i}")(x)
    return x


def conv_decoder(x, filters, output_shape, kernel_size=3, activation="relu",
                 output_activation="sigmoid", name="decoder"):
    """Mirror of `conv_encoder`: stride-2 transposed convolutions back to `output_shape`.

    Each level doubles height/width with `filters` in reverse order; the result
    is cropped to the exact output size (needed when a size was rounded up on
    the way down, e.g. 7 -> 4 -> 8) and a last 'same' convolution gives the
    output channels.

    Args:
        x: feature map `(batch, h', w', c')`.
        filters: the encoder's filters (used in reverse).
        output_shape: `(height, width, channels)` of the result.
        output_activation: activation of the last convolution (None: logits).

    Returns:
        `(batch, *output_shape)` tensor.
    """
    for i, f in enumerate(reversed(filters)):
        x = Conv2DTranspose(f, kernel_size, strides=2, padding="same",
                                         activation=activation, name=f"{name}_deconv_{i}")(x)
    height, width, channels = output_shape
    extra_h, extra_w = x.shape[1] - height, x.shape[2] - width
    if extra_h or extra_w:
        x = keras.layers.Cropping2D(((extra_h // 2, extra_h - extra_h // 2),
                                     (extra_w // 2, extra_w - extra_w // 2)),
                                    name=f"{name}_crop")(x)
    return keras.layers.Conv2D(channels, kernel_size, padding="same", dtype="float32",
                               activation=output_activation, name=f"{name}_output")(x)


def encoder_trunk(inputs, hidden=(), conv_filters=None, kernel_size=3, activation="relu",
                  name="encoder"):
    """Inputs -> (optional stride-2 conv stack) -> flatten -> dense stack.

    The common body of a dense or convolutional encoder whose code is a
    vector; the caller adds the code head(s).

    Returns:
        `(batch, features)` tensor.
    """
    x = inputs
    if conv_filters:
        x = conv_encoder(x, conv_filters, kernel_size, activation, name=name)
    x = keras.layers.Flatten(name=f"{name}_flatten")(x)
    return apply_layers(dense_layers(hidden, activation, name), x)


def decoder_trunk(code, output_shape, hidden=(), conv_filters=None, kernel_size=3,
                  activation="relu", output_activation="sigmoid", name="decoder"):
    """Code vector -> dense stack (`hidden` reversed) -> output of `output_shape`.

    Without `conv_filters` a last Dense layer gives all output values; with
    them, a Dense layer gives the encoder's last feature map, and
    `conv_decoder` upsamples it.

    Returns:
        `(batch, *output_shape)` tensor.
    """
    x = apply_layers(dense_layers(tuple(reversed(hidden)), activation, name), code)
    if conv_filters:
        feature_shape = conv_feature_shape(output_shape, conv_filters)
        x = keras.layers.Dense(flat_size(feature_shape), activation=activation,
                               name=f"{name}_project")(x)
        x = keras.layers.Reshape(feature_shape, name=f"{name}_reshape")(x)
        return conv_decoder(x, conv_filters, output_shape, kernel_size, activation,
                            output_activation, name=name)
    x = keras.layers.Dense(flat_size(output_shape), activation=output_activation,
                           dtype="float32", name=f"{name}_output")(x)
    return keras.layers.Reshape(output_shape, dtype="float32", name=f"{name}_reshape")(x)


def check_kernel_size(value):
    return validation.check_positive_int(value, "kernel_size")
