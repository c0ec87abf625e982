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


def test_distributed_search_chief_and_worker_on_loopback(tmp_path):
    """keras-tuner's own distributed mode: a chief serving the oracle, one worker."""
    import json
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = dict(os.environ, KERASTUNER_ORACLE_IP="127.0.0.1", KERASTUNER_ORACLE_PORT=str(port),
                CUDA_VISIBLE_DEVICES="")
    command = [sys.executable, "-m", "keras_gen.testing.tuning_job", str(tmp_path / "search"), "3"]
    chief = subprocess.Popen(command, env=dict(base, KERASTUNER_TUNER_ID="chief"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen(command, env=dict(base, KERASTUNER_TUNER_ID="tuner0"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        worker_out, worker_err = worker.communicate(timeout=900)
        chief_out, chief_err = chief.communicate(timeout=300)
    finally:
        for process in (chief, worker):
            if process.poll() is None:
                process.kill()
    assert worker.returncode == 0, worker_err[-2000:]
    assert chief.returncode == 0, chief_err[-2000:]
    result = json.loads(worker_out.strip().splitlines()[-1])
    assert result["role"] == "tuner0" and result["trials"] == 3
    trial_dirs = [p for p in (tmp_path / "search" / "tiny_test_ae").iterdir()
                  if p.name.startswith("trial_")]
    assert len(trial_dirs) == 3


FAMILY_PRESETS = [n for n in ("ae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows",
                              "vae_mnist_28", "dcgan_mnist_28", "progan_mnist_32",
                              "stylegan_mnist_32") if n in kg.zoo.names()]


@pytest.mark.parametrize("name", FAMILY_PRESETS)
def test_short_search_per_family(name, tmp_path):
    """One trial of each family's own search space, with its own objective."""
    spec = kg.zoo.get(name)
    x = spec.build(tiny=True, seed=0).example_data(48, seed=1)
    search, best, hp = kg.zoo.run_search(name, x[:32], max_trials=1, epochs=1, tiny=True,
                                         validation_data=x[32:], batch_size=16,
                                         directory=str(tmp_path), verbose=0)
    objective = kg.zoo.objective_for(spec.name).name
    assert search.oracle.objective.name == objective
    trial = search.oracle.get_best_trials(1)[0]
    assert np.isfinite(trial.score)
    assert hp.values and best.compiled
