"""Style-based synthesis layers (StyleGAN): modulated convolution, noise, constant.

The modulation is applied to activations, not to weights: scaling the input
channels of a convolution by a per-example style `s` and then its output
channels by the demodulation `d` computes exactly the convolution with the
per-example weights `w * s / ||w * s||` of StyleGAN2, but with one shared
kernel. So no grouped or per-example convolution is needed, and the layer
converts to builtin TFLite ops (MUL, CONV_2D, FULLY_CONNECTED, RSQRT).
"""

import math

import keras
from keras import ops

from keras_gen.core import validation
from keras_gen.layers.equalized import EqualizedDense
from keras_gen.layers.precision import cast_like, to_float32


@keras.saving.register_keras_serializable(package="keras_gen")
class ModulatedConv2D(keras.layers.Layer):
    """Convolution whose input channels are scaled by a style computed from w.

    Call: `layer(inputs, styles)` with `inputs` `(batch, height, width,
    in_channels)` and `styles` `(batch, w_dim)` (an intermediate latent w) ->
    `(batch, height, width, filters)`. A learned affine map (equalized, bias
    initialised to 1) turns w into one scale per input channel.

    Args:
        filters: int. Output channels.
        kernel_size: int. Odd square kernel side. Defaults to 3.
        demodulate: bool. Normalise each output channel to unit expected
            variance (StyleGAN2's replacement of AdaIN's instance norm).
            Defaults to True; False for to-image layers.
        gain: float. He gain of the kernel. Defaults to 1.
        use_bias: bool. Defaults to True.
        activation: applied last. Defaults to None.
        epsilon: float. Added before the demodulation's rsqrt. Defaults to 1e-8.

    Under mixed precision the convolution runs in the compute dtype and the
    demodulation (a sum of squares and its rsqrt) in float32; the affine
    follows the layer's dtype policy (so `dtype="float32"` makes a float32
    output layer).

    Reference: Karras et al., "Analyzing and Improving the Image Quality of
    StyleGAN", CVPR 2020 (section 2.2, weight demodulation).
    """

    def __init__(self, filters, kernel_size=3, demodulate=True, gain=1.0, use_bias=True,
                 activation=None, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.filters = validation.check_positive_int(filters, "filters")
        self.kernel_size = validation.check_odd_kernel_size(kernel_size)
        self.demodulate = bool(demodulate)
        self.gain = validation.check_number(gain, "gain")
        self.use_bias = bool(use_bias)
        self.activation = keras.activations.get(activation)
        self.epsilon = validation.check_number(epsilon, "epsilon")

    def build(self, inputs_shape, styles_shape):
        channels = inputs_shape[-1]
        if channels is None or styles_shape[-1] is None:
            raise ValueError("ModulatedConv2D needs known input channels and style size.")
        k = self.kernel_size
        self.scale = self.gain / math.sqrt(k * k * channels)
        self.affine = EqualizedDense(channels, gain=1.0, bias_init=1.0,
                                     dtype=self.dtype_policy, name="affine")
        self.affine.build(styles_shape)
        self.kernel = self.add_weight(name="kernel", shape=(k, k, channels, self.filters),
                                      initializer=keras.initializers.RandomNormal(stddev=1.0))
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, inputs, styles):
        s = self.affine(styles)                                   # (batch, in_channels)
        kernel = self.kernel * self.scale
        y = ops.conv(inputs * s[:, None, None, :], kernel, strides=1, padding="same")
        if self.demodulate:  # in float32, from the kernel and styles the convolution used
            energy = ops.sum(ops.square(to_float32(kernel)), axis=(0, 1))  # (in, filters)
            d = ops.rsqrt(ops.matmul(ops.square(to_float32(s)), energy) + self.epsilon)
            y = y * cast_like(d, y)[:, None, None, :]
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)

    def compute_output_shape(self, inputs_shape, styles_shape):
        return (*inputs_shape[:-1], self.filters)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size,
            "demodulate": self.demodulate, "gain": self.gain, "use_bias": self.use_bias,
            "activation": keras.activations.serialize(self.activation),
            "epsilon": self.epsilon,
        })
        return config


@keras.saving.register_keras_serializable(package="keras_gen")
class NoiseInjection(keras.layers.Layer):
    """Add per-pixel noise with a learned strength per channel.

    Call: `layer(inputs, noise)` with `inputs` `(batch, height, width,
    channels)` and `noise` `(batch, height, width, 1)` (one standard normal
    value per pixel, shared by all channels) -> `inputs + noise * strength`.
    The noise is an input, not drawn here, so results are reproducible from a
    seed and the exported graph holds no random op. Strength starts at 0.

    Reference: Karras et al., "A Style-Based Generator Architecture for
    Generative Adversarial Networks", CVPR 2019 (section 3.2).
    """

    def build(self, inputs_shape, noise_shape):
        if inputs_shape[-1] is None:
            raise ValueError("NoiseInjection needs a known number of channels.")
        self.strength = self.add_weight(name="strength", shape=(inputs_shape[-1],),
                                        initializer="zeros")

    def call(self, inputs, noise):
        return inputs + cast_like(noise, inputs) * self.strength

    def compute_output_shape(self, inputs_shape, noise_shape):
        return inputs_shape


@keras.saving.register_keras_serializable(package="keras_gen")
class ConstantInput(keras.layers.Layer):
    """A learned tensor repeated over the batch: the 4x4 start of StyleGAN.

    Call: `layer(reference)` with any tensor whose first axis is the batch
    (e.g. the styles `(batch, w_dim)`) -> `(batch, *shape)`.

    Args:
        shape: tuple of ints, e.g. `(4, 4, 256)`.
    """

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        try:
            shape = tuple(shape)
        except TypeError:
            raise ValueError(f"shape must be a tuple of positive ints, got {shape!r}.") from None
        if not shape or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0
                                for d in shape):
            raise ValueError(f"shape must be a tuple of positive ints, got {shape!r}.")
        self.shape = shape
        self.constant = self.add_weight(name="constant", shape=shape,
                                        initializer=keras.initializers.RandomNormal(stddev=1.0))

    def call(self, reference):
        batch = ops.shape(reference)[0]
        return ops.broadcast_to(self.constant[None], (batch, *self.shape))

    def compute_output_shape(self, reference_shape):
        return (reference_shape[0], *self.shape)

    def get_config(self):
        config = super().get_config()
        config["shape"] = list(self.shape)
        return config
