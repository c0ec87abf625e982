import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core import time_limit
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


class FakeClock:
    """A `time.perf_counter` stand-in that only moves when a batch ends."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class SlowBatches(keras.callbacks.Callback):
    """Every batch takes exactly `seconds` on `clock` (a stand-in for a big model),
    so the test does not depend on how busy the machine is."""

    def __init__(self, clock, seconds):
        super().__init__()
        self.clock, self.delay = clock, seconds

    def on_train_batch_end(self, batch, logs=None):
        self.clock.now += self.delay


def test_training_ends_inside_the_budget_not_one_batch_after_it(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(time_limit.time, "perf_counter", clock)
    model = TinyAutoencoder()
    model.compile(steps_per_execution=1)
    x = np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")
    limit = kg.callbacks.TimeLimit(minutes=1.0 / 60, verbose=0)  # one second
    # SlowBatches runs first, so TimeLimit sees each batch's 0.25 s.
    model.fit(x, batch_size=8, epochs=50, callbacks=[SlowBatches(clock, 0.25), limit], verbose=0)
    assert limit.stopped_early
    assert limit.seconds == pytest.approx(1.0)  # 4 batches fit; a fifth would overrun


@pytest.mark.parametrize("minutes", [0, -1, float("nan")])
def test_refuses_a_non_positive_budget(minutes):
    with pytest.raises(ValueError, match="minutes must be a positive number"):
        kg.callbacks.TimeLimit(minutes)
