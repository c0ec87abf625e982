"""The digit classifier: the feature space and class oracle of `kg.metrics`."""

from keras_gen.models.classifier import presets  # noqa: F401  (registers the preset)
from keras_gen.models.classifier.model import DigitClassifier, to_core_images

__all__ = ["DigitClassifier", "to_core_images"]
