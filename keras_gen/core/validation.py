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


def check_image_shape(shape, name="image_shape", add_channel=False):
    """Validate an image shape `(height, width, channels)` of positive ints.

    With `add_channel`, a grey `(height, width)` shape becomes `(height, width, 1)`;
    otherwise a 2-D shape is refused with a hint to add the channel axis.
    """
    shape = check_shape(shape, name)
    if add_channel and len(shape) == 2:
        shape = shape + (1,)
    if len(shape) != 3:
        raise ValueError(f"{name} must be (height, width, channels), got {shape}. Add a channel "
                         "axis for grayscale images, e.g. (28, 28, 1).")
    return shape


def is_int(value):
    """True for a Python or numpy integer, False for bools (which are ints to Python)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_positive_int(value, name, allow_none=False):
    """Validate that `value` is an int >= 1 (or None when allowed)."""
    if value is None and allow_none:
        return None
    if not is_int(value) or value < 1:
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


def check_seed(seed, name="seed", allow_none=True):
    """Validate a random seed: a non-negative int (or None when allowed); `True` is refused.

    Returns the seed as a Python int (or None), so it serializes in `get_config`.
    """
    if seed is None and allow_none:
        return None
    if not is_int(seed) or seed < 0:
        allowed = "a non-negative int or None" if allow_none else "a non-negative int"
        raise ValueError(f"{name} must be {allowed}, got {seed!r}.")
    return int(seed)


def check_number(value, name, low=0.0, inclusive_low=False):
    """Validate a finite real number above `low` (or at least `low`); returns a float.

    NaN and infinity are refused, as are bools (a `True` is never meant as 1.0).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    ok = np.isfinite(value) and (value >= low if inclusive_low else value > low)
    if not ok:
        relation = ">=" if inclusive_low else ">"
        raise ValueError(f"{name} must be a finite number {relation} {low}, got {value!r}.")
    return float(value)
