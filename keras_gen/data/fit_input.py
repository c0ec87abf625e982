"""One entry for every input form `fit` takes: each goes to its own check.

numpy arrays, tensors and tuples are checked whole by `checks`; a
`tf.data.Dataset` by `tf_checks` (spec now, values per batch in the
pipeline); generators and `keras.utils.PyDataset`s batch by batch.
"""

import numpy as np

from keras_gen.data import checks


def check_fit_input(x, expected_shape, what, where="the data"):
    """Check data in any form `fit` takes; returns it checked and scaled to [0, 1].

    Forms: numpy arrays / tensors / nested lists (checked whole), a
    `tf.data.Dataset`, a Python generator, a `keras.utils.PyDataset`, or a
    tuple `(x, y)` / `(x, y, w)` of arrays (only `x` is checked). None passes.
    """
    import inspect

    if x is None:
        return None
    if _is_dataset(x):
        from keras_gen.data import tf_checks  # imports TensorFlow: only for a dataset

        return tf_checks.check_dataset(x, expected_shape, what, where.replace("data", "dataset"))
    if inspect.isgenerator(x):
        return checks.check_generator(x, expected_shape, what, where.replace("data", "generator"))
    if _is_py_dataset(x):
        return checks.check_py_dataset(x, expected_shape, what, where.replace("data", "PyDataset"))
    if isinstance(x, tuple) and 2 <= len(x) <= 3 and hasattr(x[0], "shape"):
        return (checks.check_array(x[0], expected_shape, what, where), *x[1:])
    if isinstance(x, (list, tuple)) and len(x) == 0:
        raise checks.InputCheckError(f"{what}: {where} is empty; expected at least one image.")
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()
    return checks.check_array(x, expected_shape, what, where)


def _is_dataset(x):
    try:
        import tensorflow as tf
    except ImportError:
        return False
    return isinstance(x, tf.data.Dataset)


def _is_py_dataset(x):
    import keras

    return isinstance(x, keras.utils.PyDataset)
