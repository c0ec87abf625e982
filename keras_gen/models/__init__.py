"""Model families. Importing this package registers every family's presets.

Each family lives in its own folder (model, networks, presets, search space)
and exports its public classes here.
"""

from keras_gen.models.base import GenerativeModel, ReconstructionModel
from keras_gen.models.classifier import DigitClassifier

__all__ = ["GenerativeModel", "ReconstructionModel"]
__all__ += ["DigitClassifier"]
from keras_gen.models.autoencoder import Autoencoder, AutoencoderBase  # noqa: E402,F401
from keras_gen.models.convolutional import ConvAutoencoder  # noqa: E402,F401
from keras_gen.models.gan import GAN  # noqa: E402,F401
from keras_gen.models.recurrent import RecurrentAutoencoder  # noqa: E402,F401
from keras_gen.models.vae import VAE  # noqa: E402,F401

__all__ += ["Autoencoder", "AutoencoderBase", "ConvAutoencoder", "RecurrentAutoencoder", "VAE"]
from keras_gen.models.progan import ProGAN  # noqa: E402,F401

__all__ += ["ProGAN"]
from keras_gen.models.dcgan import DCGAN  # noqa: E402,F401
from keras_gen.models.stylegan import StyleGAN  # noqa: E402,F401

__all__ += ["StyleGAN"]
