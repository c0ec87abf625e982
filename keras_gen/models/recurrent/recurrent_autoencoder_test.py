"""RecurrentAutoencoder: LSTM and GRU, stacked, checks, round trip."""

import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_sequence_to_vector_to_sequence_shapes(cell):
    model = kg.models.RecurrentAutoencoder((7, 3), units=(5, 4), code_dim=2, cell=cell)
    x = model.example_data(3)
    assert tuple(model.encode(x).shape) == (3, 2)
    assert tuple(model(x).shape) == (3, 7, 3)
    names = [layer.name for layer in model.encoder.layers + model.decoder.layers]
    assert sum(cell in name for name in names) == 4  # two stacked layers each way


def test_gru_variant_round_trips_and_trains(tmp_path):
    model = kg.models.RecurrentAutoencoder((5, 2), units=(4,), code_dim=3, cell="gru",
                                           noise=kg.noise.Gaussian(0.1), seed=1)
    testing.run_serialization_test(model)
    testing.one_step_training(model, model.example_data(8))
    testing.run_model_saving_test(model, model.example_call_inputs(4), str(tmp_path))


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": (28, 28, 1)}, r"\(timesteps, features\)"),
    ({"cell": "rnn"}, "cell"),
    ({"units": ()}, "units"),
    ({"code_dim": None}, "code_dim"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kg.models.RecurrentAutoencoder(**{"input_shape": (5, 2), **kwargs})


def test_wrong_input_shape_fails_before_training():
    model = kg.models.RecurrentAutoencoder((5, 2), units=(3,), code_dim=2)
    model.compile()
    with pytest.raises(ValueError, match=r"\(batch, 5, 2\)"):
        model.fit(np.zeros((4, 5, 3), "float32"), verbose=0)
