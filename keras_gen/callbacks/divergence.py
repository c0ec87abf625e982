"""`DivergenceGuard`: stop on a NaN/inf loss and put the last good weights back."""

import math

import keras
import numpy as np


class DivergenceGuard(keras.callbacks.Callback):
    """Stop training when a loss becomes NaN or infinite, restoring good weights.

    Weights are copied at the start of training and at the end of every epoch
    whose losses were all finite (every `every_batches` batches too, if set).
    When a logged value whose name ends in "loss" stops being finite, training
    stops, the last good weights are restored and `diverged` is set, so nothing
    downstream (a preset, a checkpoint) sees NaN weights.

    Args:
        every_batches: also snapshot every N batches (0: only per epoch).
        verbose: print a message when it triggers.
    """

    def __init__(self, every_batches=0, verbose=1):
        super().__init__()
        self.every_batches = int(every_batches)
        self.verbose = verbose
        self.diverged = False
        self.message = None
        self._good = None

    def _snapshot(self):
        weights = self.model.get_weights()
        if all(np.all(np.isfinite(w)) for w in weights if np.issubdtype(np.asarray(w).dtype,
                                                                           np.floating)):
            self._good = weights

    @staticmethod
    def _bad_value(logs):
        for name, value in (logs or {}).items():
            if name.endswith("loss"):
                try:
                    number = float(value)
                except (TypeError, ValueError):
                    continue
                if not math.isfinite(number):
                    return name, number
        return None

    def on_train_begin(self, logs=None):
        self.diverged, self.message = False, None
        self._snapshot()

    def _check(self, logs, where):
        bad = self._bad_value(logs)
        if bad is None:
            return False
        self.diverged = True
        self.model.stop_training = True
        restored = self._good is not None
        if restored:
            self.model.set_weights(self._good)
        self.message = (
            f"training diverged: {bad[0]} = {bad[1]} at {where}; stopped"
            + (" and restored the last good weights." if restored else ".")
            + " Try a lower learning rate, a gradient penalty, or another loss."
        )
        if self.verbose:
            print(f"\n{self.message}")
        return True

    def on_train_batch_end(self, batch, logs=None):
        if self.diverged or self._check(logs, f"batch {batch}"):
            return
        if self.every_batches and (batch + 1) % self.every_batches == 0:
            self._snapshot()

    def on_epoch_end(self, epoch, logs=None):
        if not self.diverged and not self._check(logs, f"the end of epoch {epoch + 1}"):
            self._snapshot()
