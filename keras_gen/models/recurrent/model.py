"""RecurrentAutoencoder: sequence-to-vector encoder, vector-to-sequence decoder."""

import keras

from keras_gen.core import validation
from keras_gen.models.autoencoder.base import AutoencoderBase
from keras_gen.models.recurrent.networks import CELLS, sequence_decoder, sequence_encoder


@keras.saving.register_keras_serializable(package="keras_gen")
class RecurrentAutoencoder(AutoencoderBase):
    """An autoencoder for sequences `(timesteps, features)` built from LSTM or GRU layers.

    The encoder reads the whole sequence and keeps the last output (a
    sequence-to-vector network) followed by a Dense code; the decoder repeats
    the code at every step and unrolls stacked recurrent layers back into a
    sequence (vector-to-sequence). MNIST digits read row by row
    (`kg.data.load("mnist_rows")`: 28 steps of 28 pixels) are the standard toy.

    Args:
        input_shape: `(timesteps, features)`, e.g. `(28, 28)`.
        units: sizes of the stacked recurrent layers, outermost first.
            Defaults to `(128,)`.
        code_dim: int. Size of the code. Defaults to `30`.
        cell: "lstm" or "gru". Defaults to "lstm".
        noise: None or a `kg.noise` object (denoising, training only).
        sparsity: None or a `kg.regularizers` sparsity penalty on the code.
        code_activation: activation name of the code. Defaults to "linear".
        output_activation: activation name of the output. Defaults to "sigmoid".
        seed: int or None. Seed of the noise draws.

    Example:
        >>> ae = kg.models.RecurrentAutoencoder(input_shape=(28, 28), units=(128,), code_dim=30)
        >>> ae.compile()
        >>> ae.fit(rows_train, epochs=10)     # (n, 28, 28) in [0, 1]
    """

    def __init__(self, input_shape, units=(128,), code_dim=30, cell="lstm", noise=None,
                 sparsity=None, code_activation="linear", output_activation="sigmoid",
                 seed=None, **kwargs):
        super().__init__(input_shape, noise=noise, sparsity=sparsity,
                         code_activation=code_activation, output_activation=output_activation,
                         seed=seed, **kwargs)
        if len(self.sample_shape) != 2:
            raise ValueError(
                "RecurrentAutoencoder: input_shape must be (timesteps, features), got "
                f"{self.sample_shape}. For MNIST read row by row use (28, 28).")
        self.units = validation.check_int_sequence(units, "units", allow_empty=False)
        self.code_dim = validation.check_positive_int(code_dim, "code_dim")
        self.cell = validation.check_choice(cell, "cell", tuple(CELLS))

        timesteps, features = self.sample_shape
        inputs = keras.Input(self.sample_shape, name="inputs")
        code = sequence_encoder(inputs, self.units, self.code_dim, self.cell,
                                self.code_activation)
        code_input = keras.Input((self.code_dim,), name="code")
        outputs = sequence_decoder(code_input, self.units, timesteps, features, self.cell,
                                   self.output_activation)
        self.set_networks(keras.Model(inputs, code, name="encoder"),
                          keras.Model(code_input, outputs, name="decoder"))

    @classmethod
    def config_for_images(cls, config, image_shape):
        """Images are read row by row: `H` steps of `W * C` features."""
        height, width, channels = (int(d) for d in image_shape)
        return {**config, "input_shape": (height, width * channels)}

    @classmethod
    def images_as_input(cls, images):
        """`(N, H, W, C)` images -> `(N, H, W * C)` sequences of rows."""
        return images.reshape(len(images), images.shape[1], -1)

    def get_config(self):
        config = super().get_config()
        config.update({"units": list(self.units), "code_dim": self.code_dim, "cell": self.cell})
        return config

