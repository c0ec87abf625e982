"""Test helpers: config and `.keras` round trips, one-step training, variable isolation."""

import json
import os
import tempfile

import keras
import numpy as np
from keras import ops


def _numpy_tree(value):
    if isinstance(value, (tuple, list)):
        return [_numpy_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _numpy_tree(v) for k, v in value.items()}
    return ops.convert_to_numpy(value)


def assert_outputs_equal(a, b, atol=0.0):
    """Assert two (nested) outputs are equal to within `atol`."""
    a, b = _numpy_tree(a), _numpy_tree(b)
    if isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_outputs_equal(x, y, atol)
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_outputs_equal(a[k], b[k], atol)
    else:
        np.testing.assert_allclose(a, b, atol=atol, rtol=0)


def run_serialization_test(model):
    """`get_config` is JSON-serialisable and `from_config` rebuilds the same config.

    Returns the rebuilt model.
    """
    config = model.get_config()
    text = json.dumps(config)
    clone = type(model).from_config(json.loads(text))
    assert json.dumps(clone.get_config(), sort_keys=True) == json.dumps(config, sort_keys=True)
    assert clone.count_params() == model.count_params()
    return clone


def run_model_saving_test(model, call_inputs, directory=None, call=None):
    """Save to `.keras`, reload, and compare outputs and optimizer state.

    Args:
        model: a built (ideally trained one step) keras_gen model.
        call_inputs: inputs for `call` (or for `call` below).
        directory: where to write; a temporary folder by default.
        call: optional `fn(model, inputs)` to compare instead of `model(inputs)`.

    Returns:
        The reloaded model.
    """
    call = call or (lambda m, x: m(x, training=False))
    directory = directory or tempfile.mkdtemp()
    path = os.path.join(directory, "model.keras")
    expected = call(model, call_inputs)
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is type(model)
    assert_outputs_equal(expected, call(restored, call_inputs), atol=1e-6)
    for name in ("optimizer", "g_optimizer", "d_optimizer"):
        before, after = getattr(model, name, None), getattr(restored, name, None)
        if before is not None and getattr(before, "built", False):
            assert after is not None, f"{name} was lost by .keras saving"
            assert int(after.iterations.numpy()) == int(before.iterations.numpy()), (
                f"{name}.iterations not restored")
    return restored


def snapshot(variables):
    """Copies of variables' values, keyed by path."""
    return {v.path: np.array(v.numpy()) for v in variables}


def assert_only_changed(before, after_variables, changed, unchanged):
    """Check which variables moved.

    Args:
        before: `snapshot(...)` taken before the step.
        after_variables: the variables now.
        changed: list of variables of which at least one must have moved.
        unchanged: list of variables none of which may have moved.
    """
    now = snapshot(after_variables)
    moved = {p for p in before if p in now and not np.array_equal(before[p], now[p])}
    changed_paths = {v.path for v in changed}
    frozen_paths = {v.path for v in unchanged}
    assert moved & changed_paths, "none of the variables that should train moved"
    wrongly = sorted(moved & frozen_paths)
    assert not wrongly, f"variables that should stay frozen moved: {wrongly[:5]}"


def one_step_training(model, x, batch_size=None, **compile_kwargs):
    """Compile (if needed) and train one step on `x`; returns the logs.

    Checks every logged value is finite.
    """
    if not model.compiled or compile_kwargs:
        model.compile(**compile_kwargs)
    history = model.fit(x, batch_size=batch_size or len(x), epochs=1, steps_per_epoch=1,
                        verbose=0, shuffle=False)
    logs = {k: v[-1] for k, v in history.history.items()}
    for name, value in logs.items():
        assert np.isfinite(value), f"{name} is not finite after one step: {value}"
    return logs


def progress_bar_counts(printed):
    """`[(step, total), ...]` of every Keras progress bar line in `printed` (ANSI removed)."""
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m", "", printed)
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+)/(\d+) ━", plain)]
