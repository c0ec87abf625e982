"""Refuse to import under a Keras backend other than TensorFlow.

keras_gen's train steps use `tf.GradientTape`, `tf.distribute` and the TFLite
converter, so a JAX or PyTorch backend cannot run them. Failing at import time,
with the variable to change, beats an obscure error deep inside `fit`.
"""

import os

REQUIRED_BACKEND = "tensorflow"


def check_backend():
    """Raise `ImportError` unless Keras runs on the TensorFlow backend."""
    requested = os.environ.get("KERAS_BACKEND")
    if requested and requested != REQUIRED_BACKEND:
        raise ImportError(
            f"keras_gen needs the TensorFlow backend of Keras, but KERAS_BACKEND="
            f"{requested!r}. Set KERAS_BACKEND=tensorflow (or unset it) before "
            "importing keras_gen."
        )
    import keras

    actual = keras.backend.backend()
    if actual != REQUIRED_BACKEND:
        raise ImportError(
            f"keras_gen needs the TensorFlow backend of Keras, but Keras is using "
            f"{actual!r} (from KERAS_BACKEND or ~/.keras/keras.json). Set "
            "KERAS_BACKEND=tensorflow before importing keras_gen."
        )
