"""The autoencoder presets' search spaces build compiled models; evaluation reports metrics."""

import keras_tuner as kt
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.models.autoencoder.presets import corrupt_gaussian, evaluate_reconstruction

NAMES = ["ae_mnist_28", "ae_tied_mnist_28", "ae_denoising_mnist_28", "ae_sparse_mnist_28",
         "ae_overcomplete_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows"]


@pytest.mark.parametrize("name", NAMES)
def test_search_space_overrides_build_and_compile(name):
    spec = kg.zoo.get(name)
    hp = kt.HyperParameters()
    overrides = dict(spec.search_space(hp))
    compile_overrides = overrides.pop("compile", {})
    model = spec.build(tiny=True, **overrides)
    model.compile(**{**spec.compile, **compile_overrides})
    assert hp.values and "learning_rate" in hp.values
    assert float(model.optimizer.learning_rate) == pytest.approx(hp.values["learning_rate"])
    assert spec.headline_metric == "test_mse" and spec.family == "autoencoder"


def test_evaluate_measures_denoising_and_sparsity():
    spec = kg.zoo.get("ae_denoising_mnist_28")
    model = spec.build(tiny=True, sparsity=kg.regularizers.L1Activity(1e-3))
    metrics = evaluate_reconstruction(model, spec)
    assert set(metrics) == {"test_mse", "test_denoising_mse", "test_noisy_input_mse",
                            "test_mean_code_activation"}
    assert all(np.isfinite(v) for v in metrics.values())
    # stddev 0.3, clipped to [0, 1]: about half the variance survives on the black background
    assert 0.04 < metrics["test_noisy_input_mse"] < 0.06


def test_evaluation_noise_is_fixed():
    x = np.full((2, 3), 0.5, "float32")
    np.testing.assert_array_equal(corrupt_gaussian(x, 0.3), corrupt_gaussian(x, 0.3))
