import time

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.testing.models import TinyAutoencoder


def test_stops_fit_once_the_budget_is_spent():
    model = TinyAutoencoder()
    model.compile()
    x = np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")
    limit = kg.callbacks.TimeLimit(minutes=1e-9, verbose=0)
    history = model.fit(x, batch_size=8, epochs=5, callbacks=[limit], verbose=0)
    assert limit.stopped_early
    assert len(history.history["loss"]) == 1  # stopped inside the first epoch
    assert limit.seconds > 0


def test_a_generous_budget_lets_every_epoch_run():
    model = TinyAutoencoder()
    model.compile()
    x = np.random.default_rng(0).uniform(size=(16, 4, 4, 1)).astype("float32")
    limit = kg.callbacks.TimeLimit(minutes=60, verbose=0)
    history = model.fit(x, batch_size=8, epochs=2, callbacks=[limit], verbose=0)
    assert not limit.stopped_early and len(history.history["loss"]) == 2


class SlowBatches(keras.callbacks.Callback):
    """Makes every batch take at least `seconds` (a stand-in for a big model)."""

    def __init__(self, seconds):
        super().__init__()
        self.delay = seconds

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(self.delay)


def test_training_ends_inside_the_budget_not_one_batch_after_it():
    model = TinyAutoencoder()
    model.compile(steps_per_execution=1)
    x = np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")
    limit = kg.callbacks.TimeLimit(minutes=1.0 / 60, verbose=0)  # one second
    model.fit(x, batch_size=8, epochs=50, callbacks=[SlowBatches(0.1), limit], verbose=0)
    assert limit.stopped_early
    assert 0.7 < limit.seconds <= 1.0, limit.seconds  # stopped before a batch would overrun


@pytest.mark.parametrize("minutes", [0, -1, float("nan")])
def test_refuses_a_non_positive_budget(minutes):
    with pytest.raises(ValueError, match="minutes must be a positive number"):
        kg.callbacks.TimeLimit(minutes)
