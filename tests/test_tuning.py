"""Hyperparameter search with keras-tuner: build(hp), objectives, tuners, saving the best."""

import numpy as np
import pytest

import keras_gen as kg
from keras_gen.testing.models import register_test_preset


@pytest.fixture(scope="module")
def data():
    register_test_preset()
    return np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")


def test_search_space_builds_compiled_models(data):
    import keras_tuner as kt

    hypermodel = kg.zoo.search_space("tiny_test_ae")
    hp = kt.HyperParameters()
    model = hypermodel.build(hp)
    assert model.compiled and model.code_dim in (2, 4)
    assert set(hp.values) == {"code_dim", "lr"}


@pytest.mark.parametrize("kind", ["random", "bayesian", "hyperband"])
def test_tune_returns_best_model_and_hyperparameters(data, tmp_path, kind):
    search, best, hp = kg.zoo.run_search("tiny_test_ae", data, tuner=kind, max_trials=2,
                                         epochs=2, directory=str(tmp_path), verbose=0)
    trials = search.oracle.trials
    assert 1 <= len(trials) <= 2
    assert best.code_dim == hp.values["code_dim"] and best.compiled
    scores = [t.score for t in search.oracle.get_best_trials(5)]
    assert scores == sorted(scores) and all(np.isfinite(scores))
    assert search.oracle.objective.name == "val_reconstruction_loss"
    rows = kg.zoo.tuning.summary_rows(search)
    assert rows[0][1] == min(scores)


def test_best_trial_saves_as_preset_and_reloads(data, tmp_path):
    best, hp = kg.zoo.tune("tiny_test_ae", data, max_trials=1, epochs=1,
                           directory=str(tmp_path / "t"), verbose=0)
    kg.zoo.save_preset(best, tmp_path / "best", metadata={"preset": "tiny_test_ae",
                                                          "hyperparameters": hp.values})
    again = kg.zoo.load(str(tmp_path / "best"))
    np.testing.assert_allclose(again(data[:4]), best(data[:4]), atol=1e-6)
    assert again.compiled


def test_bad_arguments(data):
    with pytest.raises(ValueError, match="tuner must be one of"):
        kg.zoo.tune("tiny_test_ae", data, tuner="grid")
    with pytest.raises(ValueError, match="max_trials"):
        kg.zoo.tune("tiny_test_ae", data, max_trials=0)
    with pytest.raises(KeyError, match="unknown preset"):
        kg.zoo.tune("tiny_test_aee", data)
