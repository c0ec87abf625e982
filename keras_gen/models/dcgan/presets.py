"""The `dcgan_mnist_28` preset (alias "dcgan"): recipe, search space, evaluation."""

import keras

from keras_gen.core.registry import PresetSpec, register_presets
from keras_gen.metrics.generator_quality import evaluate_generator, generator_floor
from keras_gen.models.dcgan.model import DCGAN


def search_space(hp):
    """Learning rates, loss, replay, minibatch layer and latent size of a DCGAN."""
    minibatch = hp.Choice("minibatch", ["none", "stddev", "discrimination"])
    replay = hp.Boolean("replay")
    return {
        "latent_dim": hp.Choice("latent_dim", [32, 64, 100]),
        "minibatch": None if minibatch == "none" else minibatch,
        "replay": {"capacity": 1024, "ratio": 0.5} if replay else None,
        "compile": {
            "g_optimizer": keras.optimizers.Adam(
                hp.Float("g_learning_rate", 1e-4, 1e-3, sampling="log"), beta_1=0.5),
            "d_optimizer": keras.optimizers.Adam(
                hp.Float("d_learning_rate", 1e-4, 1e-3, sampling="log"), beta_1=0.5),
            "loss": hp.Choice("loss", ["non_saturating", "hinge", "least_squares"]),
        },
    }


LEARNING_RATE = 1e-3


def adam_config(learning_rate=LEARNING_RATE, beta_1=0.5):
    """An Adam optimizer as a config dict: each `compile` makes a fresh optimizer from it
    (a shared instance would carry one model's state into the next)."""
    return {"class_name": "Adam", "config": {"learning_rate": learning_rate, "beta_1": beta_1}}


register_presets(PresetSpec(
    name="dcgan_mnist_28",
    family="gan",
    model_class=DCGAN,
    config={"image_shape": (28, 28, 1), "latent_dim": 64, "generator_filters": (256, 64),
            "generator_base_convs": (128,), "discriminator_filters": (64, 128, 256),
            "ema": 0.999, "seed": 0},
    tiny_config={"image_shape": (8, 8, 1), "latent_dim": 4, "generator_filters": (4,),
                 "generator_base_convs": (), "discriminator_filters": (4,)},
    data={"name": "mnist"},
    # 8 steps per call of the train function: 1.03x, 1.07x and 1.08x the images/s of one
    # in three `python tools/bench.py --quick` runs (docs/performance.md)
    compile={"g_optimizer": adam_config(), "d_optimizer": adam_config(),
             "steps_per_execution": 8},
    # 120,000 images (30 epochs of the 4,000 digits), what the shipped weights saw
    fit={"kimg": 120, "batch_size": 32},
    aliases=("dcgan",),
    description="DCGAN (transposed-conv generator, strided-conv discriminator, batch norm) "
                "with an EMA generator, on the 4,000 MNIST training digits.",
    search_space=search_space,
    evaluate=evaluate_generator,  # Frechet distance and coverage, 1,000 samples
    headline_metric="frechet_distance",
    bench=("speed", "quality", "profile"),
    floor=generator_floor(20.0, 9, minutes=10, doc="docs/gan.md"),
))
