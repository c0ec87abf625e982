"""The `digit_classifier` preset: trained by `tools/train_zoo.py digit_classifier`
on the 4,000 training digits and shipped in the catalogue, because the metrics
need it offline."""

import math

import keras
import numpy as np

from keras_gen.core.registry import Bound, Floor, PresetSpec, register_presets
from keras_gen.models.classifier.model import DigitClassifier


@keras.saving.register_keras_serializable(package="keras_gen")
class CosineEpochDecay(keras.callbacks.Callback):
    """Set the learning rate at each epoch's start along a half cosine.

    Goes from `initial` at the first epoch to `final` at the last one, reading
    the number of epochs from `fit`, so `train_zoo.py --epochs N` keeps a whole
    schedule.

    Args:
        initial: float. Learning rate of the first epoch. Defaults to `2e-3`.
        final: float. Learning rate of the last epoch. Defaults to `2e-5`.
    """

    def __init__(self, initial=2e-3, final=2e-5):
        super().__init__()
        if not 0 < final <= initial:
            raise ValueError(f"need 0 < final <= initial, got initial={initial!r}, "
                             f"final={final!r}.")
        self.initial, self.final = float(initial), float(final)

    def rate(self, epoch, epochs):
        progress = epoch / max(epochs - 1, 1)
        return self.final + (self.initial - self.final) * 0.5 * (1 + math.cos(math.pi * progress))

    def on_epoch_begin(self, epoch, logs=None):
        self.model.optimizer.learning_rate.assign(self.rate(epoch, self.params["epochs"]))

    def get_config(self):
        return {"initial": self.initial, "final": self.final}


def training_callbacks():
    """Callbacks of the preset's fit recipe (a fresh list per run)."""
    return [CosineEpochDecay()]


def evaluate(model, spec):
    """Accuracy on the preset's test split (the 1,000 fixed MNIST test digits).

    Returns:
        `{"test_accuracy": float in [0, 1], "test_errors": int}`.
    """
    from keras_gen import data

    options = {k: v for k, v in spec.data.items() if k != "name"}
    x, labels = data.load_arrays(spec.data["name"], "test", **options)
    predicted = model.classify(x)
    errors = int(np.sum(predicted != labels))
    return {"test_accuracy": float(1.0 - errors / len(labels)), "test_errors": errors}


register_presets(PresetSpec(
    name="digit_classifier",
    family="classifier",
    model_class=DigitClassifier,
    config={"filters": [32, 64, 128], "feature_dim": 128, "dropout": 0.3, "augment": True,
            "max_shift": 0.1, "max_rotation": 10.0, "seed": 0},
    tiny_config={"filters": [4, 8], "feature_dim": 8},
    data={"name": "mnist"},
    compile={},
    fit={"epochs": 30, "batch_size": 64, "supervised": True, "callbacks": training_callbacks},
    floor=Floor((Bound("test_accuracy", ">=", 0.98),), minutes=10.0, doc="docs/evaluation.md"),
    description="small CNN on the 4,000 training digits; the feature space of kg.metrics",
    evaluate=evaluate,
    headline_metric="test_accuracy",
))
