"""What the progressive presets (ProGAN, StyleGAN) share: growth recipe, search space.

Both presets grow 4x4 -> 32x32 on the MNIST digits padded to 32: six phases of
`PHASE_IMAGES` (30,000 images), then they stay at 32x32 until their time
budget (the quality floors: 30 minutes for ProGAN, 60 for StyleGAN, on 2
cores) or `EPOCHS` epochs of the 4,000 digits (430,000 images) end training.
`python tools/floors.py progan stylegan` runs exactly this recipe against their floors.
"""

PHASE_IMAGES = 5_000
EPOCHS = 108
BATCH_SIZE = 32
DATA = {"name": "mnist", "size": 32}


def fit_recipe(minutes):
    """The `PresetSpec.fit` of a progressive preset with a `minutes` budget."""
    return {"epochs": EPOCHS, "batch_size": BATCH_SIZE, "minutes": minutes}


def width_search_space(hp):
    """Tuning overrides both families share: block widths and the R1 weight."""
    width = hp.Choice("width", [32, 64, 96])
    return {
        "filters": [width, width, max(16, width // 2), max(16, width // 4)],
        "compile": {"r1_gamma": hp.Choice("r1_gamma", [0.1, 1.0, 10.0], default=10.0)},
    }
