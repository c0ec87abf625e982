"""Each adversarial loss against its textbook formula, written with numpy."""

import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen.losses import adversarial

LOGITS = np.array([-3.0, -0.5, 0.0, 0.7, 4.0], "float32")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_of(value):
    return ops.convert_to_numpy(value)


@pytest.mark.parametrize("label", [1.0, 0.0, 0.9])
def test_cross_entropy_discriminator_is_binary_cross_entropy(label):
    labels = np.full_like(LOGITS, label)
    p = sigmoid(LOGITS)
    expected = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    got = numpy_of(adversarial.cross_entropy_discriminator_loss(LOGITS[:, None], labels))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_generator_losses_match_formulas():
    p = sigmoid(LOGITS)
    np.testing.assert_allclose(numpy_of(adversarial.non_saturating_generator_loss(LOGITS)),
                               -np.log(p), rtol=1e-5)
    np.testing.assert_allclose(numpy_of(adversarial.minimax_generator_loss(LOGITS)),
                               np.log(1 - p), rtol=1e-5)
    np.testing.assert_allclose(numpy_of(adversarial.wasserstein_generator_loss(LOGITS)),
                               -LOGITS)
    np.testing.assert_allclose(numpy_of(adversarial.least_squares_generator_loss(LOGITS)),
                               0.5 * (LOGITS - 1) ** 2, rtol=1e-6)


def test_wasserstein_hinge_and_least_squares_discriminators():
    real, fake = np.ones_like(LOGITS), np.zeros_like(LOGITS)
    wd = adversarial.wasserstein_discriminator_loss
    np.testing.assert_allclose(numpy_of(wd(LOGITS, real)), -LOGITS)
    np.testing.assert_allclose(numpy_of(wd(LOGITS, fake)), LOGITS)
    hd = adversarial.hinge_discriminator_loss
    np.testing.assert_allclose(numpy_of(hd(LOGITS, real)), np.maximum(0, 1 - LOGITS))
    np.testing.assert_allclose(numpy_of(hd(LOGITS, fake)), np.maximum(0, 1 + LOGITS))
    ld = adversarial.least_squares_discriminator_loss
    np.testing.assert_allclose(numpy_of(ld(LOGITS, real)), 0.5 * (LOGITS - 1) ** 2, rtol=1e-6)
    np.testing.assert_allclose(numpy_of(ld(LOGITS, fake)), 0.5 * LOGITS ** 2, rtol=1e-6)


def test_cross_entropy_is_stable_for_large_logits():
    big = np.array([-200.0, 200.0], "float32")
    got = numpy_of(adversarial.cross_entropy_discriminator_loss(big, np.array([1.0, 0.0])))
    np.testing.assert_allclose(got, [200.0, 200.0], rtol=1e-5)


def test_losses_are_registered_by_name():
    for name in ("non_saturating", "minimax", "wasserstein", "hinge", "least_squares"):
        loss = kg.losses.get(name)
        assert isinstance(loss, kg.losses.AdversarialLoss)
        assert ops.convert_to_numpy(loss.generator(LOGITS)).shape == (5,)
    assert kg.losses.get("least_squares").threshold == 0.5
    assert not kg.losses.get("hinge").allows_smoothing
    with pytest.raises(ValueError, match="hinge"):
        kg.losses.get("hinje")
