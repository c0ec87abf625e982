"""VAE presets: alias, search spaces, recipe callbacks, evaluation keys."""

import keras_tuner as kt
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.models.vae.presets import binarize, evaluate


def test_alias_and_recipe():
    spec = kg.zoo.get("vae")
    assert spec.name == "vae_mnist_28" and spec.headline_metric == "test_nll_nats"
    assert isinstance(spec.fit["callbacks"]()[0], kg.callbacks.KLWarmup)


@pytest.mark.parametrize("name", ["vae_mnist_28", "conv_vae_mnist_28"])
def test_search_space_overrides_build_and_compile(name):
    spec = kg.zoo.get(name)
    hp = kt.HyperParameters()
    overrides = dict(spec.search_space(hp))
    compile_overrides = overrides.pop("compile", {})
    overrides.pop("conv_filters", None)  # keep the tiny convolution
    model = spec.build(tiny=True, **overrides)
    model.compile(**{**spec.compile, **compile_overrides})
    assert model.latent_dim == hp.values["latent_dim"]


def test_evaluate_reports_nll_and_mse():
    spec = kg.zoo.get("vae_mnist_28")
    metrics = evaluate(spec.build(tiny=True, seed=0), spec, num_samples=2)
    assert set(metrics) == {"test_nll_nats", "test_mse"}
    assert 100 < metrics["test_nll_nats"] < 1000  # an untrained model: ~ 784 * log 2 nats
    np.testing.assert_array_equal(binarize(np.array([0.2, 0.5, 0.7])), [0, 0, 1])
