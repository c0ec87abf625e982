"""AutoencoderBase: what every deterministic autoencoder shares (dense, conv, recurrent).

Denoising (input corruption in training only) and sparsity (a penalty on the
code) are options of this one base, so each architecture only builds its
encoder and decoder networks.
"""

import keras

from keras_gen import noise as noise_lib
from keras_gen.models.autoencoder.networks import check_activation
from keras_gen.models.base import ReconstructionModel
from keras_gen.regularizers import sparsity as sparsity_lib


@keras.saving.register_keras_serializable(package="keras_gen")
class AutoencoderBase(ReconstructionModel):
    """An autoencoder with optional input noise and code sparsity.

    Subclasses build their networks, then call `self.set_networks(encoder,
    decoder)`. The training loss is the reconstruction loss of the (possibly
    corrupted) input against the clean input, plus the sparsity penalty of the
    code when one is set.

    Args:
        input_shape: shape of one example without the batch axis.
        noise: None, `kg.noise.Gaussian(stddev)` or `kg.noise.Mask(rate)`:
            corrupts the inputs in training only (denoising autoencoder).
        sparsity: None, `kg.regularizers.L1Activity(weight)` or
            `kg.regularizers.KLSparsity(target, weight)` (the latter needs
            `code_activation="sigmoid"`).
        code_activation: activation name of the code layer. Defaults to "linear".
        output_activation: activation name of the output layer. Defaults to
            "sigmoid" (pixels in [0, 1]).
        seed: int or None. Seed of the noise draws.
    """

    def __init__(self, input_shape, noise=None, sparsity=None, code_activation="linear",
                 output_activation="sigmoid", seed=None, **kwargs):
        super().__init__(input_shape, seed=seed, **kwargs)
        self.noise = noise_lib.get(noise)
        self.sparsity = sparsity_lib.get(sparsity)
        self.code_activation = check_activation(code_activation, "code_activation")
        self.output_activation = check_activation(output_activation, "output_activation")
        if (self.sparsity is not None and self.sparsity.requires_unit_interval
                and self.code_activation != "sigmoid"):
            raise ValueError(
                f"{type(self.sparsity).__name__} needs a code in (0, 1): pass "
                f"code_activation='sigmoid' (got code_activation={self.code_activation!r}).")
        if self.sparsity is not None:
            self.track("sparsity_loss")

    def set_networks(self, encoder, decoder):
        """Attach the functional encoder and decoder and mark the model built."""
        self.encoder = encoder
        self.decoder = decoder
        self.build((None, *self.sample_shape))

    def build(self, input_shape=None):
        """Nothing to create: the networks are built in `__init__`."""

    @property
    def code_shape(self):
        """Shape of one code, without the batch axis."""
        return tuple(self.encoder.output.shape[1:])

    def corrupt(self, x, training=False):
        """The inputs as the encoder sees them: corrupted in training when `noise` is set."""
        if self.noise is None:
            return x
        return self.noise(x, seed=self.seed_generator, training=training)

    def call(self, x, training=False):
        code = self.encode(self.corrupt(x, training), training=training)
        return self.decode(code, training=training)

    def compute_losses(self, x, training):
        code = self.encode(self.corrupt(x, training), training=training)
        reconstruction = self.decode(code, training=training)
        terms = {"reconstruction_loss": self.reconstruction_error(x, reconstruction)}
        if self.sparsity is not None:
            terms["sparsity_loss"] = self.sparsity(code)
        return terms

    def get_config(self):
        config = super().get_config()
        config.update({
            "noise": noise_lib.serialize(self.noise),
            "sparsity": sparsity_lib.serialize(self.sparsity),
            "code_activation": self.code_activation,
            "output_activation": self.output_activation,
        })
        return config
