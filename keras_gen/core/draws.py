"""Standard normal draws that are the same on every Keras backend for an int seed.

`keras.random.normal(shape, seed=7)` gives different numbers on TensorFlow,
JAX and PyTorch (each backend has its own generator), so a preset's
`generate(n, seed=7)` would draw other pictures on each. Latents and noise
drawn from an int seed with a shape known in Python come from numpy's
`default_rng(seed)` instead: the same array everywhere. Draws from a
`keras.random.SeedGenerator` (training steps) or with a shape known only
inside a traced graph stay with `keras.random`.
"""

import keras
import numpy as np
from keras import ops

from keras_gen.core.validation import is_int


def normal(shape, seed, dtype="float32"):
    """Standard normal tensor of `shape`.

    Args:
        shape: tuple of ints (a dimension may be a tensor inside a graph).
        seed: an int (numpy's generator when every dimension is an int: the
            same values on every backend), a `keras.random.SeedGenerator` or
            None (`keras.random`).
        dtype: float dtype of the result.
    """
    if is_int(seed) and all(is_int(d) for d in shape):
        values = np.random.default_rng(int(seed)).standard_normal(tuple(int(d) for d in shape))
        return ops.convert_to_tensor(values.astype(dtype))
    return keras.random.normal(shape, seed=seed, dtype=dtype)
