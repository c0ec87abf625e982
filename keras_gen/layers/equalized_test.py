import math

import keras
import numpy as np
import pytest

from keras_gen.layers.equalized import EqualizedConv2D, EqualizedDense
from keras_gen.layers.fade_in import FadeIn
from keras_gen.layers.pixel_norm import PixelNorm


def _round_trip(layer, inputs):
    clone = type(layer).from_config(layer.get_config())
    clone(inputs)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(inputs), layer(inputs), atol=1e-6)


def test_equalized_dense_applies_he_scale_at_run_time():
    layer = EqualizedDense(3, gain=2.0, use_bias=False)
    x = np.random.default_rng(0).normal(size=(5, 16)).astype("float32")
    y = layer(x)
    kernel = layer.kernel.numpy()
    np.testing.assert_allclose(y, x @ kernel * (2.0 / math.sqrt(16)), rtol=1e-5, atol=1e-5)
    # stored weights are N(0, 1): the scale is not baked into them
    big = EqualizedDense(256)
    big.build((None, 512))
    assert 0.9 < big.kernel.numpy().std() < 1.1


def test_equalized_dense_lr_multiplier_scales_storage_and_bias():
    layer = EqualizedDense(64, lr_multiplier=0.01, bias_init=1.0, gain=1.0)
    layer.build((None, 128))
    assert 80 < layer.kernel.numpy().std() < 120          # N(0, 1 / 0.01)
    np.testing.assert_allclose(layer.bias.numpy(), 100.0)  # effective bias 1
    x = np.zeros((2, 128), "float32")
    np.testing.assert_allclose(layer(x), np.ones((2, 64)), rtol=1e-6)
    # effective weights are unit-variance/fan-in whatever the multiplier
    effective = layer.scaled_kernel().numpy()
    assert 0.8 < effective.std() * math.sqrt(128) < 1.2


def test_equalized_conv_matches_plain_conv_with_scaled_kernel():
    layer = EqualizedConv2D(4, 3, activation="relu")
    x = np.random.default_rng(1).normal(size=(2, 6, 6, 5)).astype("float32")
    y = layer(x)
    plain = keras.layers.Conv2D(4, 3, padding="same", activation="relu")
    plain.build(x.shape)
    plain.set_weights([layer.kernel.numpy() * math.sqrt(2.0) / math.sqrt(45),
                       layer.bias.numpy()])
    np.testing.assert_allclose(y, plain(x), atol=1e-5)
    _round_trip(layer, x)


def test_equalized_layers_reject_bad_arguments():
    with pytest.raises(ValueError, match="units"):
        EqualizedDense(0)
    with pytest.raises(ValueError, match="kernel_size"):
        EqualizedConv2D(4, 2)
    with pytest.raises(ValueError, match="lr_multiplier"):
        EqualizedDense(4, lr_multiplier=0)


def test_pixel_norm_gives_unit_rms_per_pixel():
    x = np.random.default_rng(2).normal(scale=7.0, size=(3, 4, 4, 8)).astype("float32")
    y = PixelNorm()(x).numpy()
    np.testing.assert_allclose(np.sqrt(np.mean(y**2, axis=-1)), 1.0, rtol=1e-5)
    # direction is kept: y is a positive multiple of x at each pixel
    ratio = y / x
    np.testing.assert_allclose(ratio, ratio[..., :1] * np.ones_like(ratio), rtol=1e-4)
    assert PixelNorm.from_config(PixelNorm(epsilon=1e-4).get_config()).epsilon == 1e-4
    np.testing.assert_array_equal(PixelNorm()(np.zeros((1, 3), "float32")), 0.0)


def test_fade_in_interpolates_and_clips_alpha():
    old = np.zeros((2, 3), "float32")
    new = np.full((2, 3), 4.0, "float32")
    fade = FadeIn()
    np.testing.assert_allclose(fade(old, new, alpha=0.0), old)
    np.testing.assert_allclose(fade(old, new, alpha=0.25), np.full((2, 3), 1.0))
    np.testing.assert_allclose(fade(old, new, alpha=1.0), new)
    np.testing.assert_allclose(fade(old, new, alpha=3.0), new)
    assert FadeIn.from_config(fade.get_config()).name == fade.name
