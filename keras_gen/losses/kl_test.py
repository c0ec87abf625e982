"""Closed-form Gaussian KL and log-density against independent formulas."""

import numpy as np
from scipy import stats

from keras_gen.losses.kl import gaussian_kl, gaussian_log_density


def test_gaussian_kl_matches_the_univariate_formula_summed_over_units():
    mean = np.array([[0.0, 1.0, -2.0], [0.5, 0.0, 0.0]], "float32")
    log_var = np.array([[0.0, np.log(4.0), -1.0], [0.3, 0.0, 2.0]], "float32")
    sigma = np.exp(0.5 * log_var.astype("float64"))
    # KL(N(m, s^2) || N(0, 1)) = -log s + (s^2 + m^2) / 2 - 1/2
    expected = np.sum(-np.log(sigma) + (sigma**2 + mean**2) / 2 - 0.5, axis=1)
    np.testing.assert_allclose(np.asarray(gaussian_kl(mean, log_var)), expected, rtol=1e-5)
    assert np.asarray(gaussian_kl(mean, log_var))[0] > 0


def test_gaussian_kl_is_zero_for_the_prior_and_matches_monte_carlo():
    np.testing.assert_allclose(np.asarray(gaussian_kl(np.zeros((1, 4)), np.zeros((1, 4)))), 0,
                               atol=1e-7)
    mean, log_var = np.array([[0.7, -0.3]], "float32"), np.array([[-0.5, 0.4]], "float32")
    z = mean + np.exp(0.5 * log_var) * np.random.default_rng(0).standard_normal((200_000, 2))
    z = z.astype("float32")
    monte_carlo = np.mean(np.asarray(gaussian_log_density(z, mean, log_var))
                          - np.asarray(gaussian_log_density(z, 0.0, 0.0)))
    np.testing.assert_allclose(monte_carlo, float(np.asarray(gaussian_kl(mean, log_var))[0]),
                               atol=0.01)


def test_gaussian_log_density_matches_scipy():
    z = np.array([[0.1, -1.0, 2.0]], "float32")
    mean, log_var = np.array([[0.0, 0.5, 1.0]], "float32"), np.array([[0.0, -1.0, 1.0]], "float32")
    expected = stats.norm.logpdf(z, mean, np.exp(0.5 * log_var)).sum(axis=1)
    np.testing.assert_allclose(np.asarray(gaussian_log_density(z, mean, log_var)), expected,
                               rtol=1e-5)
