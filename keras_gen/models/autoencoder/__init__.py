"""Dense autoencoders (stacked, under/overcomplete, tied, denoising, sparse) and the
base and network builders shared with the convolutional, recurrent and variational
families."""

from keras_gen.models.autoencoder import presets  # noqa: F401  (registers the presets)
from keras_gen.models.autoencoder.base import AutoencoderBase
from keras_gen.models.autoencoder.model import Autoencoder

__all__ = ["Autoencoder", "AutoencoderBase"]
