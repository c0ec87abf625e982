"""Mode coverage from labels and from a classifier callable."""

import numpy as np
import pytest

from keras_gen import metrics


def test_even_classes_cover_everything_with_full_entropy():
    result = metrics.mode_coverage_from_labels(np.repeat(np.arange(10), 30))
    assert result["classes_covered"] == 10 and result["entropy"] == pytest.approx(1.0)
    assert result["histogram"] == [30] * 10 and result["num_classes"] == 10


def test_single_class_is_one_mode_with_zero_entropy():
    result = metrics.mode_coverage_from_labels(np.ones(50, "int64"))
    assert result["classes_covered"] == 1 and str(result["entropy"]) == "0.0"
    assert result["histogram"][1] == 50 and sum(result["histogram"]) == 50


def test_classes_below_the_threshold_do_not_count():
    labels = np.concatenate([np.zeros(98, "int64"), [1]])  # class 1 holds ~1%
    assert metrics.mode_coverage_from_labels(labels)["classes_covered"] == 1
    assert metrics.mode_coverage_from_labels(labels, threshold=0.01)["classes_covered"] == 2


def test_callable_classifier_with_probabilities_or_labels():
    images = np.random.default_rng(0).uniform(size=(40, 4, 4, 1)).astype("float32")

    def probabilities(x):
        return np.eye(4)[(x.mean(axis=(1, 2, 3)) > 0.5).astype(int) * 3]

    result = metrics.mode_coverage(images, classifier=probabilities)
    assert result["num_classes"] == 4 and result["histogram"][1:3] == [0, 0]
    assert sum(result["histogram"]) == 40
    labels = metrics.mode_coverage(images, classifier=lambda x: np.zeros(len(x), int),
                                   num_classes=3)
    assert labels["classes_covered"] == 1 and labels["num_classes"] == 3
    with pytest.raises(ValueError, match="num_classes is needed"):
        metrics.mode_coverage(images, classifier=lambda x: np.zeros(len(x), int))


def test_label_errors():
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        metrics.mode_coverage_from_labels(np.array([0, 10]))
    with pytest.raises(ValueError, match="threshold must be in"):
        metrics.mode_coverage_from_labels(np.array([0, 1]), threshold=2.0)
