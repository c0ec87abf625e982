"""One check for the images a model is given, in every form `fit` accepts.

Every keras_gen model takes float images in [0, 1]. What users bring is often
something else: uint8 pixels, float pixels in 0-255 (what
`keras.utils.image_dataset_from_directory` yields), a NaN from a broken file,
the wrong size or channel count. `check_fit_input` applies the same rules to
every form:

- numpy arrays (and tensors, lists) are checked whole, on the host, once.
- a `tf.data.Dataset` is checked by its element spec (rank, size, channels,
  dtype) before the first step; its first batch decides the scaling; then
  every batch passes a small in-graph check (NaN/inf count, value range) in
  the input pipeline, so a bad batch stops training before any weight sees
  it.
- Python generators and `keras.utils.PyDataset`s are checked batch by batch
  on the host, the first batch deciding the scaling.

Scaling is decided once per input: integer pixels (uint8) and float values in
0-255 are divided by 255, with one log line; [0, 1] floats pass unchanged;
anything else ([-1, 1], negative, beyond 255) is refused with the fix. In
tuples `(x, y)` / `(x, y, w)` only `x` is checked; labels and weights pass
through untouched.

Errors raised while Keras iterates (inside `tf.data` or a generator thread)
come back wrapped in TensorFlow's own exception types; their text carries the
check's message between `MESSAGE_START` and `MESSAGE_END`, which
`message_from` recovers so `fit` can re-raise it as `InputCheckError`.
"""

import logging
import re

import numpy as np

LOG = logging.getLogger("keras_gen")

TOLERANCE = 1e-3  # values this far outside [0, 1] are rounding, and are clipped
PIXEL_MAX = 255.0
MESSAGE_START = "<<keras_gen input check: "
MESSAGE_END = ">>"
_MESSAGE = re.compile(re.escape(MESSAGE_START) + r"(.*?)" + re.escape(MESSAGE_END), re.DOTALL)


class InputCheckError(ValueError):
    """Data given to a model is not what it takes; the message says what and how to fix it."""


def message_from(error):
    """The input check's message inside `error`'s text, or None if it holds none."""
    found = _MESSAGE.search(str(error))
    return found.group(1) if found else None


def _marked(text):
    return f"{MESSAGE_START}{text}{MESSAGE_END}"


def _shape_text(shape):
    return "(" + ", ".join("batch" if d is None else str(d) for d in shape) + ")"


# -- shapes -----------------------------------------------------------------
def shape_problem(got, expected, what, batched=True):
    """The message for a batch shape `got` that does not fit `expected`, or None.

    Args:
        got: shape of a batch (a dataset's element spec may hold None dims).
        expected: the model's per-example shape, e.g. `(64, 64, 3)`.
        what: who asks, e.g. "DCGAN.fit".
        batched: whether `got` is meant to carry a batch axis (False for the
            elements of an unbatched dataset, which then need `.batch`).
    """
    got, expected = tuple(got), tuple(expected)
    matches = len(got) == len(expected) + 1 and all(
        g is None or g == e for g, e in zip(got[1:], expected))
    if matches:
        return None
    want = _shape_text((None, *expected))
    head = f"{what}: expected batches of shape {want}, got {_shape_text(got)}."
    if len(got) == len(expected) and all(g is None or g == e for g, e in zip(got, expected)):
        fix = ("These are single examples: batch the dataset (dataset.batch(64))"
               if not batched else "This is a single example: add a batch axis (x[None])")
        return f"{head} {fix}."
    if len(got) == len(expected) and got[1:] + (1,) == expected:
        return f"{head} Grey images need a channel axis: x[..., None] (or dataset.map)."
    if len(got) == len(expected) + 1 and len(expected) == 3:
        (h, w, c), (gh, gw, gc) = expected, got[1:]
        if (gh, gw) == (h, w) or None in (gh, gw):
            return (f"{head} The model takes {c} channel(s), the data has {gc}: convert the "
                    "images (e.g. color_mode='grayscale' or 'rgb' in "
                    f"image_dataset_from_directory) or build the model for {gc} channel(s).")
        return (f"{head} The model takes {h}x{w} images, the data has {gh}x{gw}: resize them "
                f"(image_size=({h}, {w}) in image_dataset_from_directory, or "
                f"kg.data.fit_size(x, ({h}, {w}))) or build the model for {gh}x{gw}.")
    return f"{head} Check the shape the model was built with."


# -- values -----------------------------------------------------------------
def scale_for(low, high, integer, what, where="the data"):
    """The factor that brings data with values in [low, high] to [0, 1].

    1 for [0, 1] floats, 1/255 for integer pixels and for floats in 0-255
    (values above 2, so a float image slightly above 1 is never mistaken for
    pixels); anything else raises `InputCheckError` with the fix.
    """
    if low >= -TOLERANCE and high <= 1 + TOLERANCE and not integer:
        return 1.0
    if low >= 0 and high <= PIXEL_MAX + TOLERANCE and (integer or high > 2):
        return 1.0 / PIXEL_MAX
    given = f"{what}: {where} has values in [{low:.4g}, {high:.4g}]"
    if low >= -1 - TOLERANCE and high <= 1 + TOLERANCE:
        fix = ("it looks scaled to [-1, 1]; keras_gen models take [0, 1] images: pass "
               "(x + 1) / 2")
    else:
        fix = ("keras_gen models take images in [0, 1] (float) or 0-255 pixels (uint8 or "
               "float, divided by 255 for you); rescale [-1, 1] images with (x + 1) / 2")
    raise InputCheckError(f"{given}; {fix}.")


def announce_scaling(scale, what, low, high, dtype):
    """Say once that pixels are being divided by 255."""
    if scale != 1.0:
        LOG.warning("%s: %s images with values in [%.4g, %.4g] are treated as 0-255 pixels "
                    "and divided by 255.", what, dtype, low, high)


def _non_finite_problem(array, what, where):
    finite = np.isfinite(array)
    if finite.all():
        return None
    nan = int(np.isnan(array).sum())
    inf = int(array.size - finite.sum() - nan)
    first = int(np.argmin(finite.reshape(len(array), -1).all(axis=1))) if array.ndim else 0
    return (f"{what}: {where} holds {nan} NaN and {inf} infinite values (first in example "
            f"{first}); repair or drop those images (np.isfinite(x).all(axis=(1, 2, 3)) finds "
            "them).")


def _as_numeric(x, what, where):
    array = np.asarray(x)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.floating)
                                   or np.issubdtype(array.dtype, np.integer)):
        raise InputCheckError(f"{what}: {where} has dtype {array.dtype}; expected images as "
                              "float32 in [0, 1] or uint8 pixels.")
    return array


def numeric_images(x, expected_shape, what, where):
    """`x` as a numeric array that is non-empty, of the expected shape and finite."""
    array = _as_numeric(x, what, where)
    if array.size == 0:
        raise InputCheckError(f"{what}: {where} is empty (shape {array.shape}); expected at "
                              "least one image.")
    if expected_shape is not None:
        problem = shape_problem(array.shape, expected_shape, what)
        if problem:
            raise InputCheckError(problem)
    if not np.issubdtype(array.dtype, np.integer):
        problem = _non_finite_problem(array, what, where)
        if problem:
            raise InputCheckError(problem)
    return array


def decide_scale(array, what, where="the data", announce=True):
    """The scale of a checked array (see `scale_for`), logged when it is not 1."""
    low, high = float(array.min()), float(array.max())
    scale = scale_for(low, high, np.issubdtype(array.dtype, np.integer), what, where)
    if announce:
        announce_scaling(scale, what, low, high, array.dtype)
    return scale


def _scaled(array, scale, what, where):
    """`array * scale` as float32 clipped to [0, 1]; refuses values the scale leaves outside."""
    out = array.astype("float32")
    if scale != 1.0:
        out *= np.float32(scale)
    low, high = float(out.min()), float(out.max())
    if low < -TOLERANCE or high > 1 + TOLERANCE:
        raise InputCheckError(
            f"{what}: {where} has values in [{low / scale:.4g}, {high / scale:.4g}], unlike "
            f"the first batch, which set the scale to {'1/255' if scale != 1 else '1'}; give "
            "every batch the same range.")
    return np.clip(out, 0.0, 1.0, out=out)


def check_array(x, expected_shape=None, what="model", where="the data", scale=None,
                announce=True):
    """Check a whole array of images and return it as float32 in [0, 1].

    Args:
        x: array-like `(batch, *expected_shape)`.
        expected_shape: the per-example shape, or None to accept any.
        what: who asks (starts every message), e.g. "VAE.fit".
        where: what the data is called in messages.
        scale: a factor decided earlier (by a first batch); None decides it
            from `x`.
        announce: log the scaling when it is decided here.

    Returns:
        float32 array with values in [0, 1].

    Raises:
        InputCheckError: empty data, wrong shape or dtype, NaN/inf, or values
            that are neither [0, 1] nor 0-255.
    """
    array = numeric_images(x, expected_shape, what, where)
    if scale is None:
        scale = decide_scale(array, what, where, announce)
    return _scaled(array, scale, what, where)


# -- batches of every form --------------------------------------------------
def split_batch(batch):
    """`x`, `(x,)`, `(x, y)`, `(x, y, w)` -> `(x, rest, was_tuple)`."""
    if isinstance(batch, (tuple, list)):
        if not batch:
            raise InputCheckError("a batch is an empty tuple; expected x, (x, y) or (x, y, w).")
        return batch[0], tuple(batch[1:]), True
    return batch, (), False


def join_batch(x, rest, was_tuple):
    return (x, *rest) if was_tuple else x


class BatchChecker:
    """Checks host batches (generators, PyDatasets) one by one; picklable.

    The first batch checked decides the scale; later ones must share it.
    """

    def __init__(self, expected_shape, what, where):
        self.expected_shape = expected_shape
        self.what = what
        self.where = where
        self.scale = None

    def __call__(self, batch, index):
        x, rest, was_tuple = split_batch(batch)
        where = f"{self.where}, batch {index},"
        try:
            array = numeric_images(x, self.expected_shape, self.what, where)
            if self.scale is None:
                self.scale = decide_scale(array, self.what, where)
            checked = _scaled(array, self.scale, self.what, where)
        except InputCheckError as error:
            raise InputCheckError(_marked(str(error))) from None
        return join_batch(checked, rest, was_tuple)


def _checked_generator(generator, checker):
    """Checked batches, always as tuples (Keras takes a bare array from no generator)."""
    for index, batch in enumerate(generator):
        checked = checker(batch, index)
        yield checked if isinstance(checked, tuple) else (checked,)


def _peeked_generator(first, generator):
    yield first
    yield from generator


def check_generator(generator, expected_shape, what, where="the generator"):
    """A generator yielding the batches of `generator`, checked and scaled.

    The first batch is read now, so an empty or wrong generator fails before
    `fit` starts.
    """
    try:
        first = next(generator)
    except StopIteration:
        raise InputCheckError(f"{what}: {where} yielded no batch; expected at least one.") \
            from None
    checker = BatchChecker(expected_shape, what, where)
    try:
        checker(first, 0)
    except InputCheckError as error:
        raise InputCheckError(message_from(error)) from None
    return _checked_generator(_peeked_generator(first, generator), checker)


def check_py_dataset(dataset, expected_shape, what, where="the PyDataset"):
    """A `keras.utils.PyDataset` delegating to `dataset`, each batch checked and scaled."""
    from keras_gen.data.checked_py_dataset import CheckedPyDataset  # imports keras

    length = dataset.num_batches
    if length == 0:
        raise InputCheckError(f"{what}: {where} is empty (no batches); expected at least one.")
    checker = BatchChecker(expected_shape, what, where)
    try:
        checker(dataset[0], 0)
    except InputCheckError as error:
        raise InputCheckError(message_from(error)) from None
    return CheckedPyDataset(dataset, checker)
