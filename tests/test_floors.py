"""Quality floors as spec data: bound checks, the runner, and tools/floors.py's verdict."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core.registry import Bound, Floor
from keras_gen.testing.models import TinyAutoencoder
from keras_gen.training import floors

TOOL = Path(__file__).resolve().parent.parent / "tools" / "floors.py"
_loader = importlib.util.spec_from_file_location("floors_tool", TOOL)
floors_tool = importlib.util.module_from_spec(_loader)
_loader.loader.exec_module(floors_tool)


def _evaluate(model, spec):
    x, _ = kg.data.load_arrays("digits", "test", size=(4, 4))
    return {"test_mse": float(np.mean((model.reconstruct(x) - x) ** 2)), "ceiling": 1.0}


def _spec(name, bounds, minutes=5.0):
    return kg.zoo.PresetSpec(name=name, family="autoencoder", model_class=TinyAutoencoder,
                             config={"input_shape": (4, 4, 1), "code_dim": 2},
                             data={"name": "digits", "size": (4, 4)},
                             fit={"epochs": 1, "batch_size": 64}, evaluate=_evaluate,
                             headline_metric="test_mse",
                             floor=Floor(bounds, minutes=minutes, doc="docs/x.md"))


def half(spec):
    return 0.5


def test_every_kind_of_reference():
    spec = _spec("tiny_floor_refs", (
        Bound("test_mse", "<", 0.3),               # a number
        Bound("test_mse", "<=", "ceiling"),        # a metric of the same evaluation
        Bound("test_mse", ">", half),              # a baseline fn(spec)
        Bound("ceiling", ">=", "dcgan_mnist_28:frechet_distance")))  # a shipped preset's
    rows = floors.check(spec, {"test_mse": 0.2, "ceiling": 1.0}, seconds=400.0)
    assert [r["passed"] for r in rows] == [True, True, False, False, False]
    assert rows[2]["floor"] == "test_mse > half" and rows[2]["bound"] == 0.5
    shipped = kg.zoo.metadata("dcgan_mnist_28")["metrics"]["frechet_distance"]
    assert rows[3]["bound"] == pytest.approx(shipped)
    assert rows[4]["floor"].startswith("training seconds <= 300") and rows[4]["bound"] == 315.0


def test_unknown_metrics_and_relations_are_named():
    with pytest.raises(ValueError, match="relation must be one of"):
        Bound("test_mse", "=<", 1.0)
    spec = _spec("tiny_floor_unknown", (Bound("test_msee", "<", 1.0),))
    with pytest.raises(KeyError, match="'test_msee', which evaluate does not give"):
        floors.check(spec, {"test_mse": 0.2}, seconds=1.0)


def test_the_tool_gives_its_verdict_and_writes_the_report(register, tmp_path, capsys):
    register(_spec("tiny_floor_met", (Bound("test_mse", "<", 1.0),)))
    register(_spec("tiny_floor_missed", (Bound("test_mse", "<", 0.0),)))
    out = tmp_path / "out"
    assert floors_tool.main(["tiny_floor_met", "--out", str(out), "--verbose", "0"]) == 0
    report = json.loads((out / "results" / "floors" / "tiny_floor_met.json").read_text())
    assert report["passed"] and report["epochs_run"] == 1 and report["training_examples"] == 1438
    bound, time_bound = [r["floor"] for r in report["floors"]]
    assert bound == "test_mse < 1.0"
    # the time bound holds on the reference machine and is scaled on a slower one
    assert time_bound.startswith("training seconds <= 300 (+5%)")
    peak = report["machine"]["matmul_peak_gflops"]
    assert peak > 0 and (" x " in time_bound) == (peak < floors.REFERENCE_PEAK_GFLOPS)
    assert Path(report["pictures"][0]).name == "tiny_floor_met.png"
    assert report["command"].startswith("python tools/floors.py tiny_floor_met")
    assert floors_tool.main(["tiny_floor_missed", "--out", str(out), "--verbose", "0"]) == 1
    assert "not met: tiny_floor_missed" in capsys.readouterr().err
    assert floors_tool.main(["tiny_floor_missed", "--quick", "--out", str(out),
                             "--verbose", "0"]) == 0  # a smoke run gives no verdict


def test_list_and_presets_without_a_floor(register, capsys):
    assert floors_tool.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert "vae_mnist_28: test_nll_nats <= 100.0, training <= 2 min  (docs/vae.md)" in listed
    spec = _spec("tiny_floor_none", ())
    register(kg.zoo.PresetSpec(**{**spec.__dict__, "floor": None}))
    with pytest.raises(SystemExit):
        floors_tool.main(["tiny_floor_none"])
    assert "no floor declared for tiny_floor_none" in capsys.readouterr().err


def test_a_slower_machine_gets_a_proportionally_longer_time_bound():
    assert floors.time_scale(floors.REFERENCE_PEAK_GFLOPS / 2) == 2.0
    assert floors.time_scale(floors.REFERENCE_PEAK_GFLOPS * 3) == 1.0  # never shorter
    assert floors.time_scale(None) == 1.0
