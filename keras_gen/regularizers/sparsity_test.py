"""Sparsity penalties against their formulas."""

import numpy as np
import pytest

import keras_gen as kg


def _codes(shape=(16, 5), seed=0):
    return np.random.default_rng(seed).uniform(0.01, 0.99, size=shape).astype("float32")


def test_l1_is_weight_times_summed_absolute_activation():
    code = _codes() - 0.5
    penalty = np.asarray(kg.regularizers.L1Activity(0.01)(code))
    np.testing.assert_allclose(penalty, 0.01 * np.abs(code).sum(axis=1), rtol=1e-6)
    assert penalty.shape == (16,)


def test_kl_sparsity_matches_the_bernoulli_kl_of_unit_means():
    code = _codes((32, 4, 3))  # any code shape: units are flattened
    p, weight = 0.1, 0.5
    q = code.reshape(32, -1).mean(axis=0)
    expected = weight * np.sum(p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q)))
    penalty = np.asarray(kg.regularizers.KLSparsity(p, weight)(code))
    assert penalty.shape == (32,)
    np.testing.assert_allclose(penalty, np.full(32, expected), rtol=1e-5)


def test_kl_sparsity_is_zero_at_the_target_rate_and_finite_at_saturation():
    at_target = np.full((8, 6), 0.2, "float32")
    np.testing.assert_allclose(np.asarray(kg.regularizers.KLSparsity(0.2, 1.0)(at_target)), 0,
                               atol=1e-6)
    saturated = np.ones((8, 6), "float32")
    assert np.all(np.isfinite(np.asarray(kg.regularizers.KLSparsity(0.2, 1.0)(saturated))))


@pytest.mark.parametrize("penalty", [kg.regularizers.L1Activity(1e-3),
                                     kg.regularizers.KLSparsity(0.05, 2e-3)])
def test_serialization_round_trip(penalty):
    from keras_gen.regularizers import sparsity

    assert sparsity.get(sparsity.serialize(penalty)) == penalty


@pytest.mark.parametrize("make, match", [
    (lambda: kg.regularizers.L1Activity(-1.0), "weight"),
    (lambda: kg.regularizers.KLSparsity(0.0), "target"),
    (lambda: kg.regularizers.KLSparsity(1.0), "target"),
    (lambda: kg.regularizers.KLSparsity(0.1, weight="big"), "weight"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
