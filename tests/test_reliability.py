"""Reliability: divergence guard, atomic files."""

import os

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core import safe_io
from keras_gen.testing.models import TinyAutoencoder


def test_divergence_guard_stops_and_restores_good_weights():
    keras.utils.set_random_seed(0)
    model = TinyAutoencoder()
    model.compile(steps_per_execution=1)  # PoisonWeights acts after one given batch
    x = np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")
    model.fit(x, epochs=1, batch_size=8, verbose=0)
    before = [w.copy() for w in model.get_weights()]

    class PoisonWeights(keras.callbacks.Callback):
        """Simulates a blow-up: NaN weights after the third batch."""

        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                weights = self.model.get_weights()
                weights[-1][:] = np.nan
                self.model.set_weights(weights)

    guard = kg.callbacks.DivergenceGuard(verbose=0)
    history = model.fit(x, epochs=5, batch_size=8, callbacks=[PoisonWeights(), guard], verbose=0)
    assert guard.diverged and "diverged" in guard.message
    assert len(history.history["loss"]) < 5
    for w, b in zip(model.get_weights(), before):
        assert np.all(np.isfinite(w))
        np.testing.assert_array_equal(w, b)


def test_divergence_guard_is_quiet_on_finite_losses():
    model = TinyAutoencoder()
    model.compile()
    guard = kg.callbacks.DivergenceGuard(verbose=0)
    model.fit(np.full((16, 4, 4, 1), 0.5, "float32"), epochs=2, callbacks=[guard], verbose=0)
    assert not guard.diverged


def test_atomic_path_leaves_no_partial_file(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with safe_io.atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file.bin"]


def test_atomic_directory_replaces_only_when_complete(tmp_path):
    target = tmp_path / "preset"
    target.mkdir()
    (target / "a").write_text("old")
    ours = dict(overwrite=True, ours=lambda folder: ["a"])  # a folder this writer wrote
    with pytest.raises(RuntimeError):
        with safe_io.atomic_directory(target, **ours) as tmp:
            (tmp / "a").write_text("new")
            raise RuntimeError("crash")
    assert (target / "a").read_text() == "old"
    with safe_io.atomic_directory(target, **ours) as tmp:
        (tmp / "a").write_text("new")
    assert (target / "a").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["preset"]


def test_atomic_files_get_normal_permissions(tmp_path):
    with safe_io.atomic_path(tmp_path / "f.txt") as tmp:
        tmp.write_text("x")
    with safe_io.atomic_directory(tmp_path / "d") as tmp:
        (tmp / "a").write_text("y")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o666 & ~mask
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o777 & ~mask
