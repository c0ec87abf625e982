"""ConvAutoencoder: strided convolutions down, transposed convolutions up."""

import keras

from keras_gen.core import validation
from keras_gen.models.autoencoder import networks
from keras_gen.models.autoencoder.base import AutoencoderBase


@keras.saving.register_keras_serializable(package="keras_gen")
class ConvAutoencoder(AutoencoderBase):
    """A convolutional autoencoder for images `(height, width, channels)`.

    The encoder's stride-2 convolutions halve height and width at each level
    while `filters` deepens the channels (28x28x1 -> 14x14x32 -> 7x7x64); the
    decoder mirrors them with stride-2 transposed convolutions and a last
    convolution back to the input channels. With `code_dim` the feature map is
    flattened into a dense code of that size; without it the code is the
    feature map itself (fully convolutional).

    Args:
        input_shape: `(height, width, channels)`, e.g. `(28, 28, 1)`.
        filters: channels per level. Defaults to `(32, 64)`.
        code_dim: int or None. Size of a dense code; None keeps the last
            feature map as the code. Defaults to `None`.
        kernel_size: int. Square kernel size. Defaults to `3`.
        noise, sparsity, activation, code_activation, output_activation, seed:
            as for `kg.models.Autoencoder` (same defaults).

    Example:
        >>> ae = kg.models.ConvAutoencoder((28, 28, 1), filters=(32, 64), code_dim=30)
        >>> ae.compile()
        >>> ae.fit(x_train, epochs=10)
        >>> ae.encode(x_test).shape           # (n, 30)
    """

    def __init__(self, input_shape, filters=(32, 64), code_dim=None, kernel_size=3,
                 noise=None, sparsity=None, activation="relu", code_activation="linear",
                 output_activation="sigmoid", seed=None, **kwargs):
        super().__init__(input_shape, noise=noise, sparsity=sparsity,
                         code_activation=code_activation, output_activation=output_activation,
                         seed=seed, **kwargs)
        validation.check_image_shape(self.sample_shape, "ConvAutoencoder: input_shape")
        self.filters = validation.check_int_sequence(filters, "filters", allow_empty=False)
        self.code_dim = validation.check_positive_int(code_dim, "code_dim", allow_none=True)
        self.kernel_size = networks.check_kernel_size(kernel_size)
        self.activation = networks.check_activation(activation, "activation")

        inputs = keras.Input(self.sample_shape, name="inputs")
        if self.code_dim is None:
            code = networks.conv_encoder(inputs, self.filters, self.kernel_size, self.activation,
                                         last_activation=self.code_activation)
            code_input = keras.Input(tuple(code.shape[1:]), name="code")
            outputs = networks.conv_decoder(code_input, self.filters, self.sample_shape,
                                            self.kernel_size, self.activation,
                                            self.output_activation)
        else:
            features = networks.encoder_trunk(inputs, conv_filters=self.filters,
                                              kernel_size=self.kernel_size,
                                              activation=self.activation)
            code = keras.layers.Dense(self.code_dim, activation=self.code_activation,
                                      name="encoder_code")(features)
            code_input = keras.Input((self.code_dim,), name="code")
            outputs = networks.decoder_trunk(code_input, self.sample_shape,
                                             conv_filters=self.filters,
                                             kernel_size=self.kernel_size,
                                             activation=self.activation,
                                             output_activation=self.output_activation)
        self.set_networks(keras.Model(inputs, code, name="encoder"),
                          keras.Model(code_input, outputs, name="decoder"))

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": list(self.filters),
            "code_dim": self.code_dim,
            "kernel_size": self.kernel_size,
            "activation": self.activation,
        })
        return config
