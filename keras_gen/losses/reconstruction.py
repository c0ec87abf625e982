"""Reconstruction losses: per-example values, to be averaged by the caller.

Each function takes `(x, reconstruction)` of the same shape `(batch, ...)` and
returns a `(batch,)` tensor. Means run over all non-batch axes, so the numbers
read as "per pixel" and do not depend on the image size.
"""

from keras import ops

EPSILON = 1e-7


def _flat(x):
    return ops.reshape(ops.cast(x, "float32"), (ops.shape(x)[0], -1))


def mean_squared_error(x, reconstruction):
    """Mean over pixels of `(x - reconstruction) ** 2`."""
    return ops.mean(ops.square(_flat(x) - _flat(reconstruction)), axis=-1)


def mean_absolute_error(x, reconstruction):
    """Mean over pixels of `|x - reconstruction|`."""
    return ops.mean(ops.abs(_flat(x) - _flat(reconstruction)), axis=-1)


def binary_crossentropy(x, reconstruction):
    """Mean over pixels of the Bernoulli negative log-likelihood.

    `x` holds targets in [0, 1]; `reconstruction` holds probabilities in (0, 1).
    """
    target, prob = _flat(x), ops.clip(_flat(reconstruction), EPSILON, 1 - EPSILON)
    return -ops.mean(target * ops.log(prob) + (1 - target) * ops.log(1 - prob), axis=-1)


RECONSTRUCTION_LOSSES = {
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "bce": binary_crossentropy,
}
