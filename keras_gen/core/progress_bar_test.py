"""Every keras-gen model's `fit` draws a bar that stops at the epoch's steps, even when the
compiled step runs 8 steps per call (Keras alone would print "8/4")."""

import numpy as np

import keras_gen as kg
from keras_gen import testing


def test_fit_never_counts_past_the_epoch(capsys):
    model = kg.models.Autoencoder(input_shape=(4, 4, 1), hidden=[4], code_dim=2, seed=0)
    model.compile(steps_per_execution=8)
    x = np.random.default_rng(0).uniform(size=(51, 4, 4, 1)).astype("float32")
    model.fit(x, batch_size=16, epochs=2, verbose=1)
    counts = testing.progress_bar_counts(capsys.readouterr().out)
    assert counts and all(step <= total for step, total in counts), counts
    assert (4, 4) in counts


def test_a_callers_own_bar_is_kept():
    own = kg.callbacks.StepProgressBar()
    assert kg.progress_bar.with_progress_bar([own], 1) == [own]
    assert kg.progress_bar.with_progress_bar(None, 0) == []
    [added] = kg.progress_bar.with_progress_bar(None, "auto")
    assert isinstance(added, kg.callbacks.StepProgressBar)
