import numpy as np
import pytest
import tensorflow as tf

from keras_gen.layers.style import ConstantInput, ModulatedConv2D, NoiseInjection


def _weight_modulated_reference(layer, x, w):
    """StyleGAN2's formulation: a separate, modulated and demodulated kernel per example."""
    s = layer.affine(w).numpy()
    kernel = layer.kernel.numpy() * layer.scale
    out = []
    for i in range(len(x)):
        k = kernel * s[i][None, None, :, None]
        if layer.demodulate:
            k = k / np.sqrt(np.sum(k**2, axis=(0, 1, 2), keepdims=True) + layer.epsilon)
        out.append(tf.nn.conv2d(x[i:i + 1], k, 1, "SAME").numpy())
    return np.concatenate(out) + layer.bias.numpy()


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulating_activations_equals_modulating_weights(demodulate):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5, 5, 4)).astype("float32")
    w = rng.normal(size=(3, 6)).astype("float32")
    layer = ModulatedConv2D(7, 3, demodulate=demodulate)
    y = layer(x, w).numpy()
    layer.affine.bias.assign(rng.normal(size=4).astype("float32"))  # non-trivial styles
    layer.bias.assign(rng.normal(size=7).astype("float32"))
    y = layer(x, w).numpy()
    np.testing.assert_allclose(y, _weight_modulated_reference(layer, x, w), atol=1e-4)


def test_demodulation_gives_unit_variance_outputs():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 16, 16, 32)).astype("float32")
    w = rng.normal(size=(4, 8)).astype("float32") * 5
    y = ModulatedConv2D(16, 3, use_bias=False)(x, w).numpy()
    interior = y[:, 1:-1, 1:-1]
    assert 0.8 < interior.std() < 1.2


def test_styles_change_outputs_per_example():
    layer = ModulatedConv2D(2, 1, demodulate=False, use_bias=False)
    x = np.ones((2, 2, 2, 3), "float32")
    w = np.stack([np.zeros(4), np.ones(4)]).astype("float32")
    layer(x, w)
    layer.affine.kernel.assign(np.ones((4, 3), "float32"))
    y = layer(x, w).numpy()
    assert not np.allclose(y[0], y[1])
    clone = ModulatedConv2D.from_config(layer.get_config())
    clone(x, w)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x, w), y, atol=1e-6)


def test_noise_injection_starts_silent_and_scales_per_channel():
    layer = NoiseInjection()
    x = np.zeros((2, 3, 3, 4), "float32")
    noise = np.random.default_rng(2).normal(size=(2, 3, 3, 1)).astype("float32")
    np.testing.assert_array_equal(layer(x, noise), x)
    layer.strength.assign(np.arange(4, dtype="float32"))
    np.testing.assert_allclose(layer(x, noise), noise * np.arange(4), rtol=1e-6)


def test_constant_input_repeats_one_learned_tensor():
    layer = ConstantInput((4, 4, 3))
    y = layer(np.zeros((5, 7), "float32")).numpy()
    assert y.shape == (5, 4, 4, 3)
    np.testing.assert_array_equal(y[0], y[4])
    np.testing.assert_array_equal(y[0], layer.constant.numpy())
    assert ConstantInput.from_config(layer.get_config()).shape == (4, 4, 3)
    with pytest.raises(ValueError, match="shape"):
        ConstantInput((4, 0))
