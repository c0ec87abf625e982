"""Metrics of generated images: Frechet distance, KID, precision/recall, mode coverage.

    x_test, _ = kg.data.load_arrays("mnist", "test")
    fake = model.generate(1000, seed=0)
    kg.metrics.frechet_distance(x_test, fake)          # digit-classifier features
    kg.metrics.kid(x_test, fake)                       # {"mean", "std", ...}
    kg.metrics.precision_recall(x_test, fake, k=3)     # {"precision", "recall"}
    kg.metrics.mode_coverage(fake)                     # {"classes_covered", "histogram", "entropy"}

Images are NHWC in [0, 1]. See docs/evaluation.md.
"""

from keras_gen.metrics.coverage import mode_coverage, mode_coverage_from_labels
from keras_gen.metrics.features import (
    DigitFeatures,
    InceptionFeatures,
    digit_classifier,
    extract_features,
    inception_weights_path,
)
from keras_gen.metrics.frechet import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_stats,
)
from keras_gen.metrics.kernel_distance import kid, kid_from_features
from keras_gen.metrics.knn_manifolds import precision_recall, precision_recall_from_features

__all__ = ["DigitFeatures", "InceptionFeatures", "digit_classifier", "extract_features",
           "feature_statistics", "frechet_distance", "frechet_distance_from_stats",
           "inception_weights_path", "kid", "kid_from_features", "mode_coverage",
           "mode_coverage_from_labels", "precision_recall", "precision_recall_from_features"]
