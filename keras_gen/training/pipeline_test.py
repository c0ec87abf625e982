"""The training pipeline: recipe, budgets, divergence refused, metadata; one copy of it."""

import dataclasses
import re
from pathlib import Path

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import training
from keras_gen.testing.models import TinyAutoencoder
from keras_gen.training import pipeline

REPO = Path(__file__).resolve().parents[2]


def _spec(**fit):
    return kg.zoo.PresetSpec(name="tiny_pipeline_ae", family="autoencoder",
                             model_class=TinyAutoencoder,
                             config={"input_shape": (4, 4, 1), "code_dim": 2},
                             data={"name": "digits", "size": (4, 4)},
                             fit={"epochs": 2, "batch_size": 64, **fit})


def test_train_follows_the_recipe_and_writes_metadata(tmp_path):
    spec = _spec()
    keras.utils.set_random_seed(0)
    x, labels = training.training_data(spec, limit=128)
    run = training.train(spec, training.build(spec), x, labels, verbose=0)
    assert run.epochs_run == 2 and run.examples == 128 and run.seconds > 0
    assert run.stopped_by_time_limit is None and np.isfinite(run.logs["loss"])
    meta = training.metadata(run, seed=0, command="test", licence={"weights": "Apache-2.0"})
    assert meta["fit"]["epochs_run"] == 2 and meta["epochs"] == 2 and meta["batch_size"] == 64
    assert meta["training_examples"] == 128 and meta["licence"] == {"weights": "Apache-2.0"}
    saved = training.save(run, tmp_path / "p", meta, keep_optimizer=False)
    assert saved["sha256"]["model.weights.h5"]
    loaded = kg.zoo.load(str(tmp_path / "p"))
    np.testing.assert_array_equal(loaded.reconstruct(x[:4]), run.model.reconstruct(x[:4]))


@pytest.mark.parametrize("minutes, limited", [("recipe", True), (None, False), (1e-9, True)])
def test_the_wall_clock_budget(minutes, limited):
    spec = _spec(minutes=1e-9, epochs=5)
    x, _ = training.training_data(spec, limit=64)
    run = training.train(spec, training.build(spec), x, minutes=minutes, verbose=0)
    assert run.epochs_run == (1 if limited else 5)
    assert (run.stopped_by_time_limit is True) if limited else run.stopped_by_time_limit is None


def test_a_recipe_counted_in_images_trains_that_many_and_says_so():
    spec = dataclasses.replace(_spec(), fit={"kimg": 0.16, "batch_size": 32},
                               compile={"steps_per_execution": 1})
    x, _ = training.training_data(spec, limit=64)
    model = training.build(spec)
    run = training.train(spec, model, x, verbose=0)
    assert run.epochs_run == 3 and run.images_seen == 160  # 64 + 64 + 32: one step cut
    assert int(model.optimizer.iterations.numpy()) == 5
    meta = training.metadata(run, seed=0, command="test")
    assert meta["fit"]["kimg"] == 0.16 and meta["fit"]["images_seen"] == 160


def test_divergence_and_non_finite_metrics_are_refused():
    spec = _spec()
    x, _ = training.training_data(spec, limit=64)

    class PoisonWeights(keras.callbacks.Callback):
        def on_train_end(self, logs=None):
            variable = self.model.trainable_variables[0]
            variable.assign(np.full(variable.shape, np.nan, "float32"))

    with pytest.raises(training.NonFiniteError, match="refusing to save: non-finite weights"):
        training.train(spec, training.build(spec), x, callbacks=[PoisonWeights()], verbose=0)
    nan_spec = _spec()
    object.__setattr__(nan_spec, "evaluate", lambda model, spec: {"mse": float("nan")})
    with pytest.raises(training.NonFiniteError, match=r"metrics \['mse=nan'\]"):
        training.measure(nan_spec, spec.build())


def test_a_supervised_recipe_without_labels_is_refused():
    spec = _spec(supervised=True)
    x, _ = training.training_data(spec, limit=8)
    with pytest.raises(ValueError, match="supervised but its data 'digits' has no labels"):
        training.train(spec, training.build(spec), x, None, verbose=0)


@pytest.mark.parametrize("path", ["keras_gen/commands/train.py", "keras_gen/commands/_own_data.py",
                                  "tools/train_zoo.py"])
def test_every_trainer_goes_through_the_pipeline(path):
    source = (REPO / path).read_text()
    assert "training.train(" in source
    assert not re.search(r"\bmodel\.fit\(", source), f"{path} calls fit itself"


def test_measure_at_measures_at_training_times_and_then_stops():
    spec = dataclasses.replace(_spec(), compile={"steps_per_execution": 8},
                               evaluate=lambda model, spec, scale=1.0: {"mse": 0.5 * scale})
    x, _ = training.training_data(spec, limit=72)  # 9 steps of 8 per epoch: calls of 8 and 1
    model = training.build(spec)
    hook = pipeline.measure_at(spec, (0.2, 0, 1e-9), scale=2.0)
    run = training.train(spec, model, x, epochs=training.UNTIL_BUDGET, minutes=None,
                         batch_size=8, callbacks=[hook], verbose=0)
    points = hook.points
    assert [p["target_seconds"] for p in points] == [0, 1e-9, 0.2]
    assert points[0]["steps"] == 8 and points[0]["metrics"] == {"mse": 1.0}
    assert points[1]["metrics"] is points[0]["metrics"]  # one measurement served both
    assert points[2]["trained_seconds"] >= 0.2 and run.seconds >= 0.2
    assert points[2]["steps"] == int(model.optimizer.iterations)  # training ended there
