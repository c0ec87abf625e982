"""Pixelwise feature normalisation (Karras et al., 2018, section 4.2)."""

import keras
from keras import ops

from keras_gen.core import validation


@keras.saving.register_keras_serializable(package="keras_gen")
class PixelNorm(keras.layers.Layer):
    """Scale each feature vector to unit root-mean-square length.

    `y = x / sqrt(mean(x**2, axis) + epsilon)`, per example and per pixel. In
    the ProGAN generator it follows every convolution, so no feature magnitude
    can escalate when generator and discriminator compete; it has no weights.
    Before the mapping network of StyleGAN it normalises z.

    Input and output: any shape, e.g. `(batch, height, width, channels)` or
    `(batch, features)`.

    Args:
        axis: int. The feature axis. Defaults to -1.
        epsilon: float. Added to the mean square. Defaults to 1e-8.
    """

    def __init__(self, axis=-1, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"axis must be an int, got {axis!r}.")
        self.axis = axis
        self.epsilon = validation.check_number(epsilon, "epsilon")

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=self.axis, keepdims=True)
        return inputs * ops.rsqrt(mean_square + self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "epsilon": self.epsilon})
        return config
