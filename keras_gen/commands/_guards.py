"""What both training commands use: a NaN guard, a weights check, JSON-safe metadata."""


def nan_guard():
    """Stop on a NaN/inf loss and restore the last good weights."""
    from keras_gen.callbacks import DivergenceGuard

    return DivergenceGuard(verbose=1)


def non_finite_weights(model):
    import numpy as np

    return [v.path for v in model.weights
            if np.issubdtype(np.asarray(v).dtype, np.floating) and not np.all(np.isfinite(v))]


def json_safe(value):
    """`value` with numpy scalars as Python numbers and tuples as lists (for JSON)."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value
