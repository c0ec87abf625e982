"""Resume: an interrupted `fit` with `keras.callbacks.BackupAndRestore` continues
exactly where the last backup left it, for every family's tiny preset: weights,
every optimizer, the random generator state, replay buffers and growth stages
are all in the backup."""

import keras
import numpy as np
import pytest

import keras_gen as kg

FAMILY_PRESETS = [name for name in ("ae_mnist_28", "ae_denoising_mnist_28", "vae_mnist_28",
                                    "dcgan_mnist_28", "progan_mnist_32", "stylegan_mnist_32")
                  if name in kg.zoo.names()]
EPOCHS = 3


class Crash(Exception):
    """Stands in for a killed process."""


class CrashAt(keras.callbacks.Callback):
    """Raise at the first batch end at or after `batch` of `epoch`.

    With several steps per execution Keras reports only every n-th batch,
    so "at or after" still crashes inside the epoch, before it is backed up.
    """

    def __init__(self, epoch, batch):
        super().__init__()
        self.epoch, self.batch, self.current = epoch, batch, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch >= self.batch:
            raise Crash(f"killed at epoch {self.epoch}, batch {batch}")


def _fresh(spec):
    keras.utils.set_random_seed(0)
    model = spec.build(tiny=True, seed=1)
    model.compile(**spec.compile)
    return model


@pytest.mark.parametrize("name", FAMILY_PRESETS)
def test_backup_and_restore_resumes_exactly(name, tmp_path):
    spec = kg.zoo.get(name)
    x = _fresh(spec).example_data(32, seed=5)
    fit = dict(batch_size=8, epochs=EPOCHS, shuffle=False, verbose=0)

    reference = _fresh(spec)
    reference.fit(x, **fit)

    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    interrupted = _fresh(spec)
    with pytest.raises(Crash):
        interrupted.fit(x, callbacks=[backup, CrashAt(epoch=1, batch=2)], **fit)

    resumed = _fresh(spec)
    history = resumed.fit(x, callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))],
                          **fit)
    assert len(history.epoch) == EPOCHS - 1, "did not resume after the backed-up epoch"
    for ref, got in zip(reference.weights, resumed.weights):
        np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=1e-5, err_msg=ref.path)
    for attr in ("optimizer", "g_optimizer", "d_optimizer"):
        ref_opt = getattr(reference, attr, None)
        if ref_opt is not None and getattr(ref_opt, "built", False):
            assert int(getattr(resumed, attr).iterations.numpy()) == int(ref_opt.iterations.numpy())
