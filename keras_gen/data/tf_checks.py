"""The input check of `checks.py` for `tf.data.Dataset`s: spec now, values per batch.

The value check runs as a `map` in the input pipeline rather than in the
compiled train step: it then runs on tf.data's threads, in parallel with the
step, under any `jit_compile` or distribution setting, and a batch that fails
raises before the step that would train on it, so no weight ever sees a NaN.
"""

import numpy as np
import tensorflow as tf

from keras_gen.data import checks


def _spec_of_x(dataset, what, where):
    spec = dataset.element_spec
    if isinstance(spec, (tuple, list)):
        if not spec:
            raise checks.InputCheckError(f"{what}: {where} yields empty tuples; expected x, "
                                         "(x, y) or (x, y, w).")
        spec = spec[0]
    if not isinstance(spec, tf.TensorSpec):
        raise checks.InputCheckError(
            f"{what}: {where} yields {type(spec).__name__} elements; expected image tensors, "
            "or (images, labels) tuples.")
    return spec


def check_spec(dataset, expected_shape, what, where="the dataset"):
    """Refuse a dataset whose images have the wrong rank, size, channels or dtype."""
    spec = _spec_of_x(dataset, what, where)
    if not (spec.dtype.is_floating or spec.dtype.is_integer) or spec.dtype == tf.bool:
        raise checks.InputCheckError(f"{what}: {where} yields {spec.dtype.name} images; "
                                     "expected float32 in [0, 1] or uint8 pixels.")
    shape = tuple(spec.shape.as_list()) if spec.shape.rank is not None else None
    if shape is None:
        raise checks.InputCheckError(f"{what}: {where} yields images of unknown rank; set "
                                     "their shape (e.g. with tf.ensure_shape in a map).")
    problem = checks.shape_problem(shape, expected_shape, what, batched=False)
    if problem:
        raise checks.InputCheckError(problem)
    return spec


def first_scale(dataset, what, where="the dataset"):
    """The scale decided from the dataset's first batch (read once, now)."""
    for batch in dataset.take(1):
        x, _, _ = checks.split_batch(batch)
        array = checks.numeric_images(np.asarray(x), None, what, f"{where}, batch 0,")
        return checks.decide_scale(array, what, where)
    raise checks.InputCheckError(f"{what}: {where} is empty; expected at least one batch.")


def _message(index, what, where, nan, inf, low, high, scale):
    pixels = " (after dividing by 255)" if scale != 1.0 else ""
    return tf.strings.format(
        checks.MESSAGE_START + what + ": " + where + ", batch {}, holds {} NaN and {} "
        "infinite values and values in [{}, {}]" + pixels + "; expected finite values in "
        "[0, 1] in every batch (the first set the scale). Repair or filter the bad images "
        "(dataset.filter(lambda x, *_: tf.reduce_all(tf.math.is_finite(x))))."
        + checks.MESSAGE_END, (index, nan, inf, low, high))


def checked_batch(index, x, scale, what, where):
    """`x` scaled to float32 [0, 1]; fails with the batch index on NaN/inf or range.

    A good batch costs one finiteness test and a min and max; the counts and
    the message are computed only in the branch that fails.
    """
    x = tf.cast(x, tf.float32)
    if scale != 1.0:
        x = x * scale
    low, high = tf.reduce_min(x), tf.reduce_max(x)
    ok = tf.reduce_all(tf.math.is_finite(x)) & (low >= -checks.TOLERANCE) & (
        high <= 1 + checks.TOLERANCE)

    def fail():
        finite = tf.math.is_finite(x)
        nan = tf.reduce_sum(tf.cast(tf.math.is_nan(x), tf.int32))
        bad = tf.reduce_sum(tf.cast(tf.logical_not(finite), tf.int32))
        kept = tf.where(finite, x, 0.5)
        message = _message(index, what, where, nan, bad - nan, tf.reduce_min(kept),
                           tf.reduce_max(kept), scale)
        with tf.control_dependencies([tf.debugging.Assert(False, [message])]):
            return tf.identity(x)

    return tf.clip_by_value(tf.cond(ok, lambda: x, fail), 0.0, 1.0)


def check_dataset(dataset, expected_shape, what, where="the dataset"):
    """`dataset` checked: spec and scale now, every batch's values as it is read."""
    check_spec(dataset, expected_shape, what, where)
    scale = first_scale(dataset, what, where)

    tupled = isinstance(dataset.element_spec, (tuple, list))

    def check(index, element):
        if not tupled:
            return checked_batch(index, element, scale, what, where)
        return (checked_batch(index, element[0], scale, what, where), *element[1:])

    # A sequential map: the check is far cheaper than a step, and a parallel map's
    # thread pool costs more to start at every epoch than the check itself.
    return dataset.enumerate().map(check).prefetch(tf.data.AUTOTUNE)
