"""ProGAN presets: `progan_mnist_32` (alias "progan")."""

from keras_gen.models.progan.model import ProGAN
from keras_gen.models.progressive.evaluation import evaluate_generator
from keras_gen.zoo.registry import PresetSpec, register_presets

PHASE_IMAGES = 5_000
# 35 epochs of the 4,000 digits = 140,000 images: 30,000 to grow 4x4 -> 32x32 (six phases
# of PHASE_IMAGES), the rest stable at 32x32. Measured: 30 min on 2 shared cores
# (docs/progan.md).
EPOCHS = 35


def search_space(hp):
    """Overrides for tuning `progan_mnist_32`: width, latent size, EMA, R1 weight."""
    width = hp.Choice("width", [32, 64, 96])
    return {
        "filters": [width, width, max(16, width // 2), max(16, width // 4)],
        "latent_dim": hp.Choice("latent_dim", [64, 128]),
        "ema": hp.Choice("ema", [0.99, 0.999]),
        "compile": {"r1_gamma": hp.Choice("r1_gamma", [0.1, 1.0, 10.0], default=1.0)},
    }


def evaluate(model, spec):
    """Frechet distance (digit features, 1,000 samples vs the 1,000 test digits), coverage."""
    return evaluate_generator(model, spec)


register_presets(
    PresetSpec(
        name="progan_mnist_32",
        family="gan",
        model_class=ProGAN,
        config={"resolution": 32, "channels": 1, "latent_dim": 128,
                "filters": [64, 64, 32, 16], "phase_images": PHASE_IMAGES, "group_size": 4,
                "ema": 0.99},
        tiny_config={"resolution": 8, "latent_dim": 8, "filters": [8, 8],
                     "phase_images": 8},
        data={"name": "mnist", "size": 32},
        compile={},
        fit={"epochs": EPOCHS, "batch_size": 32},
        aliases=("progan",),
        description="Progressive GAN grown 4x4 -> 32x32 on MNIST digits padded to 32",
        search_space=search_space,
        evaluate=evaluate,
        headline_metric="frechet_distance",
    ),
)
