"""Input checks shared by the metrics: images in [0, 1] NHWC, feature matrices."""

import numpy as np

from keras_gen.data import checks


def check_images(images, name="images", min_count=1):
    """Validate a batch of images and return it as float32 NHWC in [0, 1].

    Args:
        images: array-like `(N, H, W, C)` or grey `(N, H, W)`: float in [0, 1]
            (rounding up to `kg.data.checks.TOLERANCE` outside is clipped),
            or pixels (uint8, or float in 0-255), divided by 255.
        name: argument name used in error messages.
        min_count: fewest images accepted.

    Returns:
        float32 array `(N, H, W, C)`.
    """
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4:
        raise ValueError(f"{name} must have shape (N, H, W, C) or (N, H, W), got {array.shape}.")
    if len(array) < min_count:
        raise ValueError(f"{name} must hold at least {min_count} images, got {len(array)}.")
    return checks.check_array(array, what=name)


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
