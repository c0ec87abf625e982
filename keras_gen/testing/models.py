"""Tiny models for tests of the machinery (export, callbacks) apart from any family."""

import keras

from keras_gen.models.base import ReconstructionModel


@keras.saving.register_keras_serializable(package="keras_gen_testing")
class TinyAutoencoder(ReconstructionModel):
    """A 16 -> 4 -> 16 dense autoencoder used to test the machinery
    (export, callbacks, checkpoints) apart from any family."""

    def __init__(self, input_shape=(4, 4, 1), **kwargs):
        super().__init__(input_shape, **kwargs)
        inputs = keras.Input(self.sample_shape)
        code = keras.layers.Dense(4, activation="relu")(keras.layers.Flatten()(inputs))
        self.encoder = keras.Model(inputs, code)
        code_in = keras.Input((4,))
        out = keras.layers.Dense(16, activation="sigmoid")(code_in)
        self.decoder = keras.Model(code_in, keras.layers.Reshape(self.sample_shape)(out))
