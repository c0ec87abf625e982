"""`kg.zoo.load`: `safe_mode` reaches Keras, and unverified preset folders say so."""

import warnings

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core import store
from keras_gen.testing.models import TinyAutoencoder

X = np.arange(6, dtype="float32").reshape(2, 3)


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class WithLambdaHead(keras.Model):
    """A registered model whose config holds a serialized `Lambda` layer (a Python lambda)."""

    def __init__(self, head=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(head, dict):
            head = keras.saving.deserialize_keras_object(head)
        self.head = head or keras.layers.Lambda(lambda x: x * 2.0)
        self.dense = keras.layers.Dense(2, kernel_initializer="ones")
        self.build((None, 3))

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.built = True

    def call(self, x):
        return self.head(self.dense(x))

    def get_config(self):
        return {"head": keras.saving.serialize_keras_object(self.head), "name": self.name}


def test_preset_with_a_lambda_is_refused_then_loads_with_safe_mode_false(tmp_path):
    model = WithLambdaHead()
    kg.zoo.save_preset(model, tmp_path / "lambda")
    with pytest.raises(ValueError, match="safe_mode=False"):
        kg.zoo.load(str(tmp_path / "lambda"), compile=False)
    loaded = kg.zoo.load(str(tmp_path / "lambda"), compile=False, safe_mode=False)
    np.testing.assert_allclose(loaded(X), model(X))
    with pytest.raises(ValueError, match="safe_mode=False"):  # the scope does not leak
        kg.zoo.load(str(tmp_path / "lambda"), compile=False)


@pytest.mark.parametrize("weights", ["pretrained", None])
def test_keras_file_with_a_lambda_is_refused_then_loads_with_safe_mode_false(tmp_path, weights):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2),
                              keras.layers.Lambda(lambda x: x * 2.0)])
    model.save(tmp_path / "lambda.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        kg.zoo.load(str(tmp_path / "lambda.keras"), weights=weights, compile=False)
    loaded = kg.zoo.load(str(tmp_path / "lambda.keras"), weights=weights, compile=False,
                         safe_mode=False)
    assert [type(layer).__name__ for layer in loaded.layers] == ["Dense", "Lambda"]
    if weights == "pretrained":
        np.testing.assert_allclose(loaded(X), model(X))


def test_preset_without_metadata_warns_that_its_weights_are_unverified(tmp_path):
    model = TinyAutoencoder()
    folder = tmp_path / "preset"
    kg.zoo.save_preset(model, folder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", store.UnverifiedPresetWarning)
        kg.zoo.load(str(folder), compile=False)  # checked against metadata.json: no warning
    (folder / store.METADATA_FILE).unlink()
    with pytest.warns(store.UnverifiedPresetWarning, match="no metadata.json.*unverified"):
        loaded = kg.zoo.load(str(folder), compile=False)
    x = np.random.default_rng(0).uniform(size=(1, 4, 4, 1)).astype("float32")
    np.testing.assert_array_equal(loaded(x), model(x))
    (folder / store.METADATA_FILE).write_text('{"preset": "mine"}')
    with pytest.warns(store.UnverifiedPresetWarning, match="no sha256 for model.weights.h5"):
        kg.zoo.load(str(folder), compile=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", store.UnverifiedPresetWarning)
        kg.zoo.load(str(folder), weights=None, compile=False)  # no weights read: nothing to check
