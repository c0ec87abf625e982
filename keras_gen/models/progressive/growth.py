"""Routing a progressively grown network by its current stage and alpha.

All blocks exist from construction; the stage decides which of them run.
`stage` is either a Python int (a fixed path, e.g. for export) or an int
tensor (the model's stage variable): then every stage's path is traced once
and `keras.ops.switch` runs only the current one, so one compiled train
function serves the whole growth. Blocks of other stages receive zero
gradients.

Images between the networks always have the final resolution: a generator
at stage s upsamples its `4 * 2**s` output (nearest neighbour, i.e. pixel
replication) and the discriminator first averages the input back down, which
undoes the replication exactly. Shapes therefore stay static through the whole
growth, and real images go through the same average pooling.
"""

from keras import ops

from keras_gen.layers.fade_in import fade_in as fade
from keras_gen.models.progressive.schedule import resolution_of


def upsample(images, factor):
    """Nearest-neighbour upsampling of NHWC images by an int `factor`."""
    if factor == 1:
        return images
    return ops.repeat(ops.repeat(images, factor, axis=1), factor, axis=2)


def downsample(images, factor):
    """Average pooling of NHWC images by an int `factor` (box filter)."""
    if factor == 1:
        return images
    return ops.average_pool(images, pool_size=factor, strides=factor, padding="valid")


def _route(stage, branch, stages):
    if isinstance(stage, int):
        if not 0 <= stage < stages:
            raise ValueError(f"stage must be in [0, {stages - 1}], got {stage}.")
        return branch(stage)
    index = ops.clip(ops.cast(stage, "int32"), 0, stages - 1)
    return ops.switch(index, [lambda s=s: branch(s) for s in range(stages)])


def generator_path(stage, alpha, stages, block, to_image, final_resolution):
    """Images of a progressive generator at `stage`, at the final resolution.

    Args:
        stage: Python int or int tensor, current stage.
        alpha: scalar; fade-in of the stage's newest block (1 when stable).
        stages: total number of stages.
        block: `fn(k, features) -> features`: block `k` (0 takes `None` and
            starts from the latent the caller closed over), output
            `(batch, 4*2**k, 4*2**k, filters_k)`.
        to_image: `fn(k, features) -> (batch, 4*2**k, 4*2**k, channels)`.
        final_resolution: side of the returned images.

    Returns:
        `(batch, final_resolution, final_resolution, channels)`: the newest
        block's image faded with the previous stage's (upsampled) image.
    """
    def branch(s):
        features = block(0, None)
        previous = None
        for k in range(1, s + 1):
            previous = features
            features = block(k, features)
        image = to_image(s, features)
        if s > 0:
            image = fade(upsample(to_image(s - 1, previous), 2), image, alpha)
        return upsample(image, final_resolution // resolution_of(s))

    return _route(stage, branch, stages)


def discriminator_path(stage, alpha, stages, images, from_image, block, head,
                       final_resolution):
    """Scores of a progressive discriminator at `stage`.

    Args:
        stage, alpha, stages: as in `generator_path`.
        images: `(batch, final_resolution, final_resolution, channels)`.
        from_image: `fn(k, images_k) -> features` at resolution `4*2**k`.
        block: `fn(k, features) -> features` halving resolution `4*2**k`
            (k >= 1).
        head: `fn(features_4x4) -> scores`.
        final_resolution: side of `images`.

    Returns:
        Whatever `head` returns (e.g. `(batch, 1)` logits).
    """
    def branch(s):
        x = downsample(images, final_resolution // resolution_of(s))
        features = from_image(s, x)
        if s > 0:
            features = block(s, features)
            features = fade(from_image(s - 1, downsample(x, 2)), features, alpha)
            for k in range(s - 1, 0, -1):
                features = block(k, features)
        return head(features)

    return _route(stage, branch, stages)


def real_images_at(stage, alpha, stages, images):
    """Real images as the discriminator sees them at `stage`.

    `images` (final resolution) are averaged down to the stage's resolution;
    during a fade-in they are mixed with the previous resolution exactly like
    the generator's output, then replicated back up to the final resolution.
    """
    final_resolution = images.shape[1]

    def branch(s):
        factor = final_resolution // resolution_of(s)
        current = downsample(images, factor)
        if s > 0:
            current = fade(upsample(downsample(current, 2), 2), current, alpha)
        return upsample(current, factor)

    return _route(stage, branch, stages)
