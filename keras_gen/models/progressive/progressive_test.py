"""The growth schedule and the routing of progressive networks (no training)."""

import numpy as np
import pytest
from keras import ops

from keras_gen.models.progan.networks import ProGANGenerator
from keras_gen.models.progressive import growth, schedule
from keras_gen.models.progressive.networks import ProgressiveDiscriminator, check_filters


def test_schedule_alternates_stable_and_fade_in_phases():
    stages, phase = 3, 100  # 4, 8, 16
    assert schedule.stage_at(0, phase, stages) == (0, 1.0, 0)
    assert schedule.stage_at(99, phase, stages) == (0, 1.0, 0)
    assert schedule.stage_at(100, phase, stages) == (1, 0.0, 1)
    assert schedule.stage_at(125, phase, stages) == (1, 0.25, 1)
    assert schedule.stage_at(200, phase, stages) == (1, 1.0, 2)
    assert schedule.stage_at(350, phase, stages) == (2, 0.5, 3)
    assert schedule.stage_at(400, phase, stages) == (2, 1.0, 4)
    assert schedule.stage_at(10**9, phase, stages) == (2, 1.0, 4)
    assert schedule.growth_images(phase, stages) == 400
    assert schedule.num_stages(32) == 4
    assert schedule.describe(1, 0.25) == "8x8 (fade-in 25%)"
    with pytest.raises(ValueError, match="power of two"):
        schedule.num_stages(24)
    with pytest.raises(ValueError, match="one entry per stage"):
        check_filters([8, 8], 3)


def test_up_and_down_sampling_are_exact_inverses():
    x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype("float32")
    up = growth.upsample(x, 4)
    assert up.shape == (2, 16, 16, 3)
    np.testing.assert_allclose(growth.downsample(up, 4), x, atol=1e-6)


@pytest.fixture(scope="module")
def networks():
    g = ProGANGenerator(16, 1, latent_dim=8, filters=[8, 8, 4], name="g")
    d = ProgressiveDiscriminator(16, 1, filters=[8, 8, 4], group_size=2, name="d")
    z = np.random.default_rng(1).normal(size=(4, 8)).astype("float32")
    x = np.random.default_rng(2).uniform(-1, 1, size=(4, 16, 16, 1)).astype("float32")
    return g, d, z, x


def test_generator_stage_output_is_replicated_to_final_size(networks):
    g, _, z, _ = networks
    for stage, factor in ((0, 4), (1, 2)):
        images = ops.convert_to_numpy(g(z, stage=stage, alpha=1.0))
        assert images.shape == (4, 16, 16, 1)
        blocks = images.reshape(4, 16 // factor, factor, 16 // factor, factor, 1)
        np.testing.assert_allclose(blocks, blocks[:, :, :1, :, :1] + 0 * blocks, atol=1e-6)


@pytest.mark.parametrize("stage", [1, 2])
def test_fade_in_is_continuous_at_both_ends(networks, stage):
    """alpha = 0 reproduces the previous stage exactly; alpha = 1 is the new stage."""
    g, d, z, x = networks
    np.testing.assert_allclose(g(z, stage=stage, alpha=0.0), g(z, stage=stage - 1, alpha=1.0),
                               atol=1e-5)
    np.testing.assert_allclose(d(x, stage=stage, alpha=0.0), d(x, stage=stage - 1, alpha=1.0),
                               atol=1e-5)
    np.testing.assert_allclose(
        growth.real_images_at(stage, 0.0, 3, x), growth.real_images_at(stage - 1, 1.0, 3, x),
        atol=1e-6)
    halfway = ops.convert_to_numpy(g(z, stage=stage, alpha=0.5))
    ends = [ops.convert_to_numpy(g(z, stage=stage, alpha=a)) for a in (0.0, 1.0)]
    np.testing.assert_allclose(halfway, (ends[0] + ends[1]) / 2, atol=1e-5)
    assert not np.allclose(ends[0], ends[1])


def test_discriminator_sees_only_the_stage_resolution(networks):
    _, d, _, x = networks
    blurred = growth.upsample(growth.downsample(x, 2), 2)
    np.testing.assert_allclose(d(x, stage=1, alpha=1.0), d(blurred, stage=1, alpha=1.0),
                               atol=1e-5)
    assert not np.allclose(d(x, stage=2, alpha=1.0), d(blurred, stage=2, alpha=1.0))


def test_stage_tensor_routes_like_a_python_int(networks):
    g, d, z, x = networks
    for stage in range(3):
        tensor = ops.convert_to_tensor(stage, "int32")
        np.testing.assert_allclose(g(z, stage=tensor, alpha=0.3), g(z, stage=stage, alpha=0.3),
                                   atol=1e-6)
        np.testing.assert_allclose(d(x, stage=tensor, alpha=0.3), d(x, stage=stage, alpha=0.3),
                                   atol=1e-6)
