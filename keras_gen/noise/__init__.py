"""Input corruption for denoising autoencoders (applied in training only).

    ae = kg.models.Autoencoder((28, 28, 1), code_dim=30, noise=kg.noise.Gaussian(0.3))
    ae = kg.models.Autoencoder((28, 28, 1), code_dim=30, noise=kg.noise.Mask(0.5))
"""

from keras_gen.noise.corruption import Gaussian, Mask, Noise, get, serialize

__all__ = ["Gaussian", "Mask", "Noise", "get", "serialize"]
