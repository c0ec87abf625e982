"""Recurrent autoencoder: sequence-to-vector encoder, vector-to-sequence decoder."""

from keras_gen.models.recurrent import presets  # noqa: F401  (registers the presets)
from keras_gen.models.recurrent.model import RecurrentAutoencoder

__all__ = ["RecurrentAutoencoder"]
