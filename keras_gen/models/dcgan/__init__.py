"""DCGAN: deep convolutional generator and discriminator on the GAN core; presets."""

from keras_gen.models.dcgan import presets  # noqa: F401  (registers dcgan_mnist_28)
from keras_gen.models.dcgan.model import DCGAN

__all__ = ["DCGAN"]
