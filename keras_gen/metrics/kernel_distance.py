"""Kernel Inception Distance (KID), in a chosen feature space.

Binkowski et al. 2018, "Demystifying MMD GANs": the squared maximum mean
discrepancy between the two feature distributions with the cubic polynomial
kernel k(x, y) = (x.y / d + 1)^3, estimated without bias, averaged over random
subsets (which also gives its spread). Unlike the Frechet distance its
estimate has no bias from the sample size, so small sets compare fairly.
"""

import numpy as np

from keras_gen.core import validation
from keras_gen.metrics import _checks
from keras_gen.metrics.features import extract_features

FULL_KERNEL_LIMIT = 5000


def polynomial_kernel(a, b, degree=3, coef0=1.0):
    """`(a @ b.T / d + coef0) ** degree` for features `a (n, d)`, `b (m, d)` -> `(n, m)`."""
    return (a @ b.T / a.shape[1] + coef0) ** degree


def mmd2_unbiased(k_aa, k_bb, k_ab):
    """Unbiased MMD^2 from kernel blocks `k_aa (n, n)`, `k_bb (m, m)`, `k_ab (n, m)`.

    Within-set sums skip the diagonal (a sample is never compared with
    itself), which is what removes the bias.
    """
    n, m = len(k_aa), len(k_bb)
    within_a = (k_aa.sum() - np.trace(k_aa)) / (n * (n - 1))
    within_b = (k_bb.sum() - np.trace(k_bb)) / (m * (m - 1))
    return float(within_a + within_b - 2.0 * k_ab.mean())


def kid_from_features(real, fake, num_subsets=100, subset_size=None, seed=0):
    """KID of two feature matrices `(N, d)` and `(M, d)`; see `kid`."""
    real = _checks.check_features(real, "real", min_count=4)
    fake = _checks.check_features(fake, "fake", min_count=4)
    _checks.check_same_width(real, fake)
    num_subsets = validation.check_positive_int(num_subsets, "num_subsets")
    smallest = min(len(real), len(fake))
    if subset_size is None:
        subset_size = min(1000, smallest // 2)
    subset_size = validation.check_positive_int(subset_size, "subset_size")
    if not 2 <= subset_size <= smallest:
        raise ValueError(f"subset_size must be between 2 and the smaller set's size "
                         f"({smallest}), got {subset_size}.")
    rng = np.random.default_rng(seed)
    cached = max(len(real), len(fake)) <= FULL_KERNEL_LIMIT
    if cached:
        k_rr = polynomial_kernel(real, real)
        k_ff = polynomial_kernel(fake, fake)
        k_rf = polynomial_kernel(real, fake)
    values = []
    for _ in range(num_subsets):
        r = rng.choice(len(real), subset_size, replace=False)
        f = rng.choice(len(fake), subset_size, replace=False)
        if cached:
            blocks = (k_rr[np.ix_(r, r)], k_ff[np.ix_(f, f)], k_rf[np.ix_(r, f)])
        else:
            a, b = real[r], fake[f]
            blocks = (polynomial_kernel(a, a), polynomial_kernel(b, b), polynomial_kernel(a, b))
        values.append(mmd2_unbiased(*blocks))
    values = np.asarray(values)
    return {"mean": float(values.mean()), "std": float(values.std()),
            "num_subsets": num_subsets, "subset_size": int(subset_size)}


def kid(real, fake, features="digits", num_subsets=100, subset_size=None, seed=0):
    """Kernel Inception Distance between two image sets: mean and std over subsets.

    Each of `num_subsets` rounds draws `subset_size` samples (without
    replacement) from each set and computes the unbiased MMD^2 with the cubic
    polynomial kernel; the result is the mean and standard deviation of those
    estimates. The estimate can be slightly negative when the sets match.

    Args:
        real: images `(N, H, W, C)` in [0, 1], or features `(N, d)` with
            `features=None`.
        fake: images (or features) `(M, ...)`.
        features: "digits", "inception", a callable, or None (see
            `kg.metrics.frechet_distance`).
        num_subsets: int. Number of random subsets. Defaults to `100`.
        subset_size: int. Samples per subset; defaults to
            `min(1000, min(N, M) // 2)`, so subsets differ and the std shows the
            sampling spread.
        seed: int. Seed of the subset draws.

    Returns:
        dict: `mean` (the KID), `std`, `num_subsets`, `subset_size`.
    """
    real_features = extract_features(real, features, "real")
    fake_features = extract_features(fake, features, "fake")
    return kid_from_features(real_features, fake_features, num_subsets, subset_size, seed)
