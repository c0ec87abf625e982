"""Preset of the recurrent autoencoder (MNIST digits read row by row)."""

from keras_gen.core.registry import Bound, PresetSpec, register_presets
from keras_gen.models.autoencoder.presets import (
    adam,
    evaluate_reconstruction,
    floor,
    pca_baseline,
)
from keras_gen.models.recurrent.model import RecurrentAutoencoder


def search_space(hp):
    """Recurrent width, cell type, code size and learning rate."""
    return {"units": (hp.Choice("units", [64, 128, 256]),),
            "cell": hp.Choice("cell", ["lstm", "gru"]),
            "code_dim": hp.Choice("code_dim", [16, 30, 64]), "compile": adam(hp)}


register_presets(
    PresetSpec(
        name="recurrent_ae_mnist_rows", family="autoencoder", model_class=RecurrentAutoencoder,
        config={"input_shape": (28, 28), "units": (128,), "code_dim": 30, "cell": "gru"},
        tiny_config={"input_shape": (5, 4), "units": (4,), "code_dim": 2},
        data={"name": "mnist_rows"},
        # XLA: 1.07x, 1.03x and 1.07x the images/s without, in three quick bench runs
        compile={"loss": "binary_crossentropy", "jit_compile": True,
                 "optimizer": {"class_name": "Adam", "config": {"learning_rate": 3e-3}}},
        fit={"epochs": 25, "batch_size": 32}, search_space=search_space,
        evaluate=evaluate_reconstruction, headline_metric="test_mse",
        bench=("speed",), floor=floor(Bound("test_mse", "<", pca_baseline(10))),
        description="GRU autoencoder on MNIST rows (28 steps x 28 pixels) -> 30-unit code."),
)
