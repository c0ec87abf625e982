"""Argument handling of `kg.models.GAN`: defaults, conversions and checks."""

import keras
import numpy as np

from keras_gen.layers.minibatch import MinibatchDiscrimination, MinibatchStdDev
from keras_gen.replay.buffer import ReplayBuffer

BATCH_DEPENDENT_LAYERS = (keras.layers.BatchNormalization, MinibatchDiscrimination,
                          MinibatchStdDev)
DEFAULT_LEARNING_RATE = 2e-4
DEFAULT_BETA_1 = 0.5
REFUSED_COMPILE_ARGS = {
    "optimizer": "a GAN has two optimizers: pass g_optimizer= and d_optimizer=",
    "metrics": "GAN.train_step logs its own metrics (d_loss, g_loss, d_real_acc, "
               "d_fake_acc); measure sample quality with a callback",
    "weighted_metrics": "GAN.train_step logs its own metrics",
    "loss_weights": "use gradient_penalty= and r1_gamma= to weight the regularizers",
}


def non_negative(value, name):
    """A finite float >= 0 (penalty weights), or a ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def sublayers(layer):
    """`layer` and every layer nested in it (through `.layers` of models)."""
    found = [layer]
    for child in getattr(layer, "layers", []) or []:
        found += sublayers(child)
    return found


def _default_optimizer(name):
    return keras.optimizers.Adam(DEFAULT_LEARNING_RATE, beta_1=DEFAULT_BETA_1, name=name)


def as_optimizer(value, name):
    """An optimizer from an instance, a name, a config dict, or None (the default Adam)."""
    if value is None:
        return _default_optimizer(name)
    if isinstance(value, keras.optimizers.Optimizer):
        return value
    if isinstance(value, (str, dict)):
        try:
            return keras.optimizers.get(value)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{name}: could not make an optimizer from {value!r} ({error}).") \
                from None
    raise ValueError(
        f"{name} must be a keras.optimizers.Optimizer, its name or config, or None (Adam "
        f"{DEFAULT_LEARNING_RATE}, beta_1={DEFAULT_BETA_1}); got {type(value).__name__}.")


def as_replay(replay):
    """A `ReplayBuffer` (or None) from a buffer, a serialized buffer or a dict of arguments."""
    if replay is None or isinstance(replay, ReplayBuffer):
        return replay
    if isinstance(replay, dict):
        if "class_name" in replay:
            return keras.saving.deserialize_keras_object(replay)
        return ReplayBuffer(**replay)
    raise ValueError(
        "replay must be a kg.replay.ReplayBuffer, a dict of its arguments (e.g. "
        f"{{'capacity': 1024, 'ratio': 0.5}}) or None; got {type(replay).__name__}.")
