"""WGAN-GP and R1 against gradients worked out by hand."""

import keras
import numpy as np
from keras import ops

from keras_gen.core import autodiff
from keras_gen.regularizers.gradient_penalty import gradient_penalty, interpolate, r1_penalty

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 2, 2, 1)).astype("float32")
W = RNG.normal(size=(2, 2, 1)).astype("float32")


def linear(x):
    """D(x) = sum(w * x): the input gradient is w for every example."""
    return ops.sum(ops.reshape(x * W, (ops.shape(x)[0], -1)), axis=1, keepdims=True)


def quadratic(x):
    """D(x) = sum(x^2): the input gradient is 2x."""
    return ops.sum(ops.reshape(x * x, (ops.shape(x)[0], -1)), axis=1, keepdims=True)


def test_r1_is_the_squared_input_gradient_norm():
    np.testing.assert_allclose(ops.convert_to_numpy(r1_penalty(linear, X)),
                               np.full(3, np.sum(W ** 2)), rtol=1e-5)
    expected = 4 * np.sum(X.reshape(3, -1) ** 2, axis=1)
    np.testing.assert_allclose(ops.convert_to_numpy(r1_penalty(quadratic, X)),
                               expected, rtol=1e-5)


def test_gradient_penalty_is_squared_distance_of_norm_to_one():
    fake = RNG.normal(size=X.shape).astype("float32")
    got = gradient_penalty(linear, X, fake, seed=1)
    expected = (np.sqrt(np.sum(W ** 2)) - 1.0) ** 2
    np.testing.assert_allclose(ops.convert_to_numpy(got), np.full(3, expected), rtol=1e-5)
    # real == fake: every interpolate is x itself, gradient 2x
    got = gradient_penalty(quadratic, X, X, seed=1, target=1.0)
    norms = 2 * np.sqrt(np.sum(X.reshape(3, -1) ** 2, axis=1))
    np.testing.assert_allclose(ops.convert_to_numpy(got), (norms - 1) ** 2, rtol=1e-5)


def test_interpolates_lie_on_the_segments_with_one_uniform_weight_per_example():
    real = np.zeros((256, 2, 2, 1), "float32")
    fake = np.ones((256, 2, 2, 1), "float32")
    points = ops.convert_to_numpy(interpolate(real, fake, seed=3))
    per_example = points.reshape(256, -1)
    assert np.all(per_example.min(axis=1) == per_example.max(axis=1))
    weights = per_example[:, 0]
    assert weights.min() >= 0 and weights.max() <= 1
    assert abs(weights.mean() - 0.5) < 0.08 and weights.std() > 0.2  # U[0, 1]: std 0.29
    again = ops.convert_to_numpy(interpolate(real, fake, seed=3))
    np.testing.assert_array_equal(points, again)


def test_penalty_is_differentiable_with_respect_to_weights():
    """GP of a linear critic is (||w|| - 1)^2, whose gradient is 2(||w|| - 1) w / ||w||."""
    w = keras.Variable(W)

    def critic(x):
        return ops.sum(ops.reshape(x * w, (ops.shape(x)[0], -1)), axis=1, keepdims=True)

    fake = RNG.normal(size=X.shape).astype("float32")
    _, (grad,) = autodiff.gradients(
        lambda: ops.mean(gradient_penalty(critic, X, fake, seed=0)), [w])
    norm = np.sqrt(np.sum(W ** 2))
    np.testing.assert_allclose(ops.convert_to_numpy(grad), 2 * (norm - 1) * W / norm, rtol=1e-4)
