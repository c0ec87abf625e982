"""The fade-in of a new resolution block (Karras et al., 2018, figure 2)."""

import keras
from keras import ops

from keras_gen.layers.precision import cast_like


def fade_in(old, new, alpha):
    """`old + alpha * (new - old)` with `alpha` clipped to [0, 1] (any shapes that broadcast)."""
    alpha = ops.clip(cast_like(alpha, old), 0.0, 1.0)  # a float32 variable, cast on use
    return old + alpha * (new - old)


@keras.saving.register_keras_serializable(package="keras_gen")
class FadeIn(keras.layers.Layer):
    """Blend the old path into the new one: `old + alpha * (new - old)`.

    While a doubled-resolution block is added, its output (`new`) is mixed with
    the previous, upsampled (generator) or downsampled (discriminator) path
    (`old`); `alpha` rises from 0 to 1 during the transition phase, so the new
    block takes over smoothly instead of shocking trained layers.

    Call: `FadeIn()(old, new, alpha=alpha)` with `old` and `new` of the same shape
    and `alpha` a scalar (float or tensor), clipped to [0, 1]. Weightless.
    """

    def call(self, old, new, alpha):
        return fade_in(old, new, alpha)

    def compute_output_shape(self, old_shape, new_shape=None, alpha_shape=None):
        return old_shape
