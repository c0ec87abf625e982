"""Dense autoencoder: tied weights, noise in training only, sparsity terms, checks, round trips."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing

SHAPE = (6, 6, 1)


def _model(**kwargs):
    return kg.models.Autoencoder(SHAPE, **{"hidden": (10, 8), "code_dim": 4, **kwargs})


def test_tied_model_has_exactly_the_encoder_kernels_fewer_parameters():
    untied, tied = _model(), _model(tied_weights=True)
    kernels = 36 * 10 + 10 * 8 + 8 * 4
    assert untied.count_params() - tied.count_params() == kernels
    encoder_kernels = [layer.kernel for layer in tied.encoder.layers if hasattr(layer, "kernel")]
    decoder_kernels = [layer.dense.kernel for layer in tied.decoder.layers
                       if isinstance(layer, kg.layers.DenseTranspose)]
    assert decoder_kernels[::-1] == encoder_kernels  # the same variables, reused
    assert tied.decode(tied.encode(np.zeros((2, *SHAPE), "float32"))).shape == (2, *SHAPE)


def test_noise_applies_in_training_only_and_the_target_is_clean():
    model = _model(noise=kg.noise.Mask(0.5), seed=3)
    x = model.example_data(4)
    clean = np.asarray(model.decode(model.encode(x)))
    np.testing.assert_allclose(np.asarray(model(x)), clean, atol=1e-6)
    np.testing.assert_allclose(np.asarray(model(x, training=False)), clean, atol=1e-6)
    assert not np.allclose(np.asarray(model(x, training=True)), clean, atol=1e-4)

    state = np.asarray(model.seed_generator.state)
    corrupted = model.corrupt(x, training=True)
    model.seed_generator.state.assign(state)
    loss = np.asarray(model.compute_losses(x, training=True)["reconstruction_loss"])
    expected = np.mean((np.asarray(model.decode(model.encode(corrupted))) - x) ** 2,
                       axis=(1, 2, 3))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


@pytest.mark.parametrize("penalty, activation", [
    (kg.regularizers.L1Activity(0.01), "relu"),
    (kg.regularizers.KLSparsity(0.1, 0.5), "sigmoid"),
])
def test_sparsity_term_is_the_penalty_of_the_code(penalty, activation):
    model = _model(sparsity=penalty, code_activation=activation)
    x = model.example_data(8)
    terms = model.compute_losses(x, training=False)
    np.testing.assert_allclose(np.asarray(terms["sparsity_loss"]),
                               np.asarray(penalty(model.encode(x))), rtol=1e-6)
    logs = testing.one_step_training(model, x)
    assert set(logs) == {"loss", "reconstruction_loss", "sparsity_loss"}
    assert logs["loss"] == pytest.approx(logs["reconstruction_loss"] + logs["sparsity_loss"],
                                         rel=1e-5)


def test_variants_round_trip_and_train(tmp_path):
    model = _model(tied_weights=True, noise=kg.noise.Gaussian(0.2),
                   sparsity=kg.regularizers.KLSparsity(0.1, 1e-3), code_activation="sigmoid",
                   seed=2)
    clone = testing.run_serialization_test(model)
    assert clone.noise == model.noise and clone.sparsity == model.sparsity and clone.tied_weights
    testing.one_step_training(model, model.example_data(8), loss="binary_crossentropy")
    restored = testing.run_model_saving_test(model, model.example_data(4), str(tmp_path))
    assert restored.reconstruction_loss == "binary_crossentropy"
    assert restored.count_params() == model.count_params()


def test_flat_inputs_fit_evaluate_and_reconstruct():
    model = kg.models.Autoencoder((12,), hidden=(), code_dim=20)  # overcomplete, no hidden layer
    x = model.example_data(16)
    model.compile()
    model.fit(x, epochs=1, batch_size=8, verbose=0)
    result = model.evaluate(x, verbose=0, return_dict=True)
    assert set(result) == {"loss", "reconstruction_loss"}
    assert model.reconstruct(x).shape == (16, 12)


@pytest.mark.parametrize("kwargs, match", [
    ({"code_dim": 0}, "code_dim"),
    ({"hidden": (8, -1)}, "hidden"),
    ({"tied_weights": "yes"}, "tied_weights"),
    ({"activation": "nope"}, "activation"),
    ({"code_activation": 3}, "code_activation"),
    ({"noise": "gaussian"}, "noise"),
    ({"sparsity": 0.1}, "sparsity"),
    ({"sparsity": kg.regularizers.KLSparsity(0.1)}, "code_activation='sigmoid'"),
    ({"seed": -1}, "seed"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _model(**kwargs)
    with pytest.raises(ValueError, match="input_shape"):
        kg.models.Autoencoder((28, 0))


def test_wrong_inputs_and_losses_fail_clearly():
    model = _model()
    model.compile()
    with pytest.raises(ValueError, match=r"expected batches of shape \(batch, 6, 6, 1\)"):
        model.fit(np.zeros((4, 6, 6), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"values in \[300, 300\]"):
        model.reconstruct(np.full((2, *SHAPE), 300.0, "float32"))
    with pytest.raises(ValueError, match="unknown loss"):
        model.compile(loss="hinge")


def test_overcomplete_preset_has_more_code_units_than_pixels():
    spec = kg.zoo.get("ae_overcomplete_mnist_28")
    assert spec.config["code_dim"] > 784
    assert spec.build(tiny=True).code_dim > 16


def test_keras_fit_builds_nothing_new():
    model = _model()
    before = model.count_params()
    model.compile()
    model.fit(model.example_data(4), epochs=1, verbose=0)
    assert model.count_params() == before
    assert isinstance(model.encoder, keras.Model)
