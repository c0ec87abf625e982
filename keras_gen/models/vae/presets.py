"""Presets of the variational autoencoders, their search spaces and evaluation."""

import numpy as np

from keras_gen.core.registry import Bound, Floor, PresetSpec, register_presets
from keras_gen.models.autoencoder.presets import adam
from keras_gen.models.vae.kl_warmup import KLWarmup
from keras_gen.models.vae.model import VAE

EVALUATION_SAMPLES = 500
BINARIZE_THRESHOLD = 0.5


def binarize(x, threshold=BINARIZE_THRESHOLD):
    """Images in [0, 1] -> {0, 1} float32 (pixel > threshold)."""
    return (np.asarray(x) > threshold).astype("float32")


def evaluate(model, spec, num_samples=EVALUATION_SAMPLES):
    """Measured metrics of a VAE on its preset's test split.

    Returns:
        `test_nll_nats`: mean negative log-likelihood of the test images
        binarized at 0.5 (Bernoulli) or as they are (Gaussian), estimated with
        `num_samples` importance samples; `test_mse`: mean squared error of
        mean reconstructions of the test images, per pixel.
    """
    from keras_gen import data

    x, _ = data.load_arrays(**{**spec.data, "split": "test"})
    targets = binarize(x) if model.likelihood == "bernoulli" else x
    nll = -model.log_likelihood(targets, num_samples=num_samples, seed=0)
    return {"test_nll_nats": float(np.mean(nll)),
            "test_mse": float(np.mean((model.reconstruct(targets) - targets) ** 2))}


def dense_callbacks():
    """Fresh callbacks of the dense preset's recipe: KL warm-up over 10 epochs."""
    return [KLWarmup(10)]


def conv_callbacks():
    """Fresh callbacks of the convolutional preset's recipe: KL warm-up over 5 epochs."""
    return [KLWarmup(5)]


def dense_search_space(hp):
    """Latent size, width, beta and learning rate of a dense VAE."""
    width = hp.Choice("hidden_units", [256, 512])
    return {"latent_dim": hp.Choice("latent_dim", [8, 16, 32]), "hidden": (width, width // 2),
            "beta": hp.Float("beta", 0.5, 2.0, step=0.5), "compile": adam(hp)}


def conv_search_space(hp):
    """Latent size, channel widths and learning rate of a convolutional VAE."""
    width = hp.Choice("filters", [16, 32])
    return {"latent_dim": hp.Choice("latent_dim", [8, 16, 32]), "conv_filters": (width, 2 * width),
            "compile": adam(hp)}


COMMON = {"family": "vae", "model_class": VAE, "data": {"name": "mnist"},
          "evaluate": evaluate, "headline_metric": "test_nll_nats"}

register_presets(
    PresetSpec(
        name="vae_mnist_28", aliases=("vae",),
        config={"input_shape": (28, 28, 1), "latent_dim": 16, "hidden": (512, 256)},
        tiny_config={"hidden": (16,), "latent_dim": 2},
        fit={"epochs": 60, "batch_size": 100, "callbacks": dense_callbacks},
        compile={"jit_compile": True},  # 1.33x the images/s without (tools/bench.py --quick)
        search_space=dense_search_space,
        description="Dense VAE 784-512-256-16, Bernoulli likelihood, on MNIST.",
        bench=("speed", "quality", "profile"),
        floor=Floor((Bound("test_nll_nats", "<=", 100.0),), minutes=2.0, doc="docs/vae.md"),
        **COMMON),
    PresetSpec(
        name="conv_vae_mnist_28",
        config={"input_shape": (28, 28, 1), "latent_dim": 16, "hidden": (256,),
                "conv_filters": (16, 32)},
        tiny_config={"input_shape": (8, 8, 1), "hidden": (8,), "conv_filters": (4,),
                     "latent_dim": 2},
        fit={"epochs": 40, "batch_size": 100, "callbacks": conv_callbacks},
        search_space=conv_search_space,
        description="Convolutional VAE (16, 32 filters), 16-d latent, Bernoulli likelihood, "
                    "on MNIST.",
        floor=Floor((Bound("test_nll_nats", "<=", 100.0),), minutes=3.0, doc="docs/vae.md"),
        **COMMON),
)
