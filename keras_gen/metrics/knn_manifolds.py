"""Improved precision and recall of a generative model (k-NN manifolds).

Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for Assessing
Generative Models": each set's manifold is the union of balls centred on its
samples, with radius the distance to the sample's k-th nearest neighbour in
the same set. Precision is the fraction of generated samples inside the real
manifold (quality); recall the fraction of real samples inside the generated
manifold (diversity).
"""

import numpy as np

from keras_gen.core import validation
from keras_gen.metrics import _checks
from keras_gen.metrics.features import extract_features

CHUNK = 1024


def _squared_distances(a, b):
    """Pairwise squared Euclidean distances `(len(a), len(b))`, never negative."""
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def knn_radii(features, k):
    """Squared distance of each sample to its k-th nearest other sample, `(N,)`."""
    radii = np.empty(len(features))
    for start in range(0, len(features), CHUNK):
        block = _squared_distances(features[start:start + CHUNK], features)
        # Column k of the sorted row: column 0 is the sample itself (distance 0).
        radii[start:start + CHUNK] = np.partition(block, k, axis=1)[:, k]
    return radii


def manifold_membership(manifold, radii, queries):
    """For each query, whether it lies in some ball `|q - m_i|^2 <= radii_i`, `(Q,)` bool."""
    inside = np.zeros(len(queries), bool)
    for start in range(0, len(queries), CHUNK):
        block = _squared_distances(queries[start:start + CHUNK], manifold)
        inside[start:start + CHUNK] = (block <= radii[None, :]).any(axis=1)
    return inside


def precision_recall_from_features(real, fake, k=3):
    """Precision and recall of feature matrices `(N, d)` and `(M, d)`; see `precision_recall`."""
    k = validation.check_positive_int(k, "k")
    real = _checks.check_features(real, "real", min_count=k + 1)
    fake = _checks.check_features(fake, "fake", min_count=k + 1)
    _checks.check_same_width(real, fake)
    precision = manifold_membership(real, knn_radii(real, k), fake).mean()
    recall = manifold_membership(fake, knn_radii(fake, k), real).mean()
    return {"precision": float(precision), "recall": float(recall)}


def precision_recall(real, fake, k=3, features="digits"):
    """Improved precision and recall (k-nearest-neighbour manifolds).

    Args:
        real: images `(N, H, W, C)` in [0, 1], or features with `features=None`.
        fake: images (or features) `(M, ...)`; use about as many as `real`.
        k: int. Neighbour whose distance sets each ball's radius (the paper
            uses 3). Defaults to `3`.
        features: "digits", "inception", a callable, or None.

    Returns:
        dict: `precision` and `recall`, each in [0, 1] (higher is better).
    """
    return precision_recall_from_features(extract_features(real, features, "real"),
                                          extract_features(fake, features, "fake"), k)
