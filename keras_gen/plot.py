"""Pictures: sample grids, reconstruction rows, latent maps, training curves.

Images are float arrays in [0, 1], NHWC (or NHW). Every writer makes a PNG that
carries a `Software: keras_gen` marker, written atomically. A PNG keras_gen wrote is
replaced; anything else at the path (a user's picture, a folder, a link) is
refused with `TargetExistsError` unless `overwrite=True`, which moves it aside
to `NAME.bak` and keeps it.
"""

import math

import numpy as np

from keras_gen.core import safe_io


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


def publish_png(path, write, overwrite=False):
    """Run `write(tmp)` to make a PNG at a temporary path, mark it, move it to `path`.

    The target is checked first (see the module docstring); returns `path`.
    """
    with safe_io.atomic_file(path, overwrite, ours=safe_io.is_keras_gen_png,
                             what="PNG file") as tmp:
        write(tmp)
        safe_io.mark_png(tmp)
    return path


def save_image(array, path, scale=1, overwrite=False):
    """Save a uint8 HxWxC array as PNG (nearest-neighbour upscaled by `scale`)."""
    from PIL import Image

    array = np.asarray(array)
    if array.shape[-1] == 1:
        array = array[..., 0]
    image = Image.fromarray(array)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    return publish_png(path, lambda tmp: image.save(tmp, format="PNG"), overwrite)


def save_grid(images, path, columns=None, scale=2, padding=1, overwrite=False):
    """Save images in [0, 1] as one PNG grid; returns `path`."""
    return save_image(grid(images, columns, padding), path, scale=scale, overwrite=overwrite)


def save_rows(rows, path, scale=2, overwrite=False):
    """Save several equally long image rows (e.g. originals over reconstructions)."""
    rows = [np.asarray(r) for r in rows]
    length = len(rows[0])
    if any(len(r) != length for r in rows):
        raise ValueError(f"all rows need the same length, got {[len(r) for r in rows]}.")
    return save_grid(np.concatenate(rows), path, columns=length, scale=scale,
                     overwrite=overwrite)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save_figure(figure, path, overwrite=False):
    try:
        return publish_png(path, lambda tmp: figure.savefig(tmp, format="png", dpi=110,
                                                            bbox_inches="tight"), overwrite)
    finally:
        _pyplot().close(figure)


def latent_scatter(codes, labels, path, title="latent space", overwrite=False):
    """Scatter of codes coloured by label (PCA to 2-D when codes have more dims).

    Args:
        codes: `(n, d)` array, d >= 2.
        labels: `(n,)` integer labels (e.g. the digit).
    """
    codes = np.asarray(codes, "float64").reshape(len(codes), -1)
    if codes.shape[1] < 2:
        raise ValueError(f"latent_scatter needs codes with >= 2 dims, got {codes.shape}.")
    axis_names = ("z[0]", "z[1]")
    if codes.shape[1] > 2:
        centred = codes - codes.mean(0)
        _, _, components = np.linalg.svd(centred, full_matrices=False)
        codes = centred @ components[:2].T
        axis_names = ("PC 1", "PC 2")
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6, 5))
    points = axis.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=6, alpha=0.8)
    figure.colorbar(points, ax=axis, ticks=sorted(set(np.asarray(labels).tolist())))
    axis.set_xlabel(axis_names[0])
    axis.set_ylabel(axis_names[1])
    axis.set_title(title)
    return _save_figure(figure, path, overwrite)


def interpolate(start, end, steps=10, spherical=False):
    """Latents on the line (or great circle, `spherical=True`) from start to end.

    Args:
        start, end: `(d,)` latents. Returns `(steps, d)`.
    """
    start, end = np.asarray(start, "float32"), np.asarray(end, "float32")
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    if not spherical:
        return (1 - t) * start + t * end
    cos = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end) + 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return (1 - t) * start + t * end
    return (np.sin((1 - t) * omega) * start + np.sin(t * omega) * end) / np.sin(omega)


def interpolation_strip(decode, start, end, path, steps=10, spherical=False, scale=2,
                        overwrite=False):
    """Decode latents between two latents and save them as one row.

    Args:
        decode: function `(steps, d) latents -> (steps, h, w, c)` images in [0, 1]
            (e.g. `model.decode` or a GAN's generator wrapper).
    """
    latents = interpolate(start, end, steps, spherical)
    images = np.asarray(decode(latents))
    return save_grid(images, path, columns=steps, scale=scale, overwrite=overwrite)


def training_curves(history, path, keys=None, overwrite=False):
    """Plot losses/metrics per epoch from a `keras.callbacks.History` (or its dict)."""
    logs = getattr(history, "history", history)
    if not logs:
        raise ValueError("the history holds no logged values to plot.")
    keys = keys or [k for k in logs if not k.startswith("val_")]
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(keys), figsize=(4 * len(keys), 3), squeeze=False)
    for axis, key in zip(axes[0], keys):
        epochs = np.arange(1, len(logs[key]) + 1)
        axis.plot(epochs, logs[key], label=key)
        if f"val_{key}" in logs:
            axis.plot(epochs, logs[f"val_{key}"], label=f"val_{key}")
        axis.set_xlabel("epoch")
        axis.set_title(key)
        axis.legend()
    figure.tight_layout()
    return _save_figure(figure, path, overwrite)
