"""ProGAN presets: `progan_mnist_32` (alias "progan")."""

from keras_gen.core.registry import PresetSpec, register_presets
from keras_gen.metrics.generator_quality import evaluate_generator, generator_floor
from keras_gen.models.progan.model import ProGAN
from keras_gen.models.progressive import recipes
from keras_gen.models.progressive.report import growth_report


def search_space(hp):
    """Overrides for tuning `progan_mnist_32`: width, latent size, EMA, R1 weight."""
    return {**recipes.width_search_space(hp),
            "latent_dim": hp.Choice("latent_dim", [64, 128]),
            "ema": hp.Choice("ema", [0.99, 0.999])}


register_presets(
    PresetSpec(
        name="progan_mnist_32",
        family="gan",
        model_class=ProGAN,
        config={"resolution": 32, "channels": 1, "latent_dim": 128,
                "filters": [64, 64, 32, 16], "phase_images": recipes.PHASE_IMAGES,
                "group_size": 4, "ema": 0.999},
        tiny_config={"resolution": 8, "latent_dim": 8, "filters": [8, 8],
                     "phase_images": 8},
        data=dict(recipes.DATA),
        compile={},
        fit=recipes.fit_recipe(kimg=400),  # 100 epochs of the 4,000 digits
        aliases=("progan",),
        description="Progressive GAN grown 4x4 -> 32x32 on MNIST digits padded to 32",
        search_space=search_space,
        evaluate=evaluate_generator,  # Frechet distance and coverage, 1,000 samples
        headline_metric="frechet_distance",
        bench=("speed", "quality"),
        floor=generator_floor(20.0, 9, minutes=30, doc="docs/progan.md"),
        report=growth_report,
    ),
)
