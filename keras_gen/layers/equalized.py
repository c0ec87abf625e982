"""Layers with an equalized learning rate (Karras et al., 2018, section 4.1).

Weights are stored as draws from N(0, 1 / lr_multiplier) and multiplied at run
time by `gain / sqrt(fan_in) * lr_multiplier` (He's constant). Adam-like
optimizers normalise updates by the gradient's scale, so without the runtime
scale a layer with a large fan-in would learn more slowly, relative to its
weights' size, than a small one; with it every layer learns at the same speed.
`lr_multiplier < 1` slows a layer down on purpose (StyleGAN's mapping network).
"""

import math

import keras
from keras import ops

from keras_gen.core import validation

SQRT_2 = math.sqrt(2.0)  # He gain for ReLU-like activations


class _Equalized(keras.layers.Layer):
    """Shared arguments, weights and config of the equalized layers."""

    def __init__(self, gain=SQRT_2, lr_multiplier=1.0, use_bias=True, bias_init=0.0,
                 activation=None, **kwargs):
        super().__init__(**kwargs)
        self.gain = validation.check_number(gain, "gain")
        self.lr_multiplier = validation.check_number(lr_multiplier, "lr_multiplier")
        self.use_bias = bool(use_bias)
        if isinstance(bias_init, bool) or not isinstance(bias_init, (int, float)):
            raise ValueError(f"bias_init must be a number, got {bias_init!r}.")
        self.bias_init = float(bias_init)
        self.activation = keras.activations.get(activation)

    def _make_weights(self, kernel_shape, fan_in, units):
        self.scale = self.gain / math.sqrt(fan_in) * self.lr_multiplier
        self.kernel = self.add_weight(
            name="kernel", shape=kernel_shape,
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier))
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(units,),
                initializer=keras.initializers.Constant(self.bias_init / self.lr_multiplier))

    def scaled_kernel(self):
        """The kernel the layer actually applies (stored kernel times He's constant)."""
        return self.kernel * self.scale

    def _finish(self, y):
        if self.bias is not None:
            y = y + self.bias * self.lr_multiplier
        return self.activation(y)

    def get_config(self):
        config = super().get_config()
        config.update({
            "gain": self.gain, "lr_multiplier": self.lr_multiplier, "use_bias": self.use_bias,
            "bias_init": self.bias_init,
            "activation": keras.activations.serialize(self.activation),
        })
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class EqualizedDense(_Equalized):
    """Dense layer with an equalized learning rate.

    Input `(batch, ..., fan_in)` -> output `(batch, ..., units)`.

    Args:
        units: int. Output features.
        gain: float. He gain: `sqrt(2)` before a (leaky) ReLU, 1 for a linear
            output. Defaults to `sqrt(2)`.
        lr_multiplier: float. Scales this layer's effective learning rate
            (StyleGAN's mapping network uses 0.01). Defaults to 1.
        use_bias: bool. Defaults to True.
        bias_init: float. Initial value of the (effective) bias; 1 for style
            affines so styles start at identity. Defaults to 0.
        activation: activation name or callable. Defaults to None (linear).

    Example:
        >>> layer = EqualizedDense(64, activation="relu")
        >>> layer(np.zeros((2, 128))).shape
        (2, 64)

    Reference: Karras et al., "Progressive Growing of GANs for Improved
    Quality, Stability, and Variation", ICLR 2018.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ValueError(f"units must be a positive int, got {units!r}.")
        self.units = units

    def build(self, input_shape):
        fan_in = input_shape[-1]
        if fan_in is None:
            raise ValueError("EqualizedDense needs a known last input dimension.")
        self._make_weights((fan_in, self.units), fan_in, self.units)

    def call(self, inputs):
        return self._finish(ops.matmul(inputs, self.scaled_kernel()))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class EqualizedConv2D(_Equalized):
    """2-D convolution (stride 1, "same" padding) with an equalized learning rate.

    Input `(batch, height, width, in_channels)` -> `(batch, height, width, filters)`.

    Args:
        filters: int. Output channels.
        kernel_size: int. Square kernel side (odd). Defaults to 3.
        gain, lr_multiplier, use_bias, bias_init, activation: as in
            `EqualizedDense`.

    Example:
        >>> EqualizedConv2D(8, 3)(np.zeros((2, 16, 16, 4))).shape
        (2, 16, 16, 8)
    """

    def __init__(self, filters, kernel_size=3, **kwargs):
        super().__init__(**kwargs)
        self.filters = validation.check_positive_int(filters, "filters")
        self.kernel_size = validation.check_odd_kernel_size(kernel_size)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError("EqualizedConv2D needs a known number of input channels.")
        k = self.kernel_size
        self._make_weights((k, k, channels, self.filters), k * k * channels, self.filters)

    def call(self, inputs):
        y = ops.conv(inputs, self.scaled_kernel(), strides=1, padding="same")
        return self._finish(y)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "kernel_size": self.kernel_size})
        return config
