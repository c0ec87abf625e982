"""GAN core: phase isolation, loss assembly, EMA, sampling, saving, hooks, errors."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen import testing

LATENT = 4
SHAPE = (4, 4, 1)


def tiny_networks(latent=LATENT, shape=SHAPE, batch_norm=True):
    """A dense generator (with batch norm) and a dense discriminator, ~200 weights."""
    z = keras.Input((latent,))
    h = keras.layers.Dense(8, name="g_dense")(z)
    if batch_norm:
        h = keras.layers.BatchNormalization(name="g_bn")(h)
    h = keras.layers.ReLU()(h)
    x = keras.layers.Dense(int(np.prod(shape)), activation="tanh", name="g_out")(h)
    generator = keras.Model(z, keras.layers.Reshape(shape)(x), name="generator")
    images = keras.Input(shape)
    f = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(8, name="d_dense")(
        keras.layers.Flatten()(images)))
    discriminator = keras.Model(images, keras.layers.Dense(1, name="d_out")(f),
                                name="discriminator")
    return generator, discriminator


def tiny_gan(**kwargs):
    generator, discriminator = tiny_networks()
    kwargs.setdefault("seed", 1)
    return kg.models.GAN(generator, discriminator, LATENT, **kwargs)


def real_images(n=8, seed=0):
    return np.random.default_rng(seed).uniform(size=(n, *SHAPE)).astype("float32")


def all_variables(gan):
    return gan.generator.trainable_variables + gan.discriminator.trainable_variables


def test_each_phase_moves_only_its_network():
    gan = tiny_gan()
    gan.compile()
    real = gan.prepare_real(real_images())
    before = testing.snapshot(all_variables(gan))
    gan.discriminator_step(real)
    testing.assert_only_changed(before, all_variables(gan), changed=gan.discriminator_variables,
                                unchanged=gan.generator_variables)
    before = testing.snapshot(all_variables(gan))
    gan.generator_step(gan.prepare_real(real_images()))
    testing.assert_only_changed(before, all_variables(gan), changed=gan.generator_variables,
                                unchanged=gan.discriminator_variables)


def test_discriminator_loss_is_the_sum_of_half_means_with_smoothed_real_labels():
    gan = tiny_gan()
    gan.compile(label_smoothing=0.1)
    real = gan.prepare_real(real_images(4))
    fakes = gan.generate_images(gan.sample_latents(4))
    total, terms, logits = gan.discriminator_losses(real, fakes, training=False)
    logits = ops.convert_to_numpy(logits)[:, 0]
    softplus = lambda v: np.log1p(np.exp(v))  # noqa: E731
    expected = np.mean(0.9 * softplus(-logits[:4]) + 0.1 * softplus(logits[:4])) \
        + np.mean(softplus(logits[4:]))
    np.testing.assert_allclose(float(total), expected, rtol=1e-5)
    np.testing.assert_allclose(float(terms["d_loss"]), expected, rtol=1e-5)


def test_penalties_are_logged_and_weighted():
    gan = tiny_gan()
    gan.compile(loss="wasserstein", gradient_penalty=10.0, r1_gamma=2.0)
    real = gan.prepare_real(real_images(4))
    fakes = gan.generate_images(gan.sample_latents(4))
    total, terms, _ = gan.discriminator_losses(real, fakes)
    assert set(terms) == {"d_loss", "gp", "r1"}
    expected = terms["d_loss"] + 10.0 * terms["gp"] + 0.5 * 2.0 * terms["r1"]
    np.testing.assert_allclose(float(total), float(expected), rtol=1e-6)
    logs = testing.one_step_training(gan, real_images(8))
    assert {"d_loss", "g_loss", "d_real_acc", "d_fake_acc", "gp", "r1"} <= set(logs)
    assert 0.0 <= logs["d_real_acc"] <= 1.0 and 0.0 <= logs["d_fake_acc"] <= 1.0


@pytest.mark.parametrize("loss", ["minimax", "hinge", "least_squares"])
def test_every_loss_trains_a_step(loss):
    gan = tiny_gan()
    gan.compile(loss=loss, run_eagerly=True)
    logs = testing.one_step_training(gan, real_images(8))
    assert {"d_loss", "g_loss"} <= set(logs)


def test_d_steps_updates_the_discriminator_several_times():
    gan = tiny_gan()
    gan.compile(d_steps=3, run_eagerly=True)
    testing.one_step_training(gan, real_images(8))
    assert int(gan.d_optimizer.iterations.numpy()) == 3
    assert int(gan.g_optimizer.iterations.numpy()) == 1


def test_ema_generator_is_a_warmed_up_moving_average():
    gan = tiny_gan(ema=0.99)
    gan.compile()
    start = [np.array(w.numpy()) for w in gan.ema_generator.weights]
    np.testing.assert_array_equal(start[0], gan.generator.weights[0].numpy())
    gan.generator_step(gan.prepare_real(real_images()))
    gan.update_ema()
    decay = min(0.99, (1 + 1) / (10 + 1))  # one generator step done
    for old, average, weight in zip(start, gan.ema_generator.weights, gan.generator.weights):
        if weight.trainable:
            expected = decay * old + (1 - decay) * weight.numpy()
        else:
            expected = weight.numpy()
        np.testing.assert_allclose(average.numpy(), expected, rtol=1e-5, atol=1e-7)
    assert gan.ema_generator.trainable_variables == []
    assert gan.sampling_generator is gan.ema_generator


def test_generate_is_seeded_in_unit_range_and_uses_the_ema_copy():
    gan = tiny_gan(ema=0.5)
    gan.compile(g_optimizer=keras.optimizers.SGD(1.0))
    testing.one_step_training(gan, real_images(8))
    a, b = gan.generate(5, seed=3), gan.generate(5, seed=3)
    assert a.shape == (5, *SHAPE) and a.dtype == np.float32
    assert a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, gan.generate(5, seed=4))
    z = gan.sample_latents(5, seed=3)
    raw = ops.convert_to_numpy(gan.to_unit_range(gan.generate_images(z)))
    assert not np.allclose(a, raw)  # the generator itself differs from its average
    np.testing.assert_allclose(a, ops.convert_to_numpy(gan(z)), atol=1e-6)


def test_keras_round_trip_keeps_samples_both_optimizers_replay_and_compile(tmp_path):
    gan = tiny_gan(ema=0.9, replay=kg.replay.ReplayBuffer(capacity=32, ratio=0.5))
    gan.compile(loss="hinge", d_steps=2, r1_gamma=1.0, joint_batch=True,
                d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.0))
    testing.one_step_training(gan, real_images(8))
    testing.run_serialization_test(gan)
    restored = testing.run_model_saving_test(
        gan, gan.example_call_inputs(4), directory=str(tmp_path),
        call=lambda model, z: model.generate_from_latents(z))
    assert int(restored.d_optimizer.iterations.numpy()) == 2
    assert int(restored.g_optimizer.iterations.numpy()) == 1
    np.testing.assert_array_equal(restored.replay.images.numpy(), gan.replay.images.numpy())
    assert int(restored.replay.filled.numpy()) == 16  # two discriminator steps of 8
    assert (restored.loss_name, restored.d_steps, restored.r1_gamma) == ("hinge", 2, 1.0)
    assert restored.joint_batch
    assert restored.d_optimizer.learning_rate.numpy() == pytest.approx(1e-3)
    for a, b in zip(restored.d_optimizer.variables, gan.d_optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    testing.one_step_training(restored, real_images(8))  # and training continues
    assert int(restored.g_optimizer.iterations.numpy()) == 2


def test_evaluate_reports_both_losses_and_accuracies():
    gan = tiny_gan()
    gan.compile(run_eagerly=True)
    logs = gan.evaluate(real_images(8), batch_size=8, verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_real_acc", "d_fake_acc"}


class PartialGAN(kg.models.GAN):
    """A subclass whose generator optimizer also owns a variable the step never uses
    (like a not-yet-grown block): its gradient is None and must be skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unused = keras.Variable(np.ones((3,), "float32"), name="unused_block")

    @property
    def generator_variables(self):
        return super().generator_variables + [self.unused]

    def prepare_real(self, x):  # a hook: train on inverted images
        return super().prepare_real(1.0 - x)


def test_hooks_let_a_subclass_train_only_part_of_its_variables():
    generator, discriminator = tiny_networks()
    gan = PartialGAN(generator, discriminator, LATENT, seed=0)
    gan.compile(run_eagerly=True)
    assert len(gan.g_optimizer.variables) > 2 * len(gan.generator.trainable_variables)
    testing.one_step_training(gan, real_images(8))
    np.testing.assert_array_equal(gan.unused.numpy(), np.ones(3))
    assert int(gan.g_optimizer.iterations.numpy()) == 1


def test_bad_arguments_have_clear_errors():
    generator, discriminator = tiny_networks()
    with pytest.raises(ValueError, match="latent_dim"):
        kg.models.GAN(generator, discriminator, 0)
    with pytest.raises(ValueError, match=r"latents of shape \(batch, 7\)"):
        kg.models.GAN(generator, discriminator, 7)
    with pytest.raises(ValueError, match="discriminator does not take"):
        kg.models.GAN(generator, tiny_networks(shape=(5, 5, 1))[1], LATENT)
    with pytest.raises(ValueError, match="ema"):
        kg.models.GAN(generator, discriminator, LATENT, ema=1.0)
    with pytest.raises(ValueError, match="replay"):
        kg.models.GAN(generator, discriminator, LATENT, replay=3)
    with pytest.raises(ValueError, match="generator must be a keras Model"):
        kg.models.GAN("generator", discriminator, LATENT)
    gan = kg.models.GAN(generator, discriminator, LATENT)
    with pytest.raises(ValueError, match="g_optimizer= and d_optimizer="):
        gan.compile(optimizer="adam")
    with pytest.raises(ValueError, match="hinge"):
        gan.compile(loss="hinje")
    with pytest.raises(ValueError, match="not an adversarial loss"):
        gan.compile(loss="mse")
    with pytest.raises(ValueError, match="label_smoothing"):
        gan.compile(loss="hinge", label_smoothing=0.1)
    with pytest.raises(ValueError, match="gradient_penalty"):
        gan.compile(gradient_penalty=-1)
    with pytest.raises(ValueError, match="d_steps"):
        gan.compile(d_steps=0)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two different optimizer"):
        gan.compile(g_optimizer=shared, d_optimizer=shared)
    with pytest.raises(ValueError, match="n must be a positive int"):
        gan.generate(0)
    with pytest.raises(ValueError, match=r"latents must have shape \(n, 4\)"):
        gan.generate_from_latents(np.zeros((2, 5), "float32"))
    with pytest.raises(ValueError, match=r"expected batches of shape \(batch, 4, 4, 1\)"):
        gan.compile()
        gan.fit(np.zeros((4, 5, 5, 1), "float32"), verbose=0)


def bn_gan():
    """A GAN whose discriminator has batch norm, with fixed latents."""
    generator, _ = tiny_networks()
    images = keras.Input(SHAPE)
    h = keras.layers.BatchNormalization()(keras.layers.Dense(8)(keras.layers.Flatten()(images)))
    discriminator = keras.Model(images, keras.layers.Dense(1)(h))
    gan = kg.models.GAN(generator, discriminator, LATENT, seed=0)
    z = np.random.default_rng(1).normal(size=(4, LATENT)).astype("float32")
    gan.sample_latents = lambda batch_size, seed=None: z
    return gan, generator, discriminator, z


def test_batch_statistics_are_per_source_by_default():
    gan, generator, discriminator, z = bn_gan()
    assert gan.batch_dependent_discriminator and not tiny_gan().batch_dependent_discriminator
    gan.compile()
    real = gan.prepare_real(real_images(4))
    fakes = generator(z, training=True)
    _, _, logits = gan.discriminator_losses(real, fakes)
    separate = np.concatenate([ops.convert_to_numpy(discriminator(real, training=True)),
                               ops.convert_to_numpy(discriminator(fakes, training=True))])
    np.testing.assert_allclose(ops.convert_to_numpy(logits), separate, rtol=1e-5, atol=1e-6)
    _, fake_logits = gan.generator_loss(real)
    np.testing.assert_allclose(ops.convert_to_numpy(fake_logits), separate[4:], rtol=1e-5,
                               atol=1e-6)


def test_joint_batch_keeps_phase_two_on_mixed_batches():
    """With one concatenated batch in phase 1, phase 2 must normalise the same way."""
    gan, generator, discriminator, z = bn_gan()
    gan.compile(joint_batch=True)
    real = gan.prepare_real(real_images(4))
    g_loss, fake_logits = gan.generator_loss(real)
    fakes = generator(z, training=True)
    mixed = ops.convert_to_numpy(discriminator(ops.concatenate([real, fakes]), training=True))
    alone = ops.convert_to_numpy(discriminator(fakes, training=True))
    np.testing.assert_allclose(ops.convert_to_numpy(fake_logits), mixed[4:], rtol=1e-5, atol=1e-6)
    assert not np.allclose(mixed[4:], alone, atol=1e-3)
    np.testing.assert_allclose(float(g_loss), np.mean(np.log1p(np.exp(-mixed[4:]))), rtol=1e-5)
    _, _, logits = gan.discriminator_losses(real, fakes)
    np.testing.assert_allclose(ops.convert_to_numpy(logits), mixed, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="joint_batch"):
        gan.compile(joint_batch="yes")


def test_replay_with_batch_norm_blends_the_generator_batch_like_phase_one():
    """Phase 2 shows a batch-norm discriminator generated batches with the same share of
    replayed images as phase 1 (measured: without it, d_fake_acc went to 1.0, g_loss to
    0.01, and the generator collapsed to 6 classes); only fresh rows count in the loss."""
    gan, generator, discriminator, z = bn_gan()
    gan.replay = kg.replay.ReplayBuffer(capacity=8, ratio=0.5)
    gan.replay.build(SHAPE)
    gan.compile()
    gan.replay.push(np.full((8, *SHAPE), -1.0, "float32"))
    real = gan.prepare_real(real_images(4))
    g_loss, logits = gan.generator_loss(real)
    fakes = ops.convert_to_numpy(generator(z, training=True))
    blended = np.concatenate([np.full((2, *SHAPE), -1.0, "float32"), fakes[2:]])
    expected = ops.convert_to_numpy(discriminator(blended, training=True))
    np.testing.assert_allclose(ops.convert_to_numpy(logits), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(g_loss), np.mean(np.log1p(np.exp(-expected[2:]))),
                               rtol=1e-5)
