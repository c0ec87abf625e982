"""Tiny models for tests of the machinery (export, callbacks) apart from any family."""

import keras

from keras_gen.models.base import ReconstructionModel


@keras.saving.register_keras_serializable(package="keras_gen_testing")
class TinyAutoencoder(ReconstructionModel):
    """A 16 -> 4 -> 16 dense autoencoder used to test the machinery
    (export, callbacks, checkpoints) apart from any family."""

    def __init__(self, input_shape=(4, 4, 1), code_dim=4, **kwargs):
        super().__init__(input_shape, **kwargs)
        self.code_dim = code_dim
        inputs = keras.Input(self.sample_shape)
        code = keras.layers.Dense(code_dim, activation="relu")(keras.layers.Flatten()(inputs))
        self.encoder = keras.Model(inputs, code)
        code_in = keras.Input((code_dim,))
        out = keras.layers.Dense(16, activation="sigmoid")(code_in)
        self.decoder = keras.Model(code_in, keras.layers.Reshape(self.sample_shape)(out))

    def get_config(self):
        return {**super().get_config(), "code_dim": self.code_dim}


def tiny_search_space(hp):
    """Search space of the test preset: code size and learning rate."""
    return {"code_dim": hp.Choice("code_dim", [2, 4]),
            "compile": {"optimizer": keras.optimizers.Adam(hp.Choice("lr", [1e-3, 1e-2]))}}


def register_test_preset():
    """Register `tiny_test_ae` (family "autoencoder") once; returns its spec."""
    from keras_gen import zoo

    spec = zoo.PresetSpec(
        name="tiny_test_ae", family="autoencoder", model_class=TinyAutoencoder,
        config={"input_shape": (4, 4, 1)}, search_space=tiny_search_space,
        fit={"epochs": 1, "batch_size": 16}, description="test-only tiny autoencoder")
    zoo.register_presets(spec)
    return zoo.get("tiny_test_ae")
