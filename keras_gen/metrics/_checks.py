"""Input checks shared by the metrics: images in [0, 1] NHWC, feature matrices."""

import numpy as np

RANGE_TOLERANCE = 1e-3


def check_images(images, name="images", min_count=1):
    """Validate a batch of images and return it as float32 NHWC in [0, 1].

    Args:
        images: array-like `(N, H, W, C)` or grey `(N, H, W)`, float in
            [0, 1] (values off by at most 1e-3 are clipped) or uint8.
        name: argument name used in error messages.
        min_count: fewest images accepted.

    Returns:
        float32 array `(N, H, W, C)`.
    """
    array = np.asarray(images)
    if array.dtype == np.uint8:
        array = array.astype("float32") / 255.0
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{name} must be float images in [0, 1], got dtype {array.dtype}.")
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4:
        raise ValueError(f"{name} must have shape (N, H, W, C) or (N, H, W), got {array.shape}.")
    if len(array) < min_count:
        raise ValueError(f"{name} must hold at least {min_count} images, got {len(array)}.")
    array = array.astype("float32", copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values; expected images in [0, 1].")
    low, high = float(array.min()), float(array.max())
    if low < -RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        raise ValueError(
            f"{name} must lie in [0, 1], got values in [{low:.4g}, {high:.4g}]. Rescale "
            "generator outputs in [-1, 1] with (x + 1) / 2, or divide uint8 pixels by 255."
        )
    return np.clip(array, 0.0, 1.0)


def check_features(features, name="features", min_count=2):
    """Validate a feature matrix `(N, d)` and return it as float64."""
    array = np.asarray(features)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a feature matrix of shape (N, d), got shape "
                         f"{array.shape}. Pass images with features='digits', 'inception' or a "
                         "callable to compute features first.")
    if len(array) < min_count:
        raise ValueError(f"{name} must hold at least {min_count} rows, got {len(array)}.")
    array = array.astype("float64")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds NaN or infinite values.")
    return array


def check_same_width(a, b, names=("real", "fake")):
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"{names[0]} and {names[1]} features differ in width: "
                         f"{a.shape[1]} vs {b.shape[1]}.")
