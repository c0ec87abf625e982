"""`kg.data.load`: named offline data sets as numpy arrays or `tf.data` pipelines."""

import difflib
import os

import numpy as np

from keras_gen.data import checks, sources

BUILTIN = {
    "mnist": sources.mnist,
    "digits": sources.digits,
    "shapes": sources.shapes,
    "mnist_rows": sources.mnist_rows,
}
VALUE_RANGES = ("unit", "signed")


def _tfds_arrays(name, split, data_dir):
    """Images of a TFDS set that the user has already prepared, as arrays.

    Looks only at local files (`download=False`): a missing set is an error that
    says how to prepare it, never a hang on the network.
    """
    import tensorflow_datasets as tfds

    tfds_split = {"train": "train", "test": "test", "all": "train+test"}[split]
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except Exception as error:  # unknown name
        raise ValueError(
            f"unknown data set {name!r}: not a keras_gen data set ({sorted(BUILTIN)}), "
            f"not an existing folder, and TFDS does not know it ({error})."
        ) from None
    if not builder.is_prepared():
        raise FileNotFoundError(
            f"TFDS data set {name!r} is not prepared in {builder.data_dir!r} and keras_gen "
            "never downloads at run time. Prepare it once on a machine with network access "
            f"(`tfds build {name}` or `tfds.builder({name!r}).download_and_prepare()`), then "
            "copy the folder there or pass data_dir=."
        )
    dataset = builder.as_dataset(split=tfds_split, as_supervised=True)
    images, labels = [], []
    for image, label in tfds.as_numpy(dataset):
        images.append(image)
        labels.append(label)
    return np.stack(images), np.asarray(labels, "int64")


def _as_float_images(images):
    """Images as float32 in [0, 1] (uint8 and 0-255 floats are divided by 255)."""
    return checks.check_array(images, what="kg.data", where="the images")


def fit_size(images, size=None, pad=None):
    """Pad (with zeros, centred) or resize NHWC images to `size` (height, width).

    `pad=True` pads when the target is larger (28 -> 32 keeps MNIST strokes
    unscaled); otherwise images are resized bilinearly.
    """
    if size is None:
        return images
    height, width = (size, size) if isinstance(size, int) else size
    h, w = images.shape[1:3]
    if (h, w) == (height, width):
        return images
    if pad is None:
        pad = height >= h and width >= w
    if pad:
        if height < h or width < w:
            raise ValueError(f"cannot pad {h}x{w} images to the smaller {height}x{width}.")
        top, left = (height - h) // 2, (width - w) // 2
        return np.pad(
            images, ((0, 0), (top, height - h - top), (left, width - w - left), (0, 0))
        )
    import tensorflow as tf

    return tf.image.resize(images, (height, width), antialias=True).numpy().clip(0, 1)


def load_arrays(name, split=None, size=None, pad=None, value_range="unit", **kwargs):
    """Load a data set as numpy arrays.

    Args:
        name: "mnist", "digits", "shapes", "mnist_rows", a folder of images, or
            a prepared TFDS name.
        split: "train", "test" or "all". MNIST uses the fixed 4,000 / 1,000 split;
            a folder a seeded 80 / 20 one. Default: "all" for a folder (the
            user's images are used whole), "train" for the named sets.
        size: optional int or `(height, width)` to pad or resize images to.
        pad: force padding (True) or resizing (False); default pads when growing.
        value_range: "unit" for [0, 1] (what every keras_gen model takes) or
            "signed" for [-1, 1].
        **kwargs: passed to the source (e.g. `resolution=` for "shapes",
            `data_dir=` for TFDS, `channels=`, `image_size=` or
            `skip_corrupt=True` for a folder).

    Returns:
        `(x, labels)`: float32 arrays; `labels` may be `None`.
    """
    if split is None:
        split = "all" if isinstance(name, str) and os.path.isdir(name) else "train"
    if value_range not in VALUE_RANGES:
        raise ValueError(f"value_range must be one of {VALUE_RANGES}, got {value_range!r}.")
    if split not in sources.SPLITS:
        raise ValueError(f"split must be one of {sources.SPLITS}, got {split!r}.")
    if not isinstance(name, str):
        raise TypeError(f"data set name must be a string, got {type(name).__name__}.")
    if name in BUILTIN:
        x, labels = BUILTIN[name](split, **kwargs)
    elif os.path.isdir(name):
        x, labels = sources.image_folder(name, split, **kwargs)
    elif "/" in name or os.sep in name:
        raise ValueError(f"data folder {name!r} does not exist.")
    else:
        close = difflib.get_close_matches(name, list(BUILTIN), n=3)
        if close:
            raise ValueError(f"unknown data set {name!r}; did you mean {close}?")
        x, labels = _tfds_arrays(name, split, kwargs.get("data_dir"))
        x = _as_float_images(x)
    if x.ndim == 4:
        x = fit_size(x, size, pad)
    if value_range == "signed":
        x = x * 2.0 - 1.0
    return x, labels


def to_dataset(x, labels=None, batch_size=128, shuffle=True, seed=0, repeat=False,
               cache=True, drop_remainder=False):
    """Build a `tf.data.Dataset` from arrays: cache, shuffle, batch, prefetch.

    Elements are `x` batches (unsupervised) or `(x, labels)` batches.
    """
    import tensorflow as tf

    x = _as_float_images(x) if np.asarray(x).dtype == np.uint8 else np.asarray(x, "float32")
    elements = x if labels is None else (x, np.asarray(labels))
    dataset = tf.data.Dataset.from_tensor_slices(elements)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(min(len(x), 10_000), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        dataset = dataset.repeat()
    if batch_size:
        dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.prefetch(tf.data.AUTOTUNE)


def load(name, split=None, batch_size=128, shuffle=None, with_labels=False, size=None,
         pad=None, value_range="unit", seed=0, **kwargs):
    """Load a data set as a batched `tf.data.Dataset` for `model.fit`.

    Elements are image batches `x`, or `(x, labels)` with `with_labels=True`.
    `split` defaults as in `load_arrays` (a whole folder, or "train"); `shuffle`
    defaults to True for "train" and a folder, False otherwise. `batch_size=None`
    gives unbatched examples. Other arguments: see `load_arrays`.

    Note: Keras' `validation_split` does not work with datasets; pass
    `validation_data=kg.data.load(name, "test")` or use `load_arrays`.
    """
    x, labels = load_arrays(name, split, size=size, pad=pad, value_range=value_range, **kwargs)
    if shuffle is None:
        shuffle = split in ("train", None)
    return to_dataset(x, labels if with_labels else None, batch_size=batch_size,
                      shuffle=shuffle, seed=seed)
