"""ConvAutoencoder: shapes (also odd sizes), dense or convolutional code, checks, round trip."""

import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing


@pytest.mark.parametrize("shape, filters, code_dim, code_shape", [
    ((28, 28, 1), (4, 8), 5, (5,)),
    ((28, 28, 1), (2, 2, 3), None, (4, 4, 3)),  # 28 -> 14 -> 7 -> 4, decoded 32 cropped to 28
    ((9, 7, 3), (4,), None, (5, 4, 4)),
])
def test_shapes(shape, filters, code_dim, code_shape):
    model = kg.models.ConvAutoencoder(shape, filters=filters, code_dim=code_dim)
    x = model.example_data(2)
    assert model.code_shape == code_shape
    assert tuple(model.encode(x).shape) == (2, *code_shape)
    assert tuple(model(x).shape) == (2, *shape)
    out = np.asarray(model(x))
    assert out.min() >= 0 and out.max() <= 1


def test_convolutional_code_with_sparsity_round_trips_and_trains(tmp_path):
    model = kg.models.ConvAutoencoder((8, 8, 1), filters=(3, 4), code_activation="sigmoid",
                                      sparsity=kg.regularizers.KLSparsity(0.1, 1e-2),
                                      noise=kg.noise.Mask(0.2), seed=0)
    testing.run_serialization_test(model)
    logs = testing.one_step_training(model, model.example_data(8))
    assert "sparsity_loss" in logs
    testing.run_model_saving_test(model, model.example_call_inputs(4), str(tmp_path))


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": (28, 28)}, r"\(height, width, channels\)"),
    ({"filters": ()}, "filters"),
    ({"filters": (4, 0)}, "filters"),
    ({"code_dim": -2}, "code_dim"),
    ({"kernel_size": 0}, "kernel_size"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kg.models.ConvAutoencoder(**{"input_shape": (8, 8, 1), **kwargs})


def test_wrong_input_shape_fails_before_training():
    model = kg.models.ConvAutoencoder((8, 8, 1), filters=(2,))
    model.compile()
    with pytest.raises(ValueError, match="channel axis"):
        model.fit(np.zeros((4, 8, 8), "float32"), verbose=0)
