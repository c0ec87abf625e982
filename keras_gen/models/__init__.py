"""Model families. Importing this package registers every family's presets.

Each family lives in its own folder (model, networks, presets, search space)
and exports its public classes here.
"""

from keras_gen.models.base import GenerativeModel, ReconstructionModel
from keras_gen.models.classifier import DigitClassifier

__all__ = ["GenerativeModel", "ReconstructionModel"]
__all__ += ["DigitClassifier"]
from keras_gen.models.gan import GAN  # noqa: E402,F401
