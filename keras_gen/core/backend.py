"""Refuse to import under a Keras backend keras_gen does not run on.

keras_gen trains on the TensorFlow and JAX backends (`keras_gen.core.autodiff`
has one adapter for each); the PyTorch backend has none yet, and failing at
import time with the variable to change beats an obscure error deep inside
`fit`. Which families train on JAX is each model class's `TRAINS_ON` (the
GAN families still train on TensorFlow only).

The check costs nothing when Keras is not imported yet: it reads the two places
Keras itself takes its backend from (`KERAS_BACKEND`, then `keras.json` in
`$KERAS_HOME` or `~/.keras`), so `import keras_gen` stays light (the command
line's help and `list` never import TensorFlow). Once Keras is imported, Keras
is asked directly.
"""

import json
import os
import sys

SUPPORTED_BACKENDS = ("tensorflow", "jax")
DEFAULT_BACKEND = "tensorflow"


def _configured_backend():
    """The backend Keras will pick when imported: `KERAS_BACKEND`, else `keras.json`."""
    requested = os.environ.get("KERAS_BACKEND")
    if requested:
        return requested
    if "KERAS_HOME" in os.environ:
        keras_dir = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        keras_dir = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(os.path.expanduser(keras_dir), "keras.json")) as file:
            backend = json.load(file).get("backend")
    except (OSError, ValueError, AttributeError):
        backend = None
    return backend or DEFAULT_BACKEND


def check_backend():
    """Raise `ImportError` unless Keras runs (or will run) on a supported backend."""
    keras = sys.modules.get("keras")
    actual = keras.backend.backend() if keras is not None else _configured_backend()
    if actual not in SUPPORTED_BACKENDS:
        where = ("KERAS_BACKEND" if os.environ.get("KERAS_BACKEND")
                 else "KERAS_BACKEND or ~/.keras/keras.json")
        raise ImportError(
            f"keras_gen runs on the Keras backends {list(SUPPORTED_BACKENDS)}, but Keras "
            f"is using {actual!r} (from {where}); PyTorch is not supported yet. Set "
            "KERAS_BACKEND=tensorflow or KERAS_BACKEND=jax before importing keras_gen.")
