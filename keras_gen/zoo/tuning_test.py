"""Tuning: an earlier search is resumed unless overwritten; the progress bar counts real steps."""

import numpy as np
import pytest

import keras_gen as kg
from keras_gen import testing
from keras_gen.testing.models import register_test_preset


@pytest.fixture(scope="module")
def data():
    register_test_preset()
    return np.random.default_rng(0).uniform(size=(64, 4, 4, 1)).astype("float32")


def _search(data, directory, max_trials, **kwargs):
    search, _, _ = kg.zoo.run_search("tiny_test_ae", data, max_trials=max_trials, epochs=1,
                                     directory=str(directory), verbose=0, **kwargs)
    return search


def test_a_second_search_resumes_the_first(data, tmp_path):
    first = _search(data, tmp_path, max_trials=1)
    scores = {t.trial_id: t.score for t in first.oracle.trials.values()}
    marker = tmp_path / "tiny_test_ae" / "notes.txt"
    marker.write_text("mine")
    second = _search(data, tmp_path, max_trials=2)
    assert marker.exists(), "the earlier search's folder was deleted"
    assert len(second.oracle.trials) == 2
    assert {i: second.oracle.trials[i].score for i in scores} == scores


def test_overwrite_starts_afresh(data, tmp_path):
    _search(data, tmp_path, max_trials=2)
    marker = tmp_path / "tiny_test_ae" / "notes.txt"
    marker.write_text("old search")
    again = _search(data, tmp_path, max_trials=1, overwrite=True)
    assert not marker.exists() and len(again.oracle.trials) == 1


def test_progress_bar_never_counts_past_the_epoch(data, tmp_path, capsys):
    """51 training examples in batches of 16 are 4 steps, run 8 per call of the
    compiled step (`steps_per_execution=8`): Keras alone reports the call as 8/4."""
    assert kg.zoo.get("tiny_test_ae").build().compile_defaults["steps_per_execution"] == 8
    kg.zoo.run_search("tiny_test_ae", data, max_trials=1, epochs=2, batch_size=16,
                      directory=str(tmp_path), verbose=1)
    counts = testing.progress_bar_counts(capsys.readouterr().out)
    assert counts and all(step <= total for step, total in counts), counts
    assert (4, 4) in counts


def test_step_progress_bar_clamps_to_the_target():
    bar = kg.callbacks.StepProgressBar()
    bar.set_params({"verbose": 0, "epochs": 1, "steps": 7})
    bar.on_epoch_begin(0)
    bar.on_train_batch_end(7)
    assert bar.seen == 7
    bar.set_params({"verbose": 0, "epochs": 1, "steps": None})
    bar.on_epoch_begin(0)
    bar.on_train_batch_end(7)
    assert bar.seen == 8


def test_a_search_without_any_finished_trial_names_the_trial_error(data, tmp_path):
    wrong_size = np.zeros((64, 8, 8, 1), "float32")
    with pytest.raises(ValueError, match="no trial of the search .* finished"):
        kg.zoo.run_search("tiny_test_ae", wrong_size, max_trials=1, epochs=1,
                          directory=str(tmp_path), verbose=0)
