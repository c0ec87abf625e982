"""Refuse to import under a Keras backend other than TensorFlow.

keras_gen's train steps use `tf.GradientTape`, `tf.distribute` and the TFLite
converter, so a JAX or PyTorch backend cannot run them. Failing at import time,
with the variable to change, beats an obscure error deep inside `fit`.

The check costs nothing when Keras is not imported yet: it reads the two places
Keras itself takes its backend from (`KERAS_BACKEND`, then `keras.json` in
`$KERAS_HOME` or `~/.keras`), so `import keras_gen` stays light (the command
line's help and `list` never import TensorFlow). Once Keras is imported, Keras
is asked directly.
"""

import json
import os
import sys

REQUIRED_BACKEND = "tensorflow"


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
    return backend or REQUIRED_BACKEND


def check_backend():
    """Raise `ImportError` unless Keras runs (or will run) on the TensorFlow backend."""
    requested = os.environ.get("KERAS_BACKEND")
    if requested and requested != REQUIRED_BACKEND:
        raise ImportError(
            f"keras_gen needs the TensorFlow backend of Keras, but KERAS_BACKEND="
            f"{requested!r}. Set KERAS_BACKEND=tensorflow (or unset it) before "
            "importing keras_gen."
        )
    keras = sys.modules.get("keras")
    actual = keras.backend.backend() if keras is not None else _configured_backend()
    if actual != REQUIRED_BACKEND:
        raise ImportError(
            f"keras_gen needs the TensorFlow backend of Keras, but Keras is using "
            f"{actual!r} (from KERAS_BACKEND or ~/.keras/keras.json). Set "
            "KERAS_BACKEND=tensorflow before importing keras_gen."
        )
