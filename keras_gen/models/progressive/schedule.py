"""The growth schedule: which stage and fade-in alpha follow from images seen.

Stage `s` works at resolution `4 * 2**s`. Training runs phases of
`phase_images` images each (the paper's "kimg"):

    phase 0           stage 0 (4x4), stable                  alpha = 1
    phase 2k - 1      stage k, transition (fade-in)          alpha: 0 -> 1
    phase 2k          stage k, stable                        alpha = 1

until the last stage, which stays stable for the rest of training. So a model
reaches its full resolution after `growth_images(...)` images.
"""

import math

BASE_RESOLUTION = 4


def num_stages(resolution):
    """Stages from 4x4 to `resolution` (a power of two >= 8): 32 -> 4 (4, 8, 16, 32)."""
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 8 \
            or resolution & (resolution - 1):
        raise ValueError(f"resolution must be a power of two >= 8, got {resolution!r}.")
    return int(math.log2(resolution // BASE_RESOLUTION)) + 1


def resolution_of(stage):
    """Side of the images of `stage`: 0 -> 4, 1 -> 8, ..."""
    return BASE_RESOLUTION * 2 ** int(stage)


def growth_images(phase_images, stages):
    """Images shown before the last stage is fully faded in and stable."""
    return 2 * (stages - 1) * phase_images


def stage_at(images_seen, phase_images, stages):
    """`(stage, alpha, phase)` after `images_seen` training images.

    Args:
        images_seen: int >= 0.
        phase_images: int >= 1, images per transition or stable phase.
        stages: number of stages (`num_stages(resolution)`).

    Returns:
        `stage` (int), `alpha` (float in [0, 1], < 1 only while stage's new
        block fades in) and `phase` (int, capped at the last stable phase).
    """
    images_seen = max(int(images_seen), 0)
    last = 2 * (stages - 1)
    phase = min(images_seen // phase_images, last)
    if phase == last or phase % 2 == 0:
        return phase // 2, 1.0, phase
    alpha = (images_seen - phase * phase_images) / phase_images
    return (phase + 1) // 2, float(alpha), phase


def describe(stage, alpha):
    """Human-readable stage: '16x16 (fade-in 42%)' or '16x16'."""
    side = resolution_of(stage)
    text = f"{side}x{side}"
    return text if alpha >= 1.0 else f"{text} (fade-in {alpha:.0%})"
