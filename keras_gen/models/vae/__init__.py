"""Variational autoencoders (dense and convolutional) trained on the ELBO."""

from keras_gen.models.vae import presets  # noqa: F401  (registers the presets)
from keras_gen.models.vae.model import VAE

__all__ = ["VAE"]
