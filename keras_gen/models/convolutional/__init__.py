"""Convolutional autoencoder: stride-2 convolutions down, transposed convolutions up."""

from keras_gen.models.convolutional import presets  # noqa: F401  (registers the presets)
from keras_gen.models.convolutional.model import ConvAutoencoder

__all__ = ["ConvAutoencoder"]
