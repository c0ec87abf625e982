"""What the progressive presets (ProGAN, StyleGAN) share: growth recipe, search space.

Both presets grow 4x4 -> 32x32 on the MNIST digits padded to 32: six phases of
`PHASE_IMAGES` (30,000 images), then they train at 32x32 until their recipe's
image budget ("kimg": thousands of images; 400 for ProGAN, 432 for StyleGAN,
what their shipped weights were trained on) is spent. A budget in images
trains the same model on any machine; the time it took is reported beside it.
`python tools/floors.py progan stylegan` runs exactly this recipe against their floors.
"""

PHASE_IMAGES = 5_000
BATCH_SIZE = 32
DATA = {"name": "mnist", "size": 32}


def fit_recipe(kimg):
    """The `PresetSpec.fit` of a progressive preset trained on `kimg` thousand images."""
    return {"kimg": kimg, "batch_size": BATCH_SIZE}


def width_search_space(hp):
    """Tuning overrides both families share: block widths and the R1 weight."""
    width = hp.Choice("width", [32, 64, 96])
    return {
        "filters": [width, width, max(16, width // 2), max(16, width // 4)],
        "compile": {"r1_gamma": hp.Choice("r1_gamma", [0.1, 1.0, 10.0], default=10.0)},
    }
