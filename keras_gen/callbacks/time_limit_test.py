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


@pytest.mark.parametrize("minutes", [0, -1, float("nan")])
def test_refuses_a_non_positive_budget(minutes):
    with pytest.raises(ValueError, match="minutes must be a positive number"):
        kg.callbacks.TimeLimit(minutes)
