"""KID: the unbiased MMD^2 estimator against its definition, and its behaviour."""

import itertools

import numpy as np
import pytest

from keras_gen import metrics
from keras_gen.metrics import kernel_distance as kid_module


def _definition(a, b):
    """Unbiased MMD^2 with k(x, y) = (x.y / d + 1)^3, written as explicit sums."""
    d = a.shape[1]

    def k(x, y):
        return (x @ y / d + 1.0) ** 3

    n, m = len(a), len(b)
    xx = sum(k(a[i], a[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    yy = sum(k(b[i], b[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    xy = sum(k(a[i], b[j]) for i in range(n) for j in range(m)) / (n * m)
    return xx + yy - 2 * xy


def test_estimator_matches_its_definition():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(6, 3)) + 0.5
    blocks = [kid_module.polynomial_kernel(p, q) for p, q in ((a, a), (b, b), (a, b))]
    assert kid_module.mmd2_unbiased(*blocks) == pytest.approx(_definition(a, b), rel=1e-10)


def test_same_distribution_is_about_zero_and_a_shift_is_not():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 16))
    independent = metrics.kid(x, rng.normal(size=(400, 16)), features=None, num_subsets=20)
    itself = metrics.kid(x, x, features=None, num_subsets=20)
    shifted = metrics.kid(x, rng.normal(size=(400, 16)) + 0.5, features=None, num_subsets=20)
    # Unbiased: two samples of one distribution average to 0 (well inside the spread).
    assert abs(independent["mean"]) < independent["std"]
    # A set against itself is slightly negative (shared samples are not independent).
    assert -0.05 * shifted["mean"] < itself["mean"] <= 0
    assert shifted["mean"] > 10 * shifted["std"]
    assert itself["subset_size"] == 200 and itself["num_subsets"] == 20


def test_subset_kernels_from_cache_equal_direct_computation(monkeypatch):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(60, 4)), rng.normal(size=(50, 4))
    cached = metrics.kid(a, b, features=None, num_subsets=5, subset_size=20, seed=3)
    monkeypatch.setattr(kid_module, "FULL_KERNEL_LIMIT", 0)
    direct = metrics.kid(a, b, features=None, num_subsets=5, subset_size=20, seed=3)
    assert cached["mean"] == pytest.approx(direct["mean"], rel=1e-9)
    assert cached["std"] == pytest.approx(direct["std"], rel=1e-9)


def test_bad_subset_size_is_a_clear_error():
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match=r"subset_size must be between 2 and .*\(10\), got 11"):
        metrics.kid(rng.normal(size=(10, 3)), rng.normal(size=(12, 3)), features=None,
                    subset_size=11)
