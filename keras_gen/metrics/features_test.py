"""Feature spaces: the InceptionV3 pipeline (random weights) and its missing-file error."""

import numpy as np
import pytest

from keras_gen import metrics
from keras_gen.metrics import features as features_module


def test_inception_preprocessing_makes_3_channel_299_images_in_signed_range():
    grey = np.linspace(0, 1, 2 * 28 * 28, dtype="float32").reshape(2, 28, 28, 1)
    x = np.asarray(metrics.InceptionFeatures.preprocess(grey))
    assert x.shape == (2, 299, 299, 3)
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    assert -1.0 <= x.min() < -0.9 and 0.9 < x.max() <= 1.0


def test_inception_features_with_random_weights():
    extractor = metrics.InceptionFeatures(random_weights=True, batch_size=2)
    grey = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype("float32")
    out = extractor(grey)
    assert out.shape == (3, 2048) and out.dtype == np.float64 and np.all(np.isfinite(out))
    assert not np.allclose(out[0], out[1])
    colour = np.repeat(grey, 3, axis=-1)
    np.testing.assert_allclose(extractor(colour), out, rtol=1e-5, atol=1e-6)


def test_missing_inception_weights_say_where_to_put_them(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    images = np.zeros((4, 28, 28, 1), "float32")
    with pytest.raises(FileNotFoundError) as info:
        metrics.frechet_distance(images, images, features="inception")
    message = str(info.value)
    assert "inception_v3_notop.weights.h5" in message and features_module.INCEPTION_URL in message
    assert "weights_path" in message


def test_inception_weights_are_found_in_keras_gen_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_GEN_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    (tmp_path / "inception_v3_notop.weights.h5").write_bytes(b"stand-in")
    assert metrics.inception_weights_path() == tmp_path / "inception_v3_notop.weights.h5"
    with pytest.raises(FileNotFoundError, match="elsewhere.h5"):
        metrics.inception_weights_path(tmp_path / "elsewhere.h5")


def test_colour_images_are_refused_by_digit_features():
    with pytest.raises(ValueError, match="grey images .* got 3 channels"):
        metrics.DigitFeatures(model=object())(np.zeros((2, 28, 28, 3), "float32"))
