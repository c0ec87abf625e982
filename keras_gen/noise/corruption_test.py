"""Noise objects: identity at inference, the right corruption in training, seeded, serializable."""

import keras
import numpy as np
import pytest

import keras_gen as kg


def _x(shape=(64, 50), value=0.5):
    return np.full(shape, value, "float32")


@pytest.mark.parametrize("noise", [kg.noise.Gaussian(0.3), kg.noise.Mask(0.5)])
def test_identity_outside_training(noise):
    x = np.random.default_rng(0).uniform(size=(4, 6)).astype("float32")
    assert noise(x, seed=0, training=False) is x
    assert not np.allclose(np.asarray(noise(x, seed=0, training=True)), x)


def test_gaussian_has_the_requested_stddev_and_clips():
    raw = np.asarray(kg.noise.Gaussian(0.3, clip=False)(_x(), seed=1, training=True))
    assert abs(raw.std() - 0.3) < 0.02 and abs(raw.mean() - 0.5) < 0.02
    clipped = np.asarray(kg.noise.Gaussian(2.0)(_x(), seed=1, training=True))
    assert clipped.min() == 0.0 and clipped.max() == 1.0


def test_mask_switches_off_the_rate_and_keeps_the_rest():
    x = np.random.default_rng(0).uniform(0.1, 1.0, size=(100, 100)).astype("float32")
    out = np.asarray(kg.noise.Mask(0.3)(x, seed=2, training=True))
    off = out == 0
    assert abs(off.mean() - 0.3) < 0.02
    np.testing.assert_array_equal(out[~off], x[~off])


@pytest.mark.parametrize("noise", [kg.noise.Gaussian(0.3), kg.noise.Mask(0.5)])
def test_seed_generator_reproduces_draws(noise):
    x = _x((3, 5))
    a = noise(x, seed=keras.random.SeedGenerator(7), training=True)
    b = noise(x, seed=keras.random.SeedGenerator(7), training=True)
    c = noise(x, seed=keras.random.SeedGenerator(8), training=True)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(c))


@pytest.mark.parametrize("noise", [kg.noise.Gaussian(0.2, clip=False), kg.noise.Mask(0.25)])
def test_serialization_round_trip(noise):
    config = kg.noise.serialize(noise)
    assert kg.noise.get(config) == noise
    assert kg.noise.get(None) is None


@pytest.mark.parametrize("make, match", [
    (lambda: kg.noise.Gaussian(0), "stddev"),
    (lambda: kg.noise.Gaussian(-1.0), "stddev"),
    (lambda: kg.noise.Gaussian(0.1, clip="yes"), "clip"),
    (lambda: kg.noise.Mask(1.0), "rate"),
    (lambda: kg.noise.Mask(-0.1), "rate"),
    (lambda: kg.noise.get("gaussian"), "kg.noise.Gaussian"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()
