"""Sample quality of the GAN presets (DCGAN, ProGAN, StyleGAN), measured one way.

1,000 images generated with seed 0, against the preset's 1,000 test digits, in the
shipped digit classifier's feature space: Frechet distance and mode coverage.
"""

import numpy as np

from keras_gen.core.registry import Bound, Floor


def generator_floor(frechet_below, classes, minutes, doc):
    """A generator's quality floor: Frechet distance below `frechet_below` (a number or
    "preset:frechet_distance") and at least `classes` digit classes, within `minutes`."""
    return Floor((Bound("frechet_distance", "<", frechet_below),
                  Bound("classes_covered", ">=", classes)), minutes=minutes, doc=doc)


def test_images(spec):
    """The preset's test split at its training size, in [0, 1]."""
    from keras_gen import data

    options = {k: v for k, v in spec.data.items() if k != "split"}
    x, _ = data.load_arrays(split="test", **options)
    return x


def to_size(images, side):
    """Pixel-replicate smaller images (a progressive model not yet fully grown) to `side`."""
    factor = side // images.shape[1]
    if factor <= 1:
        return images
    return np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)


def image_quality(real, fake):
    """Frechet distance on digit features and mode coverage of `fake` vs `real`.

    Returns:
        dict: `frechet_distance`, `classes_covered`, `coverage_entropy`,
        `class_histogram`.
    """
    from keras_gen import metrics

    fake = to_size(fake, real.shape[1])
    coverage = metrics.mode_coverage(fake)
    return {
        "frechet_distance": float(metrics.frechet_distance(real, fake, features="digits")),
        "classes_covered": int(coverage["classes_covered"]),
        "coverage_entropy": float(coverage["entropy"]),
        "class_histogram": [int(c) for c in coverage["histogram"]],
    }


def evaluate_generator(model, spec, n=1000, seed=0):
    """`image_quality` of `n` generated images against the preset's 1,000 test digits."""
    return image_quality(test_images(spec), model.generate(n, seed=seed))
