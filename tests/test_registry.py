"""Every registered preset, in its tiny configuration: config round trip, one
training step, `.keras` round trip with identical outputs and optimizer state."""

import pytest

import keras_gen as kg
from keras_gen import testing

SPECS = kg.zoo.specs()


def test_some_presets_are_registered():
    assert len(SPECS) > 0, "no preset registered: the families did not import"


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_tiny_preset_builds_trains_and_round_trips(spec, tmp_path):
    model = spec.build(tiny=True, seed=1)
    testing.run_serialization_test(model)
    logs = testing.one_step_training(model, model.example_data(8), **spec.compile)
    assert "loss" in logs or any(k.endswith("loss") for k in logs)
    testing.run_model_saving_test(model, model.example_call_inputs(4), directory=str(tmp_path))
