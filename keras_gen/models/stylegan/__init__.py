"""StyleGAN: mapping network, style-modulated synthesis, noise, style mixing, truncation."""

from keras_gen.models.stylegan import presets  # noqa: F401  (registers stylegan_mnist_32)
from keras_gen.models.stylegan.model import StyleGAN
from keras_gen.models.stylegan.networks import StyleGenerator, StyleSynthesis, build_mapping

__all__ = ["StyleGAN", "StyleGenerator", "StyleSynthesis", "build_mapping"]
