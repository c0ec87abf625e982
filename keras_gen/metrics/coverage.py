"""Mode coverage: which classes a generator produces, and how evenly.

A classifier labels each generated image; the class histogram shows mode
collapse directly (a GAN that draws only ones covers 1 of 10 classes).
"""

import numpy as np

from keras_gen.core import validation
from keras_gen.metrics import _checks
from keras_gen.metrics.features import digit_classifier


def _labels_of(images, classifier, num_classes):
    if classifier == "digits":
        if images.shape[-1] != 1:
            raise ValueError(f"the digit classifier takes grey images, got shape {images.shape}.")
        model = digit_classifier()
        return model.classify(images), num_classes or model.num_classes
    if not callable(classifier):
        raise ValueError(f"classifier must be 'digits' or a callable images -> labels (N,) or "
                         f"class probabilities (N, K), got {classifier!r}.")
    out = np.asarray(classifier(images))
    if out.ndim == 2:
        return out.argmax(axis=1), num_classes or out.shape[1]
    if out.ndim != 1 or len(out) != len(images):
        raise ValueError(f"the classifier must return labels ({len(images)},) or probabilities "
                         f"({len(images)}, K), got shape {out.shape}.")
    if num_classes is None:
        raise ValueError("num_classes is needed when the classifier returns labels.")
    return out.astype("int64"), num_classes


def mode_coverage_from_labels(labels, num_classes=10, threshold=0.02):
    """Coverage statistics of predicted class labels `(N,)`; see `mode_coverage`."""
    labels = np.asarray(labels)
    num_classes = validation.check_positive_int(num_classes, "num_classes")
    threshold = validation.check_fraction(threshold, "threshold")
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError(f"labels must be a non-empty 1-D array, got shape {labels.shape}.")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in [0, {num_classes}), got values in "
                         f"[{labels.min()}, {labels.max()}].")
    histogram = np.bincount(labels.astype("int64"), minlength=num_classes)
    fractions = histogram / histogram.sum()
    present = fractions[fractions > 0]
    entropy = float(-(present * np.log(present)).sum() / np.log(num_classes))
    return {
        "classes_covered": int((fractions >= threshold).sum()),
        "histogram": histogram.tolist(),
        "entropy": float(np.clip(entropy, 0.0, 1.0)) + 0.0,  # + 0.0 turns -0.0 into 0.0
        "num_classes": num_classes,
    }


def mode_coverage(images, classifier="digits", threshold=0.02, num_classes=None):
    """How many classes a set of (generated) images covers, and how evenly.

    Args:
        images: images `(N, H, W, C)` in [0, 1] (grey 28x28 or 32x32 for
            "digits").
        classifier: "digits" (the shipped digit classifier) or a callable
            `images -> labels (N,)` or `-> probabilities (N, K)`.
        threshold: float. Smallest share of the samples a class must hold to
            count as covered. Defaults to `0.02` (2%).
        num_classes: int. Number of classes; taken from the classifier when
            None (required for a callable that returns labels).

    Returns:
        dict: `classes_covered` (int), `histogram` (list of counts per class),
        `entropy` (of the class shares, divided by log(num_classes): 1 is
        perfectly even, 0 a single class), `num_classes`.
    """
    images = _checks.check_images(images)
    labels, num_classes = _labels_of(images, classifier, num_classes)
    return mode_coverage_from_labels(labels, num_classes, threshold)
