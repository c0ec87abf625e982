"""DigitClassifier: input handling, features, augmentation, config and saving."""

import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing
from keras_gen.models.classifier import DigitClassifier, to_core_images
from keras_gen.models.classifier.presets import CosineEpochDecay


@pytest.fixture(scope="module")
def tiny():
    return DigitClassifier(filters=(4, 8), feature_dim=8, seed=1)


def test_padded_32_is_cropped_back_and_other_sizes_are_resized():
    x = np.random.default_rng(0).uniform(size=(3, 28, 28, 1)).astype("float32")
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
    np.testing.assert_array_equal(np.asarray(to_core_images(padded)), x)
    np.testing.assert_array_equal(np.asarray(to_core_images(x[..., 0])), x)
    assert tuple(to_core_images(np.zeros((2, 14, 14, 1), "float32")).shape) == (2, 28, 28, 1)
    with pytest.raises(ValueError, match=r"grey images .* got shape \(2, 28, 28, 3\)"):
        to_core_images(np.zeros((2, 28, 28, 3), "float32"))


def test_outputs_features_and_labels(tiny):
    x = tiny.example_call_inputs(5)
    probabilities = np.asarray(tiny(x))
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    features = np.asarray(tiny.features(x))
    assert features.shape == (5, 8) and features.min() >= 0.0
    np.testing.assert_array_equal(tiny.classify(x, batch_size=2), probabilities.argmax(axis=1))
    padded = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0)))
    np.testing.assert_allclose(np.asarray(tiny.features(padded)), features, rtol=1e-6)


def test_augmentation_only_while_training(tiny):
    x = kg.data.load_arrays("mnist", "test")[0][:4]
    np.testing.assert_array_equal(np.asarray(tiny.augmenter(x, training=False)), x)
    moved = np.asarray(tiny.augmenter(x, training=True))
    assert moved.shape == x.shape and not np.allclose(moved, x)
    np.testing.assert_array_equal(np.asarray(tiny(x)), np.asarray(tiny(x)))
    plain = DigitClassifier(filters=(4,), feature_dim=4, augment=False)
    assert plain.augmenter is None


def test_trains_on_labels_and_round_trips(tmp_path):
    model = DigitClassifier(filters=(4, 8), feature_dim=8, seed=2)
    testing.run_serialization_test(model)
    model.compile()
    x, y = kg.data.load_arrays("mnist", "train")
    history = model.fit(x[:64], y[:64], batch_size=32, epochs=1, verbose=0)
    assert {"loss", "accuracy"} <= set(history.history)
    testing.run_model_saving_test(model, x[:4], directory=str(tmp_path))


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="filters must not be empty"):
        DigitClassifier(filters=())
    with pytest.raises(ValueError, match="at most 4 stages"):
        DigitClassifier(filters=(4, 4, 4, 4, 4))
    with pytest.raises(ValueError, match=r"dropout must be in \[0.0, 1.0\)"):
        DigitClassifier(dropout=1.0)
    with pytest.raises(ValueError, match="augment must be True or False"):
        DigitClassifier(augment="yes")
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        DigitClassifier(num_classes=1)


def test_cosine_schedule_runs_from_initial_to_final():
    schedule = CosineEpochDecay(initial=1e-3, final=1e-5)
    assert schedule.rate(0, 10) == pytest.approx(1e-3)
    assert schedule.rate(9, 10) == pytest.approx(1e-5)
    assert 1e-5 < schedule.rate(5, 10) < 1e-3
    with pytest.raises(ValueError, match="0 < final <= initial"):
        CosineEpochDecay(initial=1e-5, final=1e-3)
