"""DenseTranspose: transposed tied kernel, own bias, checks, config round trip."""

import keras
import numpy as np
import pytest

import keras_gen as kg


def test_output_is_activation_of_input_times_kernel_transposed_plus_bias():
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    layer = kg.layers.DenseTranspose(dense, activation="sigmoid")
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    layer.build((None, 3))
    layer.bias.assign(np.arange(5, dtype="float32"))
    out = np.asarray(layer(x))
    kernel = np.asarray(dense.kernel)
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-(x @ kernel.T + np.arange(5)))), rtol=1e-5)
    assert out.shape == (4, 5)
    own = [w for w in layer.trainable_weights if w is not dense.kernel and w is not dense.bias]
    assert [tuple(w.shape) for w in own] == [(5,)]  # only the bias is new


def test_config_round_trip_builds_a_working_standalone_layer():
    dense = keras.layers.Dense(3, name="tied")
    dense.build((None, 6))
    layer = kg.layers.DenseTranspose(dense, use_bias=False)
    clone = kg.layers.DenseTranspose.from_config(layer.get_config())
    assert clone(np.zeros((2, 3), "float32")).shape == (2, 6)
    assert clone.get_config()["units"] == 6 and clone.bias is None


def test_bad_arguments_and_inputs():
    with pytest.raises(ValueError, match="keras.layers.Dense"):
        kg.layers.DenseTranspose(keras.layers.Conv2D(3, 3))
    dense = keras.layers.Dense(3)
    dense.build((None, 5))
    with pytest.raises(ValueError, match="3 features"):
        kg.layers.DenseTranspose(dense)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="units="):
        kg.layers.DenseTranspose(keras.layers.Dense(3))(np.zeros((2, 3), "float32"))
