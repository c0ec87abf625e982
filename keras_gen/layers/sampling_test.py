"""Sampling: reproducible with a seed, right moments, gradients reach mean and log-variance."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core import autodiff


def _params(n=4, d=3):
    rng = np.random.default_rng(0)
    return (rng.normal(size=(n, d)).astype("float32"),
            rng.normal(scale=0.5, size=(n, d)).astype("float32"))


def test_same_seed_same_draws_different_seed_different_draws():
    mean, log_var = _params()
    a = np.asarray(kg.layers.Sampling(seed=3)([mean, log_var]))
    b = np.asarray(kg.layers.Sampling(seed=3)([mean, log_var]))
    c = np.asarray(kg.layers.Sampling(seed=4)([mean, log_var]))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    layer = kg.layers.Sampling(seed=3)
    assert not np.allclose(np.asarray(layer([mean, log_var])), np.asarray(layer([mean, log_var])))
    external = np.asarray(layer([mean, log_var], seed_generator=keras.random.SeedGenerator(9)))
    again = np.asarray(layer([mean, log_var], seed_generator=keras.random.SeedGenerator(9)))
    np.testing.assert_array_equal(external, again)


def test_draws_have_the_requested_mean_and_variance():
    mean = np.tile(np.array([[1.0, -2.0]], "float32"), (50_000, 1))
    log_var = np.tile(np.log(np.array([[0.25, 4.0]], "float32")), (50_000, 1))
    z = np.asarray(kg.layers.Sampling(seed=0)([mean, log_var]))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.03)
    np.testing.assert_allclose(z.var(axis=0), [0.25, 4.0], rtol=0.03)


def test_gradients_flow_to_mean_and_log_variance():
    mean, log_var = (keras.Variable(v) for v in _params(2, 2))
    layer = kg.layers.Sampling(seed=1)
    _, grads = autodiff.gradients(lambda: keras.ops.sum(layer([mean, log_var])),
                                  [mean, log_var])
    np.testing.assert_allclose(np.asarray(grads[0]), np.ones((2, 2)))
    assert np.all(np.asarray(grads[1]) != 0)


def test_config_and_errors():
    layer = kg.layers.Sampling(seed=5, name="s")
    assert kg.layers.Sampling.from_config(layer.get_config()).seed == 5
    with pytest.raises(ValueError, match="seed"):
        kg.layers.Sampling(seed=-1)
    with pytest.raises(ValueError, match="same shape"):
        kg.layers.Sampling()([np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32")])
