"""Improved precision and recall: exact cases, mode dropping, brute-force agreement."""

import numpy as np
import pytest

from keras_gen import metrics
from keras_gen.metrics import knn_manifolds as pr


def test_identical_sets_have_full_precision_and_recall():
    x = np.random.default_rng(0).normal(size=(100, 5))
    assert metrics.precision_recall(x, x, features=None) == {"precision": 1.0, "recall": 1.0}


def test_far_away_samples_have_zero_precision_and_recall():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 5))
    assert metrics.precision_recall(x, x + 100.0, features=None) == {"precision": 0.0,
                                                                      "recall": 0.0}


def test_dropping_a_mode_lowers_recall_not_precision():
    rng = np.random.default_rng(2)
    real = np.concatenate([rng.normal(size=(200, 4)), rng.normal(size=(200, 4)) + 20.0])
    fake = rng.normal(size=(400, 4))  # only the first mode
    result = metrics.precision_recall(real, fake, features=None)
    assert result["precision"] > 0.9
    assert 0.4 < result["recall"] < 0.6


def test_matches_a_brute_force_computation():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(40, 3)), rng.normal(size=(30, 3)) * 1.3 + 0.2

    def brute(manifold, queries, k):
        dist = np.linalg.norm(manifold[:, None] - manifold[None], axis=-1)
        radii = np.sort(dist, axis=1)[:, k]
        to_manifold = np.linalg.norm(queries[:, None] - manifold[None], axis=-1)
        return float((to_manifold <= radii[None]).any(axis=1).mean())

    result = metrics.precision_recall(real, fake, k=3, features=None)
    assert result["precision"] == pytest.approx(brute(real, fake, 3))
    assert result["recall"] == pytest.approx(brute(fake, real, 3))


def test_knn_radii_works_across_chunks(monkeypatch):
    x = np.random.default_rng(4).normal(size=(25, 3))
    whole = pr.knn_radii(x, 2)
    monkeypatch.setattr(pr, "CHUNK", 7)
    np.testing.assert_allclose(pr.knn_radii(x, 2), whole)


def test_too_few_samples_for_k():
    x = np.zeros((3, 2))
    with pytest.raises(ValueError, match="at least 4 rows"):
        metrics.precision_recall(x, x, k=3, features=None)
