"""Gradient penalties on a discriminator's input gradients (WGAN-GP and R1).

Both are per-example `(batch,)` tensors; the GAN multiplies them by their
weight and averages them with `autodiff.replica_mean`. Input gradients come from
`keras_gen.core.autodiff.input_gradients` (the only place with a gradient tape), so
the penalties stay differentiable with respect to the discriminator's weights.

References:
    Gulrajani et al., "Improved Training of Wasserstein GANs", 2017 (gradient
    penalty on random interpolates, target norm 1, weight lambda = 10).
    Mescheder et al., "Which Training Methods for GANs do actually Converge?",
    2018 (R1: gamma / 2 * ||grad D(x_real)||^2).
"""

import keras
from keras import ops

from keras_gen.core import autodiff

EPSILON = 1e-12


def squared_gradient_norm(grads):
    """`||g_i||^2` over all non-batch axes: `(batch, ...)` -> `(batch,)`."""
    grads = ops.cast(grads, "float32")
    return ops.sum(ops.reshape(ops.square(grads), (ops.shape(grads)[0], -1)), axis=-1)


def interpolate(real, fake, seed=None):
    """Random points on the segments between real and generated examples.

    `x_hat_i = e_i * real_i + (1 - e_i) * fake_i` with one `e_i ~ U[0, 1]` per
    example (broadcast over its pixels).

    Args:
        real, fake: tensors of the same shape `(batch, ...)`.
        seed: a `keras.random.SeedGenerator` (the model's) or an int.
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    weights = keras.random.uniform(shape, minval=0.0, maxval=1.0, seed=seed)
    return weights * real + (1.0 - weights) * fake


def gradient_penalty(discriminate, real, fake, seed=None, target=1.0):
    """WGAN-GP: `(||grad_x D(x_hat)||_2 - target)^2` at random interpolates.

    Args:
        discriminate: `fn(images) -> logits (batch, 1)`, e.g.
            `lambda x: gan.discriminate(x, training=True)`.
        real, fake: `(batch, ...)` images in the discriminator's input range.
        seed: `keras.random.SeedGenerator` or int for the interpolation weights.
        target: the gradient norm aimed at (1 in the paper).

    Returns:
        `(batch,)` penalties (not yet multiplied by the weight lambda).
    """
    points = interpolate(real, fake, seed)
    _, grads = autodiff.input_gradients(discriminate, points)
    norms = ops.sqrt(squared_gradient_norm(grads) + EPSILON)
    return ops.square(norms - target)


def r1_penalty(discriminate, real):
    """R1: `||grad_x D(x)||_2^2` at real examples.

    Args:
        discriminate: `fn(images) -> logits (batch, 1)`.
        real: `(batch, ...)` real images in the discriminator's input range.

    Returns:
        `(batch,)` squared gradient norms; the GAN multiplies by `r1_gamma / 2`.
    """
    _, grads = autodiff.input_gradients(discriminate, real)
    return squared_gradient_norm(grads)
