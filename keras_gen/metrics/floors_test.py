"""Sanity floors of the metrics with the shipped digit classifier on the fixed MNIST split."""

import numpy as np
import pytest

import keras_gen as kg


@pytest.fixture(scope="module")
def digits():
    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, y_test = kg.data.load_arrays("mnist", "test")
    noise = np.random.default_rng(0).uniform(size=x_test.shape).astype("float32")
    return {
        "train": kg.metrics.extract_features(x_train),
        "test": kg.metrics.extract_features(x_test),
        "noise": kg.metrics.extract_features(noise),
        "x_test": x_test,
        "y_test": y_test,
    }


def test_shipped_classifier_is_accurate_and_hash_checked():
    spec = kg.zoo.get("digit_classifier")
    model = kg.metrics.digit_classifier()
    assert kg.metrics.digit_classifier() is model  # cached per process
    result = spec.evaluate(model, spec)
    assert result["test_accuracy"] >= 0.98
    assert result["test_accuracy"] == pytest.approx(
        kg.zoo.metadata("digit_classifier")["metrics"]["test_accuracy"])


def test_train_and_test_digits_are_close(digits):
    assert kg.metrics.frechet_distance(digits["train"], digits["test"], features=None) < 5


def test_noise_is_far_from_digits(digits):
    assert kg.metrics.frechet_distance(digits["test"], digits["noise"], features=None) > 100


def test_digit_features_take_images_directly(digits):
    images = digits["x_test"][:300]
    from_images = kg.metrics.frechet_distance(images, np.pad(
        digits["x_test"][300:600], ((0, 0), (2, 2), (2, 2), (0, 0))))
    from_features = kg.metrics.frechet_distance(digits["test"][:300], digits["test"][300:600],
                                                features=None)
    assert from_images == pytest.approx(from_features, rel=1e-4)


def test_mode_coverage_of_test_digits_and_of_ones(digits):
    everything = kg.metrics.mode_coverage(digits["x_test"])
    assert everything["classes_covered"] == 10 and everything["entropy"] > 0.99
    ones = kg.metrics.mode_coverage(digits["x_test"][digits["y_test"] == 1])
    assert ones["classes_covered"] == 1 and ones["entropy"] < 0.1


def test_kid_of_a_set_with_itself_is_about_zero(digits):
    itself = kg.metrics.kid(digits["test"], digits["test"], features=None, num_subsets=20)
    noise = kg.metrics.kid(digits["test"], digits["noise"], features=None, num_subsets=20)
    assert abs(itself["mean"]) < 1e-3 * noise["mean"]
