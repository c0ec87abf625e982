"""The GAN core: two-phase adversarial training that DCGAN, ProGAN and StyleGAN share."""

from keras_gen.models.gan.model import GAN

__all__ = ["GAN"]
