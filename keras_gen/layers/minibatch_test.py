"""MinibatchDiscrimination and MinibatchStdDev: shapes, statistics, serialization."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg

RNG = np.random.default_rng(0)


def test_stddev_appends_one_channel_of_group_statistics():
    x = RNG.uniform(size=(8, 3, 3, 2)).astype("float32")
    y = ops.convert_to_numpy(kg.layers.MinibatchStdDev(4)(x))
    assert y.shape == (8, 3, 3, 3)
    np.testing.assert_allclose(y[..., :2], x)
    for group in (0, 1):  # consecutive groups of 4
        rows = slice(4 * group, 4 * group + 4)
        expected = np.mean(np.std(x[rows], axis=0))
        np.testing.assert_allclose(y[rows, ..., 2], expected, rtol=1e-5)


def test_stddev_whole_batch_when_not_divisible_and_flat_inputs():
    x = RNG.uniform(size=(6, 5)).astype("float32")
    y = ops.convert_to_numpy(kg.layers.MinibatchStdDev(4)(x))
    assert y.shape == (6, 6)
    np.testing.assert_allclose(y[:, 5], np.mean(np.std(x, axis=0)), rtol=1e-5)


def test_stddev_of_a_collapsed_batch_is_near_zero():
    x = np.ones((8, 2, 2, 3), "float32")
    y = ops.convert_to_numpy(kg.layers.MinibatchStdDev(4)(x))
    assert np.all(y[..., 3] < 1e-3)


def test_discrimination_counts_close_neighbours():
    layer = kg.layers.MinibatchDiscrimination(num_kernels=5, kernel_dim=3)
    same = np.ones((6, 10), "float32")
    out = ops.convert_to_numpy(layer(same))
    assert out.shape == (6, 15)
    np.testing.assert_allclose(out[:, 10:], 5.0, rtol=1e-6)  # 5 identical others each
    spread = (np.arange(6)[:, None] * 1000.0 * np.ones((6, 10))).astype("float32")
    layer_far = kg.layers.MinibatchDiscrimination(
        num_kernels=5, kernel_dim=3, kernel_initializer="ones")
    np.testing.assert_allclose(ops.convert_to_numpy(layer_far(spread))[:, 10:], 0.0, atol=1e-6)


def test_layers_in_a_functional_model_and_serialization():
    inputs = keras.Input((4, 4, 2))
    h = kg.layers.MinibatchStdDev(2)(inputs)
    h = keras.layers.Flatten()(h)
    outputs = kg.layers.MinibatchDiscrimination(4, 2)(h)
    model = keras.Model(inputs, outputs)
    assert model.output.shape == (None, 4 * 4 * 3 + 4)
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = RNG.uniform(size=(4, 4, 4, 2)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(clone(x)), ops.convert_to_numpy(model(x)),
                               rtol=1e-6)


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="group_size"):
        kg.layers.MinibatchStdDev(0)
    with pytest.raises(ValueError, match="num_kernels"):
        kg.layers.MinibatchDiscrimination(num_kernels=-1)
    with pytest.raises(ValueError, match="Flatten"):
        kg.layers.MinibatchDiscrimination(2, 2)(np.zeros((2, 3, 3, 1), "float32"))


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_stddev_of_identical_examples_has_finite_gradients_under_mixed_precision(policy):
    import tensorflow as tf

    keras.mixed_precision.set_global_policy(policy)
    try:
        layer = kg.layers.MinibatchStdDev(4)
        x = tf.Variable(np.ones((8, 2, 2, 3), "float32"))  # zero variance in every group
        with tf.GradientTape() as tape:
            y = layer(x)
            total = tf.reduce_sum(tf.cast(y, "float32"))
        assert keras.backend.standardize_dtype(y.dtype) == layer.compute_dtype
        assert np.isfinite(tape.gradient(total, x).numpy()).all()
    finally:
        keras.mixed_precision.set_global_policy("float32")
