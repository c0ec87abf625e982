"""Input checks with errors that say what was expected and what was given.

They run on the host before training or inference starts, so bad data fails in
a second with a readable message instead of deep inside a traced graph.
"""

import numpy as np


def check_shape(shape, name="input_shape"):
    """Validate a per-example shape: a non-empty sequence of positive ints."""
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of positive ints, got {shape!r}.") from None
    if not shape or not all(isinstance(d, (int, np.integer)) and d > 0 for d in shape):
        raise ValueError(f"{name} must be a non-empty tuple of positive ints, got {shape!r}.")
    return tuple(int(d) for d in shape)


def check_positive_int(value, name, allow_none=False):
    """Validate that `value` is an int >= 1 (or None when allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}.")
    return int(value)


def check_odd_kernel_size(value, name="kernel_size"):
    """Validate a square kernel size: a positive odd int (so "same" padding is centred)."""
    if check_positive_int(value, name) % 2 == 0:
        raise ValueError(f"{name} must be a positive odd int, got {value!r}.")
    return int(value)


def check_int_sequence(values, name, allow_empty=True):
    """Validate a sequence of positive ints (e.g. layer sizes)."""
    if isinstance(values, (int, np.integer)):
        values = (values,)
    try:
        values = tuple(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of positive ints, got {values!r}.") from None
    if not allow_empty and not values:
        raise ValueError(f"{name} must not be empty.")
    for v in values:
        check_positive_int(v, f"each entry of {name}")
    return tuple(int(v) for v in values)


def check_fraction(value, name, low=0.0, high=1.0, inclusive_high=True):
    """Validate a float in [low, high] (or [low, high))."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}.")
    ok = low <= value <= high if inclusive_high else low <= value < high
    if not ok:
        bracket = "]" if inclusive_high else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value!r}.")
    return float(value)


def check_choice(value, name, choices):
    """Validate that `value` is one of `choices`."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}.")
    return value


def check_inputs(x, expected_shape, what="model", value_range=(0.0, 1.0)):
    """Check a batch of examples against the model's per-example shape.

    numpy arrays (and lists) are checked fully: shape, dtype, finiteness and
    value range; uint8 images are converted to float32 in [0, 1]. A
    `tf.data.Dataset` is checked by its element spec (shape and dtype). Other
    inputs (generators, PyDatasets) pass through unchecked.

    Returns:
        The (possibly converted) input.
    """
    import tensorflow as tf

    expected = tuple(expected_shape)
    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        if isinstance(spec, tuple):
            spec = spec[0]
        if isinstance(spec, tf.TensorSpec):
            got = tuple(spec.shape)
            if got[1:] != expected and got != expected:
                raise ValueError(
                    f"{what}: the dataset yields elements of shape {got}, expected batches of "
                    f"shape (batch, {', '.join(map(str, expected))}). Batch it, or check the "
                    "input_shape the model was built with."
                )
            if not (spec.dtype.is_floating or spec.dtype == tf.uint8):
                raise ValueError(f"{what}: the dataset yields {spec.dtype.name}, expected float32.")
        return x
    if isinstance(x, (list, tuple)) and x and not np.isscalar(x[0]) and not hasattr(x[0], "shape"):
        x = np.asarray(x)
    if isinstance(x, (list, tuple)) and len(x) == 0:
        raise ValueError(f"{what}: the data is empty; expected at least one example.")
    if not isinstance(x, (np.ndarray, list)) and not tf.is_tensor(x):
        return x
    array = np.asarray(x)
    if array.size == 0:
        raise ValueError(f"{what}: the data is empty (shape {array.shape}); expected at least "
                         "one example.")
    if array.shape[1:] != expected:
        hint = ""
        if array.shape == expected:
            hint = " It looks like a single example: add a batch axis (x[None])."
        elif array.ndim == len(expected) and array.shape[1:] + (1,) == expected:
            hint = " Add a channel axis (x[..., None])."
        raise ValueError(
            f"{what}: expected data of shape (batch, {', '.join(map(str, expected))}), got "
            f"{array.shape}.{hint}"
        )
    if array.dtype == np.uint8:
        return array.astype("float32") / 255.0
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{what}: expected float32 data, got dtype {array.dtype}.")
    array = array.astype("float32", copy=False)
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise ValueError(f"{what}: the data holds {bad} NaN or infinite values; expected finite "
                         "values.")
    if value_range is not None:
        low, high = float(array.min()), float(array.max())
        if low < value_range[0] - 1e-5 or high > value_range[1] + 1e-5:
            raise ValueError(
                f"{what}: expected values in [{value_range[0]}, {value_range[1]}], got values in "
                f"[{low:.4g}, {high:.4g}]. keras_gen models take images scaled to [0, 1] "
                "(`kg.data` does this; divide uint8 pixels by 255)."
            )
    return array
