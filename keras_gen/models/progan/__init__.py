"""ProGAN: progressive growing of GANs, 4x4 to full resolution inside one `fit`."""

from keras_gen.models.progan import presets  # noqa: F401  (registers progan_mnist_32)
from keras_gen.models.progan.model import ProGAN
from keras_gen.models.progan.networks import ProGANGenerator

__all__ = ["ProGAN", "ProGANGenerator"]
