"""Frechet distance between two sets of images (FID-style), in a chosen feature space.

Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a
Local Nash Equilibrium": fit a Gaussian to each set's features and take

    d^2 = |mu_r - mu_f|^2 + tr(S_r + S_f - 2 (S_r S_f)^(1/2)).
"""

import warnings

import numpy as np
import scipy.linalg

from keras_gen.metrics import _checks
from keras_gen.metrics.features import extract_features

IMAGINARY_TOLERANCE = 1e-3
JITTER = 1e-6
ROOT_TOLERANCE = 1e-4


def feature_statistics(features, name="features"):
    """Mean `(d,)` and covariance `(d, d)` (unbiased, N - 1) of features `(N, d)`."""
    features = _checks.check_features(features, name, min_count=2)
    return features.mean(axis=0), np.cov(features, rowvar=False).reshape(
        features.shape[1], features.shape[1])


def _root_error(root, product):
    """Relative Frobenius error of a square root, `|X X - A| / |A|` (inf if not finite)."""
    if not np.all(np.isfinite(root)):
        return np.inf
    scale = max(np.linalg.norm(product), np.finfo("float64").tiny)
    return float(np.linalg.norm(root @ root - product) / scale)


def _sqrtm(product):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        return scipy.linalg.sqrtm(product)


def _sqrtm_product(sigma_a, sigma_b):
    """Real square root of `sigma_a @ sigma_b` via `scipy.linalg.sqrtm`.

    The product of two covariances has real non-negative eigenvalues, so the
    root is real up to round-off: imaginary parts below `IMAGINARY_TOLERANCE`
    are dropped. If the root is not finite, inaccurate (relative error above
    `ROOT_TOLERANCE`) or clearly complex, as happens with near-singular
    covariances (dead features, fewer samples than dimensions), both
    covariances get `JITTER` on their diagonal and the root is taken again.
    """
    product = sigma_a @ sigma_b
    root = _sqrtm(product)
    if _root_error(root, product) > ROOT_TOLERANCE or (
            np.iscomplexobj(root) and np.max(np.abs(root.imag)) > IMAGINARY_TOLERANCE):
        offset = JITTER * np.eye(len(sigma_a))
        product = (sigma_a + offset) @ (sigma_b + offset)
        root = _sqrtm(product)
    if not np.all(np.isfinite(root)):
        raise ValueError("the covariance product has no finite square root; the features "
                         "are degenerate (check for NaN or constant features).")
    if np.iscomplexobj(root):
        worst = float(np.max(np.abs(np.diagonal(root).imag)))
        if worst > IMAGINARY_TOLERANCE:
            raise ValueError(f"the square root of the covariance product has an imaginary "
                             f"part of {worst:.3g} on its diagonal; the covariances are too "
                             "ill-conditioned (use more samples than feature dimensions).")
        root = root.real
    return root


def frechet_distance_from_stats(mu_a, sigma_a, mu_b, sigma_b):
    """Frechet distance between Gaussians `N(mu_a, sigma_a)` and `N(mu_b, sigma_b)`.

    Args:
        mu_a, mu_b: means `(d,)`.
        sigma_a, sigma_b: covariances `(d, d)`.

    Returns:
        float >= 0 (tiny negative round-off is clipped to 0).
    """
    mu_a = np.atleast_1d(np.asarray(mu_a, "float64"))
    mu_b = np.atleast_1d(np.asarray(mu_b, "float64"))
    sigma_a = np.atleast_2d(sigma_a).astype("float64")
    sigma_b = np.atleast_2d(sigma_b).astype("float64")
    d = len(mu_a)
    for label, value, shape in (("mu_b", mu_b, (d,)), ("sigma_a", sigma_a, (d, d)),
                                ("sigma_b", sigma_b, (d, d))):
        if value.shape != shape:
            raise ValueError(f"{label} must have shape {shape} to match mu_a, got {value.shape}.")
    diff = mu_a - mu_b
    root = _sqrtm_product(sigma_a, sigma_b)
    distance = diff @ diff + np.trace(sigma_a) + np.trace(sigma_b) - 2.0 * np.trace(root)
    return float(max(distance, 0.0))


def frechet_distance(real, fake, features="digits"):
    """Frechet distance between the feature distributions of two image sets.

    The FID recipe with a choice of feature space. Lower is better; 0 means
    equal means and covariances. Use at least as many images as feature
    dimensions (128 for "digits", 2048 for "inception"); with few samples the
    value is biased upwards, so compare numbers computed with the same counts.

    Args:
        real: images `(N, H, W, C)` in [0, 1] (or features `(N, d)` with
            `features=None`).
        fake: images (or features) of the same kind, `(M, ...)`.
        features: "digits" (the shipped digit classifier, grey MNIST-like
            images), "inception" (InceptionV3, weights file needed), a callable
            `images -> (N, d)`, or None.

    Returns:
        float, the Frechet distance.

    Example:
    ```python
    x_test, _ = kg.data.load_arrays("mnist", "test")
    fd = kg.metrics.frechet_distance(x_test, model.generate(1000, seed=0))
    ```
    """
    real_features = extract_features(real, features, "real")
    fake_features = extract_features(fake, features, "fake")
    _checks.check_same_width(real_features, fake_features)
    return frechet_distance_from_stats(*feature_statistics(real_features, "real"),
                                       *feature_statistics(fake_features, "fake"))
