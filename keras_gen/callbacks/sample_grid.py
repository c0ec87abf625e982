"""`SampleGrid`: the same latents rendered after every epoch, as PNG and in TensorBoard."""

import inspect
import os

import keras
import numpy as np

from keras_gen import plot
from keras_gen.core import safe_io, validation

MAX_FRAMES_UP = 6
TENSORBOARD_RUN = "samples"


def _running_callbacks():
    """The callbacks of the `fit` calling us, found on the call stack (or [])."""
    frame = inspect.currentframe()
    try:
        for _ in range(MAX_FRAMES_UP):
            frame = frame.f_back if frame is not None else None
            if frame is None:
                return []
            owner = frame.f_locals.get("self")
            if isinstance(owner, keras.callbacks.CallbackList):
                return list(owner.callbacks)
        return []
    finally:
        del frame


@keras.saving.register_keras_serializable(package="keras_gen")
class SampleGrid(keras.callbacks.Callback):
    """Save a grid of samples from fixed latents every `every` epochs.

    The model must have `generate(n, seed=...)` returning images in [0, 1]
    (every keras_gen GAN and VAE); the fixed `seed` means each grid shows the
    same latents, so the PNGs read as a film of training.

    If a `keras.callbacks.TensorBoard` callback runs in the same `fit` (or one
    is given as `tensorboard=`), the grid is also written as an image summary
    to the run `<log_dir>/samples`, step = epoch.

    Existing files: each PNG it writes is marked as keras_gen's (a PNG text
    chunk `Software: keras_gen`), and such grids are replaced without asking
    (a rerun or a resumed run rewrites them; they are pictures of the model).
    Anything else at a path it would write (a file keras_gen did not write, a
    folder) makes `fit` stop at its start with `kg.zoo.TargetExistsError` (a
    `ValueError`) naming the path, unless `overwrite=True`: then that thing is
    moved to `PATH.bak` and kept (`BackupKeptWarning`) when the grid is written.

    Args:
        path: PNG path; may contain `{epoch}` (1-based, e.g.
            "out/samples_{epoch:03d}.png"); without it the file is overwritten.
        every: int. Epochs between grids (the last epoch always gets one).
            Defaults to `1`.
        n: int. Images in the grid. Defaults to `64`.
        seed: int. Seed of the latents. Defaults to `0`.
        scale: int. Pixel upscaling of the PNG. Defaults to `2`.
        tensorboard: a `TensorBoard` callback or a log folder; None finds
            a TensorBoard callback in the running `fit`'s list.
        overwrite: bool. Move aside (never delete) files keras_gen did not
            write at the grid paths instead of refusing. Defaults to `False`.

    Example:
        >>> model.fit(x, epochs=20, callbacks=[
        ...     kg.callbacks.SampleGrid("out/dcgan_{epoch:02d}.png"),
        ...     keras.callbacks.TensorBoard("logs")])
    """

    def __init__(self, path, every=1, n=64, seed=0, scale=2, tensorboard=None,
                 overwrite=False):
        super().__init__()
        if not isinstance(path, (str, os.PathLike)) or not str(path):
            raise ValueError(f"path must be a file path (str), got {path!r}.")
        try:
            str(path).format(epoch=1)
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"path may only hold the field {{epoch}}, got {path!r} "
                             f"({error}).") from None
        self.path = str(path)
        self.every = validation.check_positive_int(every, "every")
        self.n = validation.check_positive_int(n, "n")
        self.seed = validation.check_seed(seed, allow_none=False)
        self.scale = validation.check_positive_int(scale, "scale")
        if tensorboard is not None and not isinstance(
                tensorboard, (keras.callbacks.TensorBoard, str, os.PathLike)):
            raise ValueError("tensorboard must be a keras.callbacks.TensorBoard, a log folder "
                             f"or None, got {type(tensorboard).__name__}.")
        self.tensorboard = tensorboard
        if not isinstance(overwrite, bool):
            raise ValueError(f"overwrite must be True or False, got {overwrite!r}.")
        self.overwrite = overwrite
        self.written = []
        self._writer = None

    def on_train_begin(self, logs=None):
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(f"SampleGrid needs a model with generate(n, seed=...); "
                             f"{type(self.model).__name__} has none.")
        for path in self._paths():  # before the first step, not after an epoch of training
            safe_io.check_file_target(path, self.overwrite, ours=safe_io.is_keras_gen_png,
                                  what="sample grid")
        self._writer = None
        log_dir = self.tensorboard
        if log_dir is None:
            found = [c for c in _running_callbacks() if isinstance(c, keras.callbacks.TensorBoard)]
            log_dir = found[0] if found else None
        if isinstance(log_dir, keras.callbacks.TensorBoard):
            log_dir = log_dir.log_dir
        if log_dir is not None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(
                os.path.join(str(log_dir), TENSORBOARD_RUN))

    def _writes_at(self, epoch):
        """Whether a grid is written after 1-based `epoch` of a `fit` of `last` epochs."""
        last = self.params.get("epochs") if self.params else None
        return not epoch % self.every or (last is not None and epoch == last)

    def _paths(self):
        """Every path this `fit` may write (from epoch 1: a resumed run writes a subset)."""
        last = self.params.get("epochs") if self.params else None
        if last is None:  # unknown length: a fixed path is checked now, the others when written
            fixed = self.path.format(epoch=1) == self.path.format(epoch=2)
            return [self.path.format(epoch=1)] if fixed else []
        return sorted({self.path.format(epoch=e) for e in range(1, int(last) + 1)
                       if self._writes_at(e)})

    def images(self):
        """The grid's images `(n, h, w, c)` in [0, 1] from the current model."""
        return np.asarray(self.model.generate(self.n, seed=self.seed))

    def on_epoch_end(self, epoch, logs=None):
        if not self._writes_at(epoch + 1):
            return
        images = self.images()
        path = self.path.format(epoch=epoch + 1)
        plot.save_grid(images, path, scale=self.scale, overwrite=self.overwrite)
        self.written.append(path)
        if self._writer is not None:
            import tensorflow as tf

            picture = plot.grid(images)[None]  # (1, H, W, C) uint8
            with self._writer.as_default():
                tf.summary.image("samples", picture, step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def get_config(self):
        tensorboard = self.tensorboard
        if isinstance(tensorboard, keras.callbacks.TensorBoard):
            tensorboard = tensorboard.log_dir
        return {"path": self.path, "every": self.every, "n": self.n, "seed": self.seed,
                "scale": self.scale, "tensorboard": None if tensorboard is None
                else str(tensorboard), "overwrite": self.overwrite}
