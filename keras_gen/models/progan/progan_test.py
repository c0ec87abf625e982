"""ProGAN: growth inside one fit, per-stage training, saving and resuming mid-growth."""

import os

import keras
import numpy as np
import pytest

from keras_gen import testing
from keras_gen.callbacks import ProgressiveSchedule
from keras_gen.models.progan import ProGAN

PHASE = 16
BATCH = 8


def tiny(resolution=8, run_eagerly=False, **overrides):
    """A tiny ProGAN. Eager training skips the ~6 s CPU trace of the routed train step;
    tests of the compiled path (growth, which blocks train) keep it."""
    config = dict(resolution=resolution, latent_dim=8, filters=4, phase_images=PHASE,
                  group_size=2, ema=0.9, seed=3)
    config.update(overrides)
    model = ProGAN(**config)
    model.compile(run_eagerly=run_eagerly)
    return model


def data(resolution=8, n=32):
    return np.random.default_rng(0).uniform(size=(n, resolution, resolution, 1)) \
        .astype("float32")


class Recorder(keras.callbacks.Callback):
    """(images_seen, resolution, alpha) at the start of every batch (after the schedule)."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append((int(self.model.images_seen.numpy()), self.model.resolution,
                          round(self.model.alpha, 4)))


def test_one_fit_grows_from_4x4_to_the_final_resolution():
    model = tiny(16)
    assert (model.resolution, model.alpha) == (4, 1.0)
    recorder = Recorder()
    epochs = (4 * PHASE + PHASE) // 32 + 1
    model.fit(data(16), batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[recorder])
    resolutions = [r for _, r, _ in recorder.seen]
    assert resolutions == sorted(resolutions)
    assert {4, 8, 16} == set(resolutions)
    fading = [(r, a) for _, r, a in recorder.seen if a < 1.0]
    assert {r for r, _ in fading} == {8, 16}
    assert all(0.0 <= a < 1.0 for _, a in fading)
    assert (model.resolution, model.alpha) == (16, 1.0)
    assert int(model.images_seen.numpy()) == epochs * 32
    assert model.generate(3, seed=0).shape == (3, 16, 16, 1)


def test_generate_gives_the_current_resolution_and_call_the_final_one():
    model = tiny(8)
    images = model.generate(2, seed=0)
    assert images.shape == (2, 4, 4, 1)
    assert 0.0 <= images.min() and images.max() <= 1.0
    full = keras.ops.convert_to_numpy(model(model.example_call_inputs(2)))
    assert full.shape == (2, 8, 8, 1)
    np.testing.assert_array_equal(model.generate(2, seed=5), model.generate(2, seed=5))


def test_a_step_trains_only_the_blocks_of_the_current_stage():
    model = tiny(8)
    g, d = model.generator, model.discriminator
    before = testing.snapshot(model.generator_variables + model.discriminator_variables)
    schedule = ProgressiveSchedule(phase_images=1000)  # replaces the model's (16)
    model.fit(data(8), batch_size=BATCH, epochs=1, verbose=0, callbacks=[schedule])
    assert model.resolution == 4
    assert schedule.phases == [{"phase": 0, "resolution": 4, "fade_in": False,
                                "start_images": 0, "end_images": 32,
                                "seconds": schedule.phases[0]["seconds"]}]
    testing.assert_only_changed(
        before, model.generator_variables + model.discriminator_variables,
        changed=g.start.trainable_variables + g.to_images[0].trainable_variables
        + d.from_images[0].trainable_variables + d.head.trainable_variables,
        unchanged=g.up_blocks[0].trainable_variables + g.to_images[1].trainable_variables
        + d.from_images[1].trainable_variables + d.down_blocks[0].trainable_variables)


def test_saved_mid_fade_in_reloads_at_the_same_stage_and_keeps_growing(tmp_path):
    model = tiny(8, run_eagerly=True)
    model.fit(data(8, 24), batch_size=BATCH, epochs=1, verbose=0)  # 24 images: 8x8 fading in
    stage = (model.resolution, model.alpha, int(model.images_seen.numpy()))
    assert stage[0] == 8 and 0.0 < stage[1] < 1.0
    restored = testing.run_model_saving_test(model, model.example_call_inputs(3),
                                             directory=str(tmp_path))
    assert (restored.resolution, restored.alpha, int(restored.images_seen.numpy())) == stage
    np.testing.assert_allclose(restored.generate(4, seed=1), model.generate(4, seed=1),
                               atol=1e-6)
    restored.fit(data(8), batch_size=BATCH, epochs=1, verbose=0)
    assert (restored.resolution, restored.alpha) == (8, 1.0)
    assert int(restored.images_seen.numpy()) == 56


class Interrupt(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 2:
            raise RuntimeError("interrupted")


class SeenAtStart(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.images_seen = int(self.model.images_seen.numpy())


def test_backup_and_restore_resumes_an_interrupted_growth(tmp_path):
    backup = str(tmp_path / "backup")
    first = tiny(8, run_eagerly=True)
    with pytest.raises(RuntimeError, match="interrupted"):
        first.fit(data(8), batch_size=BATCH, epochs=4, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(backup), Interrupt()])
    assert os.path.isdir(backup)
    second = tiny(8, run_eagerly=True)
    start = SeenAtStart()
    history = second.fit(data(8), batch_size=BATCH, epochs=4, verbose=0,
                         callbacks=[keras.callbacks.BackupAndRestore(backup), start])
    assert start.images_seen == 64            # two epochs of 32 restored
    assert len(history.history["g_loss"]) == 2  # epochs 3 and 4 only
    assert int(second.images_seen.numpy()) == 128
    assert (second.resolution, second.alpha) == (8, 1.0)
    assert second.g_optimizer.iterations.numpy() == 16


def test_schedule_refuses_a_model_that_does_not_grow():
    plain = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    plain.compile(loss="mse")
    with pytest.raises(TypeError, match="progressive model"):
        plain.fit(np.zeros((2, 1)), np.zeros((2, 1)), verbose=0,
                  callbacks=[ProgressiveSchedule()])
    with pytest.raises(ValueError, match="phase_images"):
        ProgressiveSchedule(phase_images=0)


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match="power of two"):
        ProGAN(resolution=24)
    with pytest.raises(ValueError, match="phase_images"):
        ProGAN(resolution=8, filters=4, phase_images=0)
    with pytest.raises(ValueError, match="one entry per stage"):
        ProGAN(resolution=16, filters=[8, 8])
    model = tiny(8)
    with pytest.raises(ValueError, match="stage must be"):
        model.set_stage(2)
    with pytest.raises(ValueError, match="no fade-in"):
        model.set_stage(0, 0.5)
    model.set_stage(1, 0.25)
    assert (model.resolution, model.alpha) == (8, 0.25)
