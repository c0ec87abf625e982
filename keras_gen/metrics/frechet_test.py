"""Frechet distance: against a direct eigenvalue computation, known values, edge cases."""

import numpy as np
import pytest
import scipy.linalg

from keras_gen import metrics


def _direct_frechet(a, b):
    """|mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^1/2 S_b S_a^1/2)^1/2), by eigh.

    The trace of sqrt(S_a S_b) equals the sum of square roots of the eigenvalues
    of the symmetric matrix S_a^1/2 S_b S_a^1/2, which avoids sqrtm entirely.
    """
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = scipy.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    middle = scipy.linalg.eigvalsh(root_a @ s_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * trace_root)


def test_matches_direct_computation_on_random_features():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(600, 16)) @ rng.normal(size=(16, 16))
    b = rng.normal(loc=0.5, size=(400, 16)) @ rng.normal(size=(16, 16)) * 0.7
    expected = _direct_frechet(a, b)
    assert expected > 1.0
    np.testing.assert_allclose(metrics.frechet_distance(a, b, features=None), expected, rtol=1e-7)


def test_known_value_in_one_dimension():
    # N(0, 1) vs N(3, 4): 9 + 1 + 4 - 2 * sqrt(1 * 4) = 10.
    value = metrics.frechet_distance_from_stats([0.0], [[1.0]], [3.0], [[4.0]])
    assert value == pytest.approx(10.0, abs=1e-12)


def test_identical_sets_give_zero_and_order_does_not_matter():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 8))
    b = rng.normal(size=(300, 8)) + 0.3
    assert metrics.frechet_distance(a, a, features=None) == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(metrics.frechet_distance(a, b, features=None),
                               metrics.frechet_distance(b, a, features=None), rtol=1e-8)


def test_degenerate_features_give_a_finite_value():
    """Dead ReLU units (constant zero features) and fewer samples than dimensions."""
    rng = np.random.default_rng(2)
    a = np.maximum(rng.normal(size=(20, 32)), 0)
    b = np.maximum(rng.normal(size=(20, 32)) + 0.2, 0)
    a[:, :5] = 0.0
    b[:, :5] = 0.0
    value = metrics.frechet_distance(a, b, features=None)
    assert np.isfinite(value) and value >= 0
    np.testing.assert_allclose(value, _direct_frechet(a, b), rtol=1e-3, atol=1e-4)


def test_callable_features_are_applied_to_images():
    rng = np.random.default_rng(3)
    real = rng.uniform(size=(50, 6, 6, 1)).astype("float32")
    fake = (rng.uniform(size=(40, 6, 6, 1)) ** 2).astype("float32")

    def flatten(images):
        return images.reshape(len(images), -1)[:, :10]

    expected = _direct_frechet(flatten(real).astype("float64"), flatten(fake).astype("float64"))
    np.testing.assert_allclose(metrics.frechet_distance(real, fake, features=flatten), expected,
                               rtol=1e-6)


def test_bad_inputs_have_clear_errors():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match=r"feature matrix of shape \(N, d\)"):
        metrics.frechet_distance(rng.normal(size=(10, 4, 4, 1)), rng.normal(size=(10, 4)),
                                 features=None)
    with pytest.raises(ValueError, match="differ in width: 4 vs 5"):
        metrics.frechet_distance(rng.normal(size=(10, 4)), rng.normal(size=(10, 5)), features=None)
    with pytest.raises(ValueError, match="at least 2 rows"):
        metrics.frechet_distance(rng.normal(size=(1, 4)), rng.normal(size=(10, 4)), features=None)
    with pytest.raises(ValueError, match=r"take images in \[0, 1\].*\(x \+ 1\) / 2"):
        metrics.frechet_distance(rng.normal(size=(10, 4, 4, 1)), rng.uniform(size=(10, 4, 4, 1)),
                                 features=lambda x: x.reshape(len(x), -1))
    with pytest.raises(ValueError, match="features must be 'digits', 'inception'"):
        metrics.frechet_distance(rng.uniform(size=(10, 4, 4, 1)), rng.uniform(size=(10, 4, 4, 1)),
                                 features="vgg")
    with pytest.raises(ValueError, match=r"mu_b must have shape \(2,\)"):
        metrics.frechet_distance_from_stats([0, 0], np.eye(2), [0, 0, 0], np.eye(3))
