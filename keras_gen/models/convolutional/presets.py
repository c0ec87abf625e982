"""Preset of the convolutional autoencoder."""

from keras_gen.core.registry import PresetSpec, register_presets
from keras_gen.models.autoencoder.presets import (
    BELOW_PCA_30,
    MNIST,
    adam,
    evaluate_reconstruction,
    floor,
)
from keras_gen.models.convolutional.model import ConvAutoencoder


def search_space(hp):
    """Channel widths, code size and learning rate."""
    width = hp.Choice("filters", [16, 32, 64])
    return {"filters": (width, 2 * width), "code_dim": hp.Choice("code_dim", [16, 30, 64]),
            "compile": adam(hp)}


register_presets(
    PresetSpec(
        name="conv_ae_mnist_28", family="autoencoder", model_class=ConvAutoencoder,
        config={"input_shape": MNIST, "filters": (32, 64), "code_dim": 30},
        tiny_config={"input_shape": (8, 8, 1), "filters": (4,), "code_dim": 4},
        data={"name": "mnist"}, compile={"loss": "binary_crossentropy"},
        fit={"epochs": 15, "batch_size": 64}, search_space=search_space,
        evaluate=evaluate_reconstruction, headline_metric="test_mse",
        bench=("speed",), floor=floor(BELOW_PCA_30),
        description="Convolutional autoencoder 28x28 -> 14x14x32 -> 7x7x64 -> 30 on MNIST."),
)
