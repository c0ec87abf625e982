"""StyleGAN presets: `stylegan_mnist_32` (alias "stylegan")."""

from keras_gen.core.registry import PresetSpec, register_presets
from keras_gen.metrics.generator_quality import evaluate_generator, generator_floor
from keras_gen.models.progressive import recipes
from keras_gen.models.stylegan.model import StyleGAN
from keras_gen.models.stylegan.report import style_report


def search_space(hp):
    """Overrides for tuning `stylegan_mnist_32`: width, w size, mapping depth, mixing, R1."""
    return {**recipes.width_search_space(hp),
            "w_dim": hp.Choice("w_dim", [64, 128]),
            "mapping_layers": hp.Choice("mapping_layers", [2, 4, 8]),
            "mixing_prob": hp.Choice("mixing_prob", [0.0, 0.5, 0.9])}


register_presets(
    PresetSpec(
        name="stylegan_mnist_32",
        family="gan",
        model_class=StyleGAN,
        config={"resolution": 32, "channels": 1, "latent_dim": 64, "w_dim": 64,
                "mapping_layers": 8, "filters": [64, 64, 32, 16],
                "phase_images": recipes.PHASE_IMAGES, "mixing_prob": 0.9, "group_size": 4,
                "ema": 0.999},
        tiny_config={"resolution": 8, "latent_dim": 8, "w_dim": 8, "mapping_layers": 2,
                     "filters": [8, 8], "phase_images": 8},
        data=dict(recipes.DATA),
        compile={},
        fit=recipes.fit_recipe(kimg=432),  # 108 epochs of the 4,000 digits
        aliases=("stylegan",),
        description="StyleGAN (mapping, modulated synthesis, noise, mixing, truncation) "
                    "grown 4x4 -> 32x32 on MNIST digits padded to 32",
        search_space=search_space,
        evaluate=evaluate_generator,  # Frechet distance and coverage at psi = 1
        headline_metric="frechet_distance",
        bench=("speed", "quality"),
        floor=generator_floor("dcgan_mnist_28:frechet_distance", 10, minutes=60,
                              doc="docs/stylegan.md"),
        report=style_report,
    ),
)
