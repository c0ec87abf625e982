"""VAE: ELBO terms, train/test steps, generation, importance-weighted likelihood, round trips."""

import numpy as np
import pytest
from scipy.special import logsumexp

import keras_gen as kg
from keras_gen import testing
from keras_gen.losses.kl import gaussian_kl


def _binary(n, shape, seed=0):
    return (np.random.default_rng(seed).uniform(size=(n, *shape)) > 0.5).astype("float32")


def test_encode_decode_call_shapes_and_mean_decoding():
    model = kg.models.VAE((8, 8, 1), latent_dim=3, hidden=(6,), conv_filters=(2, 4), seed=0)
    x = model.example_data(5)
    mean, log_var = model.encode(x)
    assert tuple(mean.shape) == tuple(log_var.shape) == (5, 3)
    recon = np.asarray(model(x))
    assert recon.shape == (5, 8, 8, 1) and recon.min() >= 0 and recon.max() <= 1
    np.testing.assert_allclose(recon, np.asarray(model.decode(mean)), atol=1e-6)
    np.testing.assert_allclose(recon, np.asarray(model(x)), atol=0)  # no sampling in call


def test_loss_terms_are_the_negative_elbo_parts_in_nats():
    model = kg.models.VAE((5,), latent_dim=2, hidden=(4,), beta=0.5, seed=1)
    x = _binary(6, (5,))
    terms = model.compute_losses(x, training=False)
    mean, log_var = model.encode(x)
    np.testing.assert_allclose(np.asarray(terms["kl_loss"]),
                               np.asarray(gaussian_kl(mean, log_var)), rtol=1e-6)
    logits = np.asarray(model.decoder(mean))
    probs = 1 / (1 + np.exp(-logits))
    expected = -np.sum(x * np.log(probs) + (1 - x) * np.log(1 - probs), axis=1)
    np.testing.assert_allclose(np.asarray(model.log_likelihood_given_code(x, logits)), -expected,
                               rtol=1e-5)
    logs = testing.one_step_training(model, x)
    assert set(logs) == {"loss", "reconstruction_loss", "kl_loss"}
    assert logs["loss"] == pytest.approx(logs["reconstruction_loss"] + 0.5 * logs["kl_loss"],
                                         rel=1e-5)
    result = model.evaluate(x, verbose=0, return_dict=True)
    assert set(result) == {"loss", "reconstruction_loss", "kl_loss"}


def test_gaussian_likelihood_matches_its_density():
    model = kg.models.VAE((3,), latent_dim=1, hidden=(), likelihood="gaussian")
    model.log_scale.assign(np.log(0.2))
    x = np.array([[0.1, 0.5, 0.9]], "float32")
    logits = np.array([[0.0, 1.0, -1.0]], "float32")
    mu = 1 / (1 + np.exp(-logits))
    expected = np.sum(-0.5 * ((x - mu) / 0.2) ** 2 - np.log(0.2) - 0.5 * np.log(2 * np.pi))
    np.testing.assert_allclose(np.asarray(model.log_likelihood_given_code(x, logits)),
                               [expected], rtol=1e-5)


def test_generate_is_reproducible_with_a_seed():
    model = kg.models.VAE((4, 4, 1), latent_dim=2, hidden=(5,), seed=0)
    a = np.asarray(model.generate(6, seed=7))
    assert a.shape == (6, 4, 4, 1) and a.min() >= 0 and a.max() <= 1
    np.testing.assert_array_equal(a, np.asarray(model.generate(6, seed=7)))
    assert not np.allclose(a, np.asarray(model.generate(6, seed=8)))
    assert not np.allclose(np.asarray(model.generate(6)), np.asarray(model.generate(6)))
    with pytest.raises(ValueError, match="n must be"):
        model.generate(0)


def test_log_likelihood_agrees_with_direct_monte_carlo_over_the_prior():
    model = kg.models.VAE((4,), latent_dim=1, hidden=(), seed=0)
    model.decoder.get_layer("decoder_output").kernel.assign(np.array([[2.0, -1.5, 1.0, 3.0]]))
    # q(z|x) = N(0.4, 1): differs from the prior, but broad enough for importance sampling.
    for name, bias in (("z_mean", 0.4), ("z_log_var", 0.0)):
        layer = model.encoder.get_layer(name)
        layer.kernel.assign(np.zeros(layer.kernel.shape))
        layer.bias.assign(np.array([bias]))
    x = np.array([[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1]], "float32")

    z = np.random.default_rng(0).standard_normal((200_000, 1)).astype("float32")
    logits = np.asarray(model.decoder(z))  # (N, 4)
    log_px_given_z = x @ logits.T - np.logaddexp(0, logits).sum(axis=1)  # (3, N)
    direct = logsumexp(log_px_given_z, axis=1) - np.log(len(z))

    # Importance sampling error with 20,000 samples is below 0.015 nats here (checked in numpy).
    iwae = model.log_likelihood(x, num_samples=20_000, seed=1)
    chunked = model.log_likelihood(x, num_samples=20_000, max_decodings=3000, seed=2)
    assert iwae.shape == (3,)
    np.testing.assert_allclose(iwae, direct, atol=0.04)
    np.testing.assert_allclose(chunked, direct, atol=0.04)
    # One sample gives the ELBO, a looser bound (the gap is KL(q || posterior), 0.6 to 4 nats here).
    elbo = model.log_likelihood(np.repeat(x, 500, axis=0), num_samples=1, seed=3)
    assert np.all(elbo.reshape(3, 500).mean(axis=1) < direct - 0.3)


def test_round_trips_with_optimizer_and_kl_weight(tmp_path):
    model = kg.models.VAE((8, 8, 1), latent_dim=2, hidden=(), conv_filters=(3,),
                          likelihood="gaussian", beta=4.0, seed=2)
    clone = testing.run_serialization_test(model)
    assert clone.beta == 4.0 and clone.likelihood == "gaussian" and clone.conv_filters == (3,)
    testing.one_step_training(model, model.example_data(8))
    model.kl_weight.assign(1.5)
    restored = testing.run_model_saving_test(model, model.example_call_inputs(4), str(tmp_path))
    assert float(restored.kl_weight.numpy()) == 1.5
    assert float(restored.log_scale.numpy()) == pytest.approx(float(model.log_scale.numpy()))
    np.testing.assert_array_equal(np.asarray(restored.generate(3, seed=0)),
                                  np.asarray(model.generate(3, seed=0)))


@pytest.mark.parametrize("kwargs, match", [
    ({"latent_dim": 0}, "latent_dim"),
    ({"likelihood": "poisson"}, "likelihood"),
    ({"beta": -1.0}, "beta"),
    ({"hidden": "big"}, "hidden"),
    ({"input_shape": (16,), "conv_filters": (4,)}, r"\(height, width, channels\)"),
    ({"conv_filters": ()}, "conv_filters"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kg.models.VAE(**{"input_shape": (4, 4, 1), "latent_dim": 2, **kwargs})


def test_wrong_inputs_and_losses_fail_clearly():
    model = kg.models.VAE((4, 4, 1), latent_dim=2, hidden=())
    with pytest.raises(ValueError, match="likelihood="):
        model.compile(loss="mse")
    model.compile(loss="bernoulli")
    with pytest.raises(ValueError, match=r"\(batch, 4, 4, 1\)"):
        model.fit(np.zeros((2, 16), "float32"), verbose=0)
    with pytest.raises(ValueError, match=r"\(batch, 4, 4, 1\)"):
        model.log_likelihood(np.zeros((2, 4, 4), "float32"))
    with pytest.raises(ValueError, match="num_samples"):
        model.log_likelihood(np.zeros((2, 4, 4, 1), "float32"), num_samples=0)


@pytest.mark.parametrize("step", ["train_step", "test_step"])
def test_layer_regularizers_are_part_of_the_minimised_loss(step):
    """A regularizer on a network's weights adds to the VAE's loss, in training and testing."""
    import keras

    model = kg.models.VAE((6,), latent_dim=2, hidden=(4,), beta=0.5, seed=3)
    model.compile(optimizer="sgd")
    kernel = [layer for layer in model.decoder.layers if hasattr(layer, "kernel")][-1].kernel
    kernel.regularizer = keras.regularizers.L2(10.0)
    regularization = float(np.sum([np.asarray(term) for term in model.losses]))
    assert regularization > 0.1
    logs = {k: float(v) for k, v in getattr(model, step)(_binary(8, (6,))).items()}
    expected = logs["reconstruction_loss"] + 0.5 * logs["kl_loss"] + regularization
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)
