"""DCGAN: network shapes for any image size, minibatch options, training, saving, errors."""

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing

TINY = {"latent_dim": 4, "generator_filters": (8, 4), "discriminator_filters": (4, 8)}


@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3), (30, 22, 1)])
def test_networks_fit_any_image_size(image_shape):
    gan = kg.models.DCGAN(image_shape, **TINY)
    assert gan.image_shape == image_shape
    assert gan.generator.output.shape == (None, *image_shape)
    assert gan.discriminator.output.shape == (None, 1)
    images = gan.generate(2, seed=0)
    assert images.shape == (2, *image_shape) and 0.0 <= images.min() and images.max() <= 1.0


def test_the_dcgan_recipe_layers():
    gan = kg.models.DCGAN((28, 28, 1), **TINY)
    g_types = [type(layer).__name__ for layer in gan.generator.layers]
    d_types = [type(layer).__name__ for layer in gan.discriminator.layers]
    assert g_types.count("Conv2DTranspose") == 2 and "BatchNormalization" in g_types
    assert gan.generator.layers[-1].get_config()["activation"] == "tanh"
    assert d_types.count("Conv2D") == 2 and "LeakyReLU" in d_types
    assert "MaxPooling2D" not in d_types and "UpSampling2D" not in g_types
    first_bn = d_types.index("BatchNormalization")
    assert first_bn > d_types.index("Conv2D") + 1  # no batch norm after the first conv
    assert gan.batch_dependent_discriminator


@pytest.mark.parametrize("minibatch,layer", [("stddev", kg.layers.MinibatchStdDev),
                                             ("discrimination", kg.layers.MinibatchDiscrimination)])
def test_minibatch_option_adds_its_layer_and_trains(minibatch, layer):
    gan = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                          discriminator_filters=(4,), minibatch=minibatch, seed=0)
    assert any(isinstance(each, layer) for each in gan.discriminator.layers)
    gan.compile(run_eagerly=True)
    testing.one_step_training(gan, gan.example_data(8))


def test_layer_norm_discriminator_with_gradient_penalty_trains():
    gan = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                          discriminator_filters=(4, 4), discriminator_norm="layer", seed=0)
    assert not gan.batch_dependent_discriminator
    logs = testing.one_step_training(gan, gan.example_data(8), loss="wasserstein",
                                     gradient_penalty=10.0, d_steps=2, run_eagerly=True)
    assert "gp" in logs


def test_phases_isolated_and_round_trip_with_ema_and_replay(tmp_path):
    gan = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                          discriminator_filters=(4,), ema=0.9,
                          replay={"capacity": 16, "ratio": 0.5}, seed=3)
    gan.compile()
    real = gan.prepare_real(gan.example_data(8))
    trainable = gan.generator.trainable_variables + gan.discriminator.trainable_variables
    before = testing.snapshot(trainable)
    gan.discriminator_step(real)
    testing.assert_only_changed(before, trainable, gan.discriminator_variables,
                                gan.generator_variables)
    before = testing.snapshot(trainable)
    gan.generator_step(real)
    testing.assert_only_changed(before, trainable, gan.generator_variables,
                                gan.discriminator_variables)
    testing.one_step_training(gan, gan.example_data(8))
    clone = testing.run_serialization_test(gan)
    assert clone.replay.capacity == 16 and clone.ema == 0.9
    testing.run_model_saving_test(gan, gan.example_call_inputs(4), directory=str(tmp_path),
                                  call=lambda model, z: model.generate_from_latents(z))


def test_same_seed_same_weights_and_samples():
    a = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                        discriminator_filters=(4,), seed=5)
    b = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                        discriminator_filters=(4,), seed=5)
    for x, y in zip(a.weights, b.weights):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    np.testing.assert_array_equal(a.generate(3, seed=1), b.generate(3, seed=1))


def test_bad_arguments_name_what_was_expected():
    with pytest.raises(ValueError, match="image_shape"):
        kg.models.DCGAN((28, 28, 1, 1))
    with pytest.raises(ValueError, match="image_shape"):
        kg.models.DCGAN((0, 28, 1))
    with pytest.raises(ValueError, match="minibatch must be one of"):
        kg.models.DCGAN(minibatch="batch")
    with pytest.raises(ValueError, match="discriminator_norm"):
        kg.models.DCGAN(discriminator_norm="instance")
    with pytest.raises(ValueError, match="generator_filters"):
        kg.models.DCGAN(generator_filters=())
    with pytest.raises(ValueError, match="latent_dim"):
        kg.models.DCGAN(latent_dim=-3)
    with pytest.raises(ValueError, match="dropout"):
        kg.models.DCGAN(dropout=1.0)


def test_preset_is_registered_with_alias_search_space_and_compile_defaults():
    spec = kg.zoo.get("dcgan")
    assert spec.name == "dcgan_mnist_28" and spec.family == "gan"
    model = spec.build(tiny=True)
    assert isinstance(model, kg.models.DCGAN)
    import keras_tuner as kt

    overrides = spec.search_space(kt.HyperParameters())
    compile_overrides = overrides.pop("compile")
    variant = spec.build(tiny=True, **overrides)
    variant.compile(**{**spec.compile, **compile_overrides})
    assert variant.loss_name in kg.losses.ADVERSARIAL_LOSSES
    assert isinstance(variant.g_optimizer, keras.optimizers.Adam)


def test_generator_base_convs_add_stride_one_convolutions_at_the_lowest_resolution():
    gan = kg.models.DCGAN((28, 28, 1), generator_base_convs=(6, 5), **TINY)
    base = [layer for layer in gan.generator.layers if layer.name.startswith("g_base_conv")]
    assert [layer.filters for layer in base] == [6, 5]
    assert [tuple(layer.output.shape[1:3]) for layer in base] == [(7, 7), (7, 7)]
    assert gan.get_config()["generator_base_convs"] == [6, 5]
    with pytest.raises(ValueError, match="generator_base_convs"):
        kg.models.DCGAN(generator_base_convs=(0,))
