"""ProGAN presets: `progan_mnist_32` (alias "progan")."""

from keras_gen.models.progan.model import ProGAN
from keras_gen.models.progressive.evaluation import evaluate_generator
from keras_gen.zoo.registry import PresetSpec, register_presets

PHASE_IMAGES = 5_000
# Growing 4x4 -> 32x32 takes six phases of PHASE_IMAGES (30,000 images); the recipe then
# stays at 32x32 until its budget (the quality floor of issue #7: at most 30 minutes on
# 2 cores) or 108 epochs of the 4,000 digits (430,000 images) end it. This is what
# `python tools/floors_progan.py --phase-images 5000 --final-phases 80 --batch-size 32`
# runs (docs/progan.md).
EPOCHS = 108
MINUTES = 30


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
                "ema": 0.999},
        tiny_config={"resolution": 8, "latent_dim": 8, "filters": [8, 8],
                     "phase_images": 8},
        data={"name": "mnist", "size": 32},
        compile={},
        fit={"epochs": EPOCHS, "batch_size": 32, "minutes": MINUTES},
        aliases=("progan",),
        description="Progressive GAN grown 4x4 -> 32x32 on MNIST digits padded to 32",
        search_space=search_space,
        evaluate=evaluate,
        headline_metric="frechet_distance",
    ),
)
