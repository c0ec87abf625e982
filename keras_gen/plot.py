"""Pictures: sample grids, reconstruction rows, latent maps, training curves.

Images are float arrays in [0, 1], NHWC (or NHW). Files are written atomically.
"""

import math

import numpy as np

from keras_gen import _io


def to_uint8(images):
    """Float images in [0, 1] (NHWC/NHW) -> uint8 NHWC with 1 or 3 channels."""
    images = np.asarray(images, "float32")
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"expected images of shape (n, h, w[, 1|3]), got {images.shape}.")
    return (np.clip(images, 0.0, 1.0) * 255.0 + 0.5).astype("uint8")


def grid(images, columns=None, padding=1, pad_value=1.0):
    """Tile images into one array `(rows*h + pads, columns*w + pads, c)`."""
    tiles = to_uint8(images)
    n, h, w, c = tiles.shape
    columns = columns or int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / columns))
    fill = int(pad_value * 255)
    canvas = np.full((rows * (h + padding) + padding, columns * (w + padding) + padding, c),
                     fill, "uint8")
    for i in range(n):
        r, col = divmod(i, columns)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        canvas[top:top + h, left:left + w] = tiles[i]
    return canvas


def save_image(array, path, scale=1):
    """Save a uint8 HxWxC array as PNG (nearest-neighbour upscaled by `scale`)."""
    from PIL import Image

    array = np.asarray(array)
    if array.shape[-1] == 1:
        array = array[..., 0]
    image = Image.fromarray(array)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    with _io.atomic_path(path) as tmp:
        image.save(tmp, format="PNG")
    return path


def save_grid(images, path, columns=None, scale=2, padding=1):
    """Save images in [0, 1] as one PNG grid; returns `path`."""
    return save_image(grid(images, columns, padding), path, scale=scale)


def save_rows(rows, path, scale=2):
    """Save several equally long image rows (e.g. originals over reconstructions)."""
    rows = [np.asarray(r) for r in rows]
    length = len(rows[0])
    if any(len(r) != length for r in rows):
        raise ValueError(f"all rows need the same length, got {[len(r) for r in rows]}.")
    return save_grid(np.concatenate(rows), path, columns=length, scale=scale)
