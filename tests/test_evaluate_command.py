"""`keras-gen evaluate`: a preset's own evaluate(), generation metrics, reconstruction MSE."""

import json

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import cli
from keras_gen.testing.models import TinyAutoencoder


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class SamplerOfTestDigits(keras.Model):
    """Test-only "generator" drawing real test digits, so its metrics are known:
    all 10 classes covered and a small Frechet distance."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        self.built = True

    def call(self, x):
        return x * self.scale

    def generate(self, n, seed=None):
        digits, _ = kg.data.load_arrays("mnist", "test")
        chosen = np.random.default_rng(seed).choice(len(digits), n, replace=False)
        return digits[chosen] * float(self.scale.numpy())


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class ModelWithoutVerbs(keras.Model):
    """Test-only model with neither generate() nor reconstruct()."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1)
        self.dense.build((None, 2))
        self.built = True

    def call(self, x):
        return self.dense(x)


def test_preset_with_its_own_evaluate(capsys):
    assert cli.main(["evaluate", "digit_classifier", "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    assert measured["test_accuracy"] >= 0.98
    assert measured["test_accuracy"] == pytest.approx(
        kg.zoo.metadata("digit_classifier")["metrics"]["test_accuracy"])


def test_generator_folder_gets_frechet_distance_and_coverage(tmp_path, capsys):
    kg.zoo.save_preset(SamplerOfTestDigits(), tmp_path / "sampler", metadata={"data": "mnist"})
    assert cli.main(["evaluate", str(tmp_path / "sampler"), "--n", "300"]) == 0
    out = capsys.readouterr().out
    assert "SamplerOfTestDigits" in out and "frechet_distance" in out
    assert cli.main(["evaluate", str(tmp_path / "sampler"), "--n", "300", "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    assert measured["feature_space"] == "digits" and measured["samples"] == 300
    assert measured["classes_covered"] == 10 and measured["frechet_distance"] < 10
    assert measured["precision"] > 0.5 and measured["recall"] > 0.5


def test_autoencoder_folder_gets_reconstruction_mse(tmp_path, capsys):
    model = TinyAutoencoder(input_shape=(4, 4, 1), code_dim=4)
    kg.zoo.save_preset(model, tmp_path / "ae", metadata={"data": {"name": "digits",
                                                                  "size": [4, 4]}})
    assert cli.main(["evaluate", str(tmp_path / "ae"), "--n", "50", "--json"]) == 0
    measured = json.loads(capsys.readouterr().out)
    x, _ = kg.data.load_arrays("digits", "test", size=(4, 4))
    expected = float(np.mean((model.reconstruct(x[:50]) - x[:50]) ** 2))
    assert measured == {"reconstruction_mse": pytest.approx(expected, rel=1e-5), "samples": 50}


def test_model_without_metrics_is_a_clear_error(tmp_path, capsys):
    kg.zoo.save_preset(ModelWithoutVerbs(), tmp_path / "plain")
    assert cli.main(["evaluate", str(tmp_path / "plain")]) == 2
    assert "neither generate() nor reconstruct()" in capsys.readouterr().err
    assert cli.main(["evaluate", "digit_classifier", "--n", "2"]) == 2
    assert "--n must be at least 4" in capsys.readouterr().err
