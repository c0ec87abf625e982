"""StyleGAN: styles, noise, mixing, truncation, growth in one fit, saving."""

import keras
import numpy as np
import pytest

from keras_gen import testing
from keras_gen.layers.style import NoiseInjection
from keras_gen.models.stylegan import StyleGAN


def tiny(**overrides):
    config = dict(resolution=8, latent_dim=8, w_dim=8, mapping_layers=2, filters=4,
                  phase_images=8, group_size=2, ema=None, seed=2)
    config.update(overrides)
    model = StyleGAN(**config)
    model.compile(run_eagerly=True)
    return model


@pytest.fixture(scope="module")
def model():
    return tiny()


def latents(n, seed=0, dim=8):
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def test_sub_networks_have_the_documented_shapes(model):
    assert model.num_ws == 4
    assert model.map(latents(3)).shape == (3, 8)
    ws = np.zeros((2, 4, 8), "float32")
    noise = model.sample_noise(2, seed=0)
    assert [tuple(n.shape) for n in noise] == [(2, 4, 4, 2), (2, 8, 8, 2)]
    images = keras.ops.convert_to_numpy(model.synthesis((ws, noise), stage=1, alpha=1.0))
    assert images.shape == (2, 8, 8, 1)
    with pytest.raises(ValueError, match="ws must have shape"):
        model.synthesis((np.zeros((2, 3, 8), "float32"), None))


def test_truncation_pulls_every_w_to_the_average(model):
    model.w_avg.assign(np.linspace(-1, 1, 8).astype("float32"))
    w = model.map(latents(3))
    flat = model.generate_from_w(w, truncation_psi=0.0, noise="none")
    np.testing.assert_allclose(flat, flat[:1].repeat(3, axis=0), atol=1e-6)
    full = model.generate_from_w(w, truncation_psi=1.0, noise="none")
    assert not np.allclose(full[0], full[1])
    np.testing.assert_allclose(
        model.generate_from_w(model.w_avg.numpy()[None] + 0.5 * (w - model.w_avg.numpy()),
                              noise="none"),
        model.generate_from_w(w, truncation_psi=0.5, noise="none"), atol=1e-5)


def test_mix_takes_coarse_styles_from_one_latent_and_fine_from_the_other(model):
    z1, z2 = latents(2, 1), latents(2, 2)
    only_1 = model.mix(z1, z2, crossover=model.num_ws)
    only_2 = model.mix(z1, z2, crossover=0)
    np.testing.assert_allclose(only_1, model.generate_from_w(model.map(z1)), atol=1e-6)
    np.testing.assert_allclose(only_2, model.generate_from_w(model.map(z2)), atol=1e-6)
    model.set_stage(1)
    both = model.mix(z1, z2, crossover=2)
    assert not np.allclose(both, model.mix(z1, z2, crossover=model.num_ws))
    assert not np.allclose(both, model.mix(z1, z2, crossover=0))
    model.set_stage(0)
    with pytest.raises(ValueError, match="crossover"):
        model.mix(z1, z2, crossover=5)


def test_style_mixing_switches_w_once_at_a_random_layer():
    mixing = tiny(mixing_prob=1.0)
    ws = keras.ops.convert_to_numpy(
        mixing.mixed_styles(latents(16), mixing.generator.mapping, training=True))
    for row in ws:
        changes = np.flatnonzero(np.any(row[1:] != row[:-1], axis=-1))
        assert len(changes) == 1 and 0 <= changes[0] < mixing.num_ws - 1
    plain = tiny(mixing_prob=0.0)
    ws = keras.ops.convert_to_numpy(
        plain.mixed_styles(latents(4), plain.generator.mapping, training=True))
    np.testing.assert_array_equal(ws, ws[:, :1].repeat(plain.num_ws, axis=1))


def test_noise_is_seeded_and_its_strength_is_learned(model):
    np.testing.assert_array_equal(model.generate(3, seed=4), model.generate(3, seed=4))
    assert not np.allclose(model.generate(3, seed=4), model.generate(3, seed=5))
    w = model.map(latents(2))
    layers = [each for each in model.synthesis._flatten_layers()
              if isinstance(each, NoiseInjection)]
    assert len(layers) == 2 * model.stages
    before = model.generate_from_w(w, noise="random", seed=1)
    np.testing.assert_allclose(before, model.generate_from_w(w, noise="random", seed=2),
                               atol=1e-6)  # strengths start at 0
    for layer in layers:
        layer.strength.assign(np.ones_like(layer.strength.numpy()))
    assert not np.allclose(model.generate_from_w(w, noise="random", seed=1),
                           model.generate_from_w(w, noise="random", seed=2))
    for layer in layers:
        layer.strength.assign(np.zeros_like(layer.strength.numpy()))


def test_one_compiled_fit_grows_tracks_w_avg_and_round_trips(tmp_path):
    grown = StyleGAN(resolution=8, latent_dim=8, w_dim=8, mapping_layers=2, filters=4,
                     phase_images=16, group_size=2, ema=0.9, seed=5)
    grown.compile()
    x = np.random.default_rng(0).uniform(size=(24, 8, 8, 1)).astype("float32")
    grown.fit(x, batch_size=8, epochs=1, verbose=0)  # 24 images: 8x8 halfway faded in
    assert (grown.resolution, grown.alpha) == (8, 0.5)
    assert np.abs(grown.w_avg.numpy()).max() > 0
    assert grown.generate(2, seed=0, truncation_psi=0.7).shape == (2, 8, 8, 1)
    restored = testing.run_model_saving_test(grown, grown.example_call_inputs(3),
                                             directory=str(tmp_path))
    np.testing.assert_array_equal(restored.w_avg.numpy(), grown.w_avg.numpy())
    assert (restored.resolution, restored.alpha) == (8, 0.5)
    np.testing.assert_allclose(restored.generate(2, seed=3, truncation_psi=0.5),
                               grown.generate(2, seed=3, truncation_psi=0.5), atol=1e-6)


def test_invalid_arguments_are_refused(model):
    with pytest.raises(ValueError, match="mixing_prob"):
        tiny(mixing_prob=1.5)
    with pytest.raises(ValueError, match="w_dim"):
        tiny(w_dim=0)
    with pytest.raises(ValueError, match="truncation_psi"):
        model.generate(2, truncation_psi="high")
    with pytest.raises(ValueError, match="noise"):
        model.generate_from_w(np.zeros((1, 8), "float32"), noise="loud")
