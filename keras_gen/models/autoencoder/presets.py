"""Presets of the dense autoencoders, and the evaluation shared by every autoencoder family."""

import numpy as np

from keras_gen import noise as noise_lib
from keras_gen.core.registry import Bound, Floor, PresetSpec, register_presets
from keras_gen.models.autoencoder.model import Autoencoder
from keras_gen.regularizers.sparsity import KLSparsity

MNIST = (28, 28, 1)
EVALUATION_NOISE_SEED = 0


def adam(hp, low=1e-4, high=3e-3):
    """Compile overrides tuning Adam's learning rate on a log scale."""
    rate = hp.Float("learning_rate", low, high, sampling="log")
    return {"optimizer": {"class_name": "Adam", "config": {"learning_rate": rate}}}


def corrupt_gaussian(x, stddev, seed=EVALUATION_NOISE_SEED):
    """`x + N(0, stddev^2)` clipped to [0, 1] with a fixed numpy seed (evaluation noise)."""
    noisy = x + stddev * np.random.default_rng(seed).standard_normal(x.shape).astype("float32")
    return np.clip(noisy, 0.0, 1.0)


def code_activations(model, x, batch_size=256):
    """Codes of `x` as a numpy array `(n, *code_shape)`."""
    return np.concatenate([np.asarray(model.encode(x[i:i + batch_size]))
                           for i in range(0, len(x), batch_size)])


def evaluate_reconstruction(model, spec):
    """Measured metrics of an autoencoder on its preset's test split.

    Returns:
        `{"test_mse": ...}` (mean squared error per value, inputs in [0, 1]);
        with Gaussian noise also `test_denoising_mse` (output of corrupted
        test inputs vs the clean ones) and `test_noisy_input_mse` (corrupted
        vs clean); with a sparsity penalty `test_mean_code_activation`.
    """
    from keras_gen import data

    x, _ = data.load_arrays(**{**spec.data, "split": "test"})
    metrics = {"test_mse": float(np.mean((model.reconstruct(x) - x) ** 2))}
    if isinstance(getattr(model, "noise", None), noise_lib.Gaussian):
        noisy = corrupt_gaussian(x, model.noise.stddev)
        metrics["test_denoising_mse"] = float(np.mean((model.reconstruct(noisy) - x) ** 2))
        metrics["test_noisy_input_mse"] = float(np.mean((noisy - x) ** 2))
    if getattr(model, "sparsity", None) is not None:
        metrics["test_mean_code_activation"] = float(np.mean(code_activations(model, x)))
    return metrics


def pca_baseline(components):
    """A floor reference: test MSE of PCA with `components` components fitted on the training split.

    Returns `fn(spec) -> float`, named `pca_<components>_test_mse` in floor reports.
    """

    def baseline(spec):
        from sklearn.decomposition import PCA

        from keras_gen import data

        train, _ = data.load_arrays(**{**spec.data, "split": "train"})
        test, _ = data.load_arrays(**{**spec.data, "split": "test"})
        train, test = train.reshape(len(train), -1), test.reshape(len(test), -1)
        pca = PCA(components, random_state=0).fit(train)
        return float(np.mean((pca.inverse_transform(pca.transform(test)) - test) ** 2))

    baseline.__name__ = f"pca_{components}_test_mse"
    return baseline


# Every autoencoder trains by its recipe within 3 minutes on 2 cores.
MINUTES = 3.0
DOC = "docs/autoencoders.md"
BELOW_PCA_30 = Bound("test_mse", "<", pca_baseline(30))
SPARSE_CODES = (Bound("test_mean_code_activation", ">", 0.05),
                Bound("test_mean_code_activation", "<", 0.2))


def floor(*bounds):
    """The autoencoders' floor: `bounds` within `MINUTES` of training."""
    return Floor(bounds=bounds, minutes=MINUTES, doc=DOC)


def dense_search_space(hp):
    """Width, code size and learning rate of a dense autoencoder."""
    width = hp.Choice("hidden_units", [128, 256, 512])
    return {"hidden": (width, width // 2), "code_dim": hp.Choice("code_dim", [16, 30, 64]),
            "compile": adam(hp)}


def denoising_search_space(hp):
    """The dense space plus the noise level."""
    space = dense_search_space(hp)
    space["noise"] = noise_lib.Gaussian(hp.Float("noise_stddev", 0.1, 0.5, step=0.1))
    return space


def sparse_search_space(hp):
    """Code size, sparsity weight and learning rate of a KL-sparse autoencoder."""
    return {
        "code_dim": hp.Choice("code_dim", [64, 128, 256]),
        "sparsity": KLSparsity(0.1, hp.Float("sparsity_weight", 1e-4, 1e-2, sampling="log")),
        "compile": adam(hp),
    }


def overcomplete_search_space(hp):
    """Sparsity weight and learning rate of the overcomplete sparse autoencoder."""
    return {
        "sparsity": KLSparsity(0.1, hp.Float("sparsity_weight", 1e-4, 1e-2, sampling="log")),
        "compile": adam(hp),
    }


BASE = {"input_shape": MNIST, "hidden": (512, 256), "code_dim": 30}
TINY = {"hidden": (16,), "code_dim": 4}
COMMON = {"family": "autoencoder", "model_class": Autoencoder, "data": {"name": "mnist"},
          "compile": {"loss": "binary_crossentropy"}, "evaluate": evaluate_reconstruction,
          "headline_metric": "test_mse"}
SPARSE = KLSparsity(target=0.1, weight=3e-3)

FIT = {"epochs": 30, "batch_size": 64}

register_presets(
    PresetSpec(name="ae_mnist_28", config=dict(BASE), tiny_config=TINY, fit=FIT,
               search_space=dense_search_space,
               description="Stacked dense autoencoder 784-512-256-30 on MNIST.", bench=("speed",),
               floor=floor(BELOW_PCA_30),
               # XLA: 1.64x the images/s of the default (`python tools/bench.py --quick`)
               **{**COMMON, "compile": {**COMMON["compile"], "jit_compile": True}}),
    PresetSpec(name="ae_tied_mnist_28", config={**BASE, "tied_weights": True},
               tiny_config=TINY, fit=FIT, search_space=dense_search_space,
               description="Dense autoencoder with tied weights (decoder = encoder kernels "
                           "transposed).", floor=floor(), **COMMON),
    PresetSpec(name="ae_denoising_mnist_28",
               config={**BASE, "noise": noise_lib.Gaussian(0.3)}, tiny_config=TINY, fit=FIT,
               search_space=denoising_search_space,
               description="Denoising dense autoencoder (Gaussian noise, stddev 0.3).",
               floor=floor(Bound("test_denoising_mse", "<", "test_noisy_input_mse")), **COMMON),
    PresetSpec(name="ae_sparse_mnist_28",
               config={"input_shape": MNIST, "hidden": (512,), "code_dim": 256,
                       "code_activation": "sigmoid", "sparsity": SPARSE},
               tiny_config={"hidden": (16,), "code_dim": 8}, fit=FIT,
               search_space=sparse_search_space,
               description="Sparse dense autoencoder: 256 sigmoid code units, KL sparsity to "
                           "rate 0.1.", floor=floor(*SPARSE_CODES), **COMMON),
    PresetSpec(name="ae_overcomplete_mnist_28",
               config={"input_shape": MNIST, "hidden": (1024,), "code_dim": 1024,
                       "code_activation": "sigmoid", "sparsity": SPARSE},
               tiny_config={"input_shape": (4, 4, 1), "hidden": (8,), "code_dim": 32},
               fit={"epochs": 20, "batch_size": 64}, search_space=overcomplete_search_space,
               description="Overcomplete sparse autoencoder: 1024 sigmoid code units > 784 "
                           "pixels, KL sparsity to rate 0.1.",
               floor=floor(BELOW_PCA_30, *SPARSE_CODES), **COMMON),
)
