"""`TimeLimit`: stop `fit` once a wall-clock budget is spent."""

import time

import keras


@keras.saving.register_keras_serializable(package="keras_gen")
class TimeLimit(keras.callbacks.Callback):
    """Stop training before a batch would run past `minutes` of wall-clock time.

    The quality floors of the GAN families are stated as "at most N minutes on
    2 cores"; this callback makes a recipe honour such a budget inside a plain
    `fit` (the epoch in progress ends early, callbacks still see
    `on_train_end`). After each batch it stops when the time spent plus the
    duration of that batch (a forecast of the next one) would exceed the
    budget, so training ends inside it rather than one batch after it. After
    training, `stopped_early` tells whether the budget (rather than the number
    of epochs) ended it, and `seconds` how long it ran.

    Args:
        minutes: the budget, a positive number of minutes.
        verbose: print a line when the budget stops training.
    """

    def __init__(self, minutes, verbose=1):
        super().__init__()
        minutes = float(minutes)
        if not minutes > 0:
            raise ValueError(f"TimeLimit: minutes must be a positive number, got {minutes!r}.")
        self.minutes = minutes
        self.verbose = verbose
        self.stopped_early = False
        self.seconds = 0.0
        self._start = None

    def on_train_begin(self, logs=None):
        self._start = self._last = time.perf_counter()
        self.stopped_early = False

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        self.seconds, last_batch = now - self._start, now - self._last
        self._last = now
        if self.seconds + last_batch > self.minutes * 60:
            if not self.stopped_early and self.verbose:
                print(f"\n[TimeLimit] {self.minutes:g} min budget spent; stopping.", flush=True)
            self.stopped_early = True
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self._start is not None:
            self.seconds = time.perf_counter() - self._start

    def get_config(self):
        return {"minutes": self.minutes, "verbose": self.verbose}
