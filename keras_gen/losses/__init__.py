"""Losses looked up by name: `kg.losses.get("mse")`, `kg.losses.get("hinge")`.

Reconstruction losses return one value per example. Adversarial losses (added
by the GAN family) are pure functions of discriminator outputs.
"""

import difflib

from keras_gen.losses.reconstruction import (
    RECONSTRUCTION_LOSSES,
    binary_crossentropy,
    mean_absolute_error,
    mean_squared_error,
)

_REGISTRY = dict(RECONSTRUCTION_LOSSES)


def register(name, fn):
    """Make `fn` available as `get(name)`."""
    _REGISTRY[name] = fn


def get(name_or_fn, kind=None):
    """Return the loss function called `name_or_fn` (callables pass through).

    Args:
        name_or_fn: a registered name or a callable.
        kind: optional dict of allowed names (e.g. `RECONSTRUCTION_LOSSES`), so
            a model can refuse a loss of the wrong family with a clear error.
    """
    if callable(name_or_fn):
        return name_or_fn
    table = kind if kind is not None else _REGISTRY
    if name_or_fn in table:
        return table[name_or_fn]
    close = difflib.get_close_matches(str(name_or_fn), list(table), n=3)
    raise ValueError(
        f"unknown loss {name_or_fn!r}; expected one of {sorted(table)}"
        + (f" (did you mean {close[0]!r}?)" if close else "") + "."
    )


__all__ = ["RECONSTRUCTION_LOSSES", "binary_crossentropy", "get", "mean_absolute_error",
           "mean_squared_error", "register"]
from keras_gen.losses.adversarial import ADVERSARIAL_LOSSES, AdversarialLoss  # noqa: E402,F401
from keras_gen.losses.kl import gaussian_kl, gaussian_log_density  # noqa: E402,F401
