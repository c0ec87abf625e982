"""Keras' progress bar, fixed for `steps_per_execution > 1`.

With `steps_per_execution=k`, Keras reports each call of the compiled step by
the nominal index of its last step, so an epoch of 7 batches run 8 at a time
ends at "8/7". `StepProgressBar` stops at the epoch's real number of steps;
`GenerativeModel.fit` (hence every keras-gen model, the CLI and tuning) adds it
wherever Keras would draw its own bar.
"""

import keras


class StepProgressBar(keras.callbacks.ProgbarLogger):
    """`keras.callbacks.ProgbarLogger` whose count never passes the epoch's steps."""

    def _clamped(self, batch):
        return batch if self.target is None else min(batch, self.target - 1)

    def on_train_batch_end(self, batch, logs=None):
        super().on_train_batch_end(self._clamped(batch), logs)

    def on_test_batch_end(self, batch, logs=None):
        super().on_test_batch_end(self._clamped(batch), logs)

    def on_predict_batch_end(self, batch, logs=None):
        super().on_predict_batch_end(self._clamped(batch), logs)


def with_progress_bar(callbacks, verbose):
    """`callbacks` plus a `StepProgressBar` when `fit` would draw Keras' own bar (verbose 1
    or "auto") and the caller gave no progress bar of its own."""
    callbacks = list(callbacks or [])
    if verbose in (1, "auto") and not any(isinstance(c, keras.callbacks.ProgbarLogger)
                                          for c in callbacks):
        callbacks.append(StepProgressBar())
    return callbacks
