"""Autoencoder: dense, stacked, under/overcomplete, tied, denoising, sparse."""

import keras

from keras_gen.core import validation
from keras_gen.layers.dense_transpose import DenseTranspose
from keras_gen.models.autoencoder import networks
from keras_gen.models.autoencoder.base import AutoencoderBase


@keras.saving.register_keras_serializable(package="keras_gen")
class Autoencoder(AutoencoderBase):
    """A dense autoencoder: flatten -> Dense stack -> code -> mirrored Dense stack.

    `code_dim` smaller than the input size gives an undercomplete
    autoencoder, larger an overcomplete one (then use `sparsity` or `noise`
    so it cannot just copy its input); several `hidden` sizes give a stacked
    autoencoder. Train with `model.fit(x)`: the input is the target.

    Args:
        input_shape: shape of one example, e.g. `(28, 28, 1)` or `(784,)`.
        hidden: sizes of the encoder's hidden layers, outermost first; the
            decoder mirrors them. Defaults to `(256, 128)`.
        code_dim: int. Size of the code. Defaults to `30`.
        tied_weights: bool. Decoder layers reuse the encoder kernels
            transposed (`kg.layers.DenseTranspose`): same shapes, half the
            kernels. Defaults to `False`.
        noise: None or a `kg.noise` object (denoising, training only).
        sparsity: None or a `kg.regularizers` sparsity penalty on the code.
        activation: activation name of hidden layers. Defaults to "relu".
        code_activation: activation name of the code. Defaults to "linear".
        output_activation: activation name of the output. Defaults to "sigmoid".
        seed: int or None. Seed of the noise draws.

    Example:
        >>> ae = kg.models.Autoencoder(input_shape=(28, 28, 1), hidden=(256, 128), code_dim=30)
        >>> ae.compile()                      # Adam, MSE
        >>> ae.fit(x_train, epochs=10)        # x in [0, 1], shape (n, 28, 28, 1)
        >>> codes = ae.encode(x_test)         # (n, 30)
        >>> images = ae.decode(codes)         # (n, 28, 28, 1)
    """

    def __init__(self, input_shape, hidden=(256, 128), code_dim=30, tied_weights=False,
                 noise=None, sparsity=None, activation="relu", code_activation="linear",
                 output_activation="sigmoid", seed=None, **kwargs):
        super().__init__(input_shape, noise=noise, sparsity=sparsity,
                         code_activation=code_activation, output_activation=output_activation,
                         seed=seed, **kwargs)
        self.hidden = validation.check_int_sequence(hidden, "hidden")
        self.code_dim = validation.check_positive_int(code_dim, "code_dim")
        if not isinstance(tied_weights, bool):
            raise ValueError(f"tied_weights must be True or False, got {tied_weights!r}.")
        self.tied_weights = tied_weights
        self.activation = networks.check_activation(activation, "activation")

        # Layers.
        encoder_layers = networks.dense_layers(self.hidden, self.activation, "encoder")
        encoder_layers.append(keras.layers.Dense(self.code_dim, activation=self.code_activation,
                                                 name="encoder_code"))

        # Functional networks.
        inputs = keras.Input(self.sample_shape, name="inputs")
        flat = keras.layers.Flatten(name="encoder_flatten")(inputs)
        encoder = keras.Model(inputs, networks.apply_layers(encoder_layers, flat), name="encoder")
        code = keras.Input((self.code_dim,), name="code")
        if tied_weights:
            decoder_layers = [
                DenseTranspose(layer, activation=self.output_activation if i == 0
                               else self.activation, name=f"decoder_tied_{i}",
                               dtype="float32" if i == 0 else None)
                for i, layer in reversed(list(enumerate(encoder_layers)))
            ]
            flat_out = networks.apply_layers(decoder_layers, code)
            outputs = keras.layers.Reshape(self.sample_shape, dtype="float32",
                                           name="decoder_reshape")(flat_out)
        else:
            outputs = networks.decoder_trunk(code, self.sample_shape, self.hidden,
                                             activation=self.activation,
                                             output_activation=self.output_activation)
        self.set_networks(encoder, keras.Model(code, outputs, name="decoder"))

    def get_config(self):
        config = super().get_config()
        config.update({
            "hidden": list(self.hidden),
            "code_dim": self.code_dim,
            "tied_weights": self.tied_weights,
            "activation": self.activation,
        })
        return config
