"""StyleGAN presets: `stylegan_mnist_32` (alias "stylegan")."""

from keras_gen.models.progressive.evaluation import evaluate_generator
from keras_gen.models.stylegan.model import StyleGAN
from keras_gen.zoo.registry import PresetSpec, register_presets

PHASE_IMAGES = 5_000
# As progan_mnist_32: six growth phases, then 32x32 until the budget (the quality floor
# of issue #8: at most 60 minutes on 2 cores) or 108 epochs (430,000 images) end it;
# `python tools/floors_stylegan.py --phase-images 5000 --final-phases 80 --batch-size 32`.
EPOCHS = 108
MINUTES = 60


def search_space(hp):
    """Overrides for tuning `stylegan_mnist_32`: width, w size, mapping depth, mixing, R1."""
    width = hp.Choice("width", [32, 64, 96])
    return {
        "filters": [width, width, max(16, width // 2), max(16, width // 4)],
        "w_dim": hp.Choice("w_dim", [64, 128]),
        "mapping_layers": hp.Choice("mapping_layers", [2, 4, 8]),
        "mixing_prob": hp.Choice("mixing_prob", [0.0, 0.5, 0.9]),
        "compile": {"r1_gamma": hp.Choice("r1_gamma", [0.1, 1.0, 10.0], default=1.0)},
    }


def evaluate(model, spec):
    """Frechet distance and coverage at psi = 1 (1,000 samples vs the 1,000 test digits)."""
    return evaluate_generator(model, spec)


register_presets(
    PresetSpec(
        name="stylegan_mnist_32",
        family="gan",
        model_class=StyleGAN,
        config={"resolution": 32, "channels": 1, "latent_dim": 64, "w_dim": 64,
                "mapping_layers": 8, "filters": [64, 64, 32, 16],
                "phase_images": PHASE_IMAGES, "mixing_prob": 0.9, "group_size": 4,
                "ema": 0.999},
        tiny_config={"resolution": 8, "latent_dim": 8, "w_dim": 8, "mapping_layers": 2,
                     "filters": [8, 8], "phase_images": 8},
        data={"name": "mnist", "size": 32},
        compile={},
        fit={"epochs": EPOCHS, "batch_size": 32, "minutes": MINUTES},
        aliases=("stylegan",),
        description="StyleGAN (mapping, modulated synthesis, noise, mixing, truncation) "
                    "grown 4x4 -> 32x32 on MNIST digits padded to 32",
        search_space=search_space,
        evaluate=evaluate,
        headline_metric="frechet_distance",
    ),
)
