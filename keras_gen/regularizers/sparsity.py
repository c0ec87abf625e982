"""Sparsity penalties on an autoencoder's code, added to its training loss.

Each penalty maps a code batch `(batch, ...)` to a per-example penalty
`(batch,)`, so the model averages it over the batch like its other loss terms
(and `tf.distribute` scaling stays correct).
"""

import keras
from keras import ops

from keras_gen.core import config_objects, validation
from keras_gen.core.config_objects import ConfigObject

EPSILON = 1e-7


def _check_weight(owner, weight):
    return validation.check_number(weight, f"{owner}: weight", inclusive_low=True)


def _flat(code):
    code = ops.cast(code, "float32")
    return ops.reshape(code, (ops.shape(code)[0], -1))


@keras.saving.register_keras_serializable(package="keras_gen")
class ActivityPenalty(ConfigObject):
    """Base class of code penalties.

    Attributes:
        requires_unit_interval: True if the penalty only makes sense for codes
            in (0, 1) (a sigmoid code); the model checks this at construction.
    """

    requires_unit_interval = False

    def __call__(self, code):
        """Per-example penalty `(batch,)` of a code batch `(batch, ...)`."""
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(code).")



@keras.saving.register_keras_serializable(package="keras_gen")
class L1Activity(ActivityPenalty):
    """L1 activity penalty: `weight * sum_j |code_j|` per example.

    Pushes most code units to exactly zero for each input (works with any
    code activation; with ReLU or linear codes it gives sparse codes).

    Args:
        weight: float >= 0. Multiplier of the summed absolute activations.
            Defaults to `1e-4`.
    """

    def __init__(self, weight=1e-4):
        self.weight = _check_weight("L1Activity", weight)

    def __call__(self, code):
        return self.weight * ops.sum(ops.abs(_flat(code)), axis=-1)

    def get_config(self):
        return {"weight": self.weight}


@keras.saving.register_keras_serializable(package="keras_gen")
class KLSparsity(ActivityPenalty):
    """KL-divergence sparsity: each code unit should be active at rate `target`.

    With `p` the target and `q_j` the mean activation of code unit `j` over
    the batch, the penalty is

        weight * sum_j [ p log(p / q_j) + (1 - p) log((1 - p) / (1 - q_j)) ]

    the KL divergence between Bernoulli(p) and Bernoulli(q_j), summed over
    units. It is a batch statistic, returned once per example (every entry of
    the `(batch,)` result is the same), so its batch mean is the formula above.
    The code must lie in (0, 1): use `code_activation="sigmoid"`.

    Args:
        target: float in (0, 1). Target mean activation of each unit.
            Defaults to `0.1`.
        weight: float >= 0. Multiplier of the summed KL. Defaults to `1e-3`.

    Reference:
        Ng, "Sparse autoencoder", CS294A lecture notes (2011).
    """

    requires_unit_interval = True

    def __init__(self, target=0.1, weight=1e-3):
        if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0 < target < 1:
            raise ValueError(f"KLSparsity: target must be a number in (0, 1), got {target!r}.")
        self.target = float(target)
        self.weight = _check_weight("KLSparsity", weight)

    def __call__(self, code):
        flat = _flat(code)
        rate = ops.clip(ops.mean(flat, axis=0), EPSILON, 1.0 - EPSILON)
        p = self.target
        kl = p * ops.log(p / rate) + (1.0 - p) * ops.log((1.0 - p) / (1.0 - rate))
        return self.weight * ops.sum(kl) * ops.ones((ops.shape(flat)[0],), "float32")

    def get_config(self):
        return {"target": self.target, "weight": self.weight}


def get(identifier):
    """A penalty from None, an `ActivityPenalty`, or its serialized dict."""
    return config_objects.get(identifier, ActivityPenalty, "sparsity",
                              "a keras_gen sparsity penalty "
                       "(kg.regularizers.L1Activity(weight), "
                       "kg.regularizers.KLSparsity(target, weight))")


def serialize(penalty):
    """The JSON-ready config of a penalty (None stays None)."""
    return config_objects.serialize(penalty)
