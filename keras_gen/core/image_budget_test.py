import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core.registry import PresetSpec
from keras_gen.testing.models import TinyAutoencoder


def _x(n):
    return np.random.default_rng(0).uniform(size=(n, 4, 4, 1)).astype("float32")


@pytest.mark.parametrize("steps_per_execution", [1, 3])
def test_stops_at_the_first_step_that_reaches_the_budget(steps_per_execution):
    model = TinyAutoencoder()
    model.compile(steps_per_execution=steps_per_execution)
    budget = kg.callbacks.ImageBudget(images=90, examples=40, batch_size=8, verbose=0)
    history = model.fit(_x(40), batch_size=8, epochs=10, callbacks=[budget], verbose=0)
    assert len(history.epoch) == 3  # 40 + 40 + the rest
    # counted from the step index Keras reports, so exact under several steps per
    # execution: 12 steps one at a time; 13 in executions of 3 (5 steps per epoch: 3 + 2)
    expected = 96 if steps_per_execution == 1 else 104
    assert budget.images_seen == expected
    steps = int(model.optimizer.iterations.numpy())
    assert steps * 8 == expected


def test_a_short_last_batch_counts_what_it_holds():
    model = TinyAutoencoder()
    model.compile()
    budget = kg.callbacks.ImageBudget(images=1000, examples=20, batch_size=8, verbose=0)
    model.fit(_x(20), batch_size=8, epochs=2, callbacks=[budget], verbose=0)
    assert budget.images_seen == 40  # 8 + 8 + 4 per epoch


@pytest.mark.parametrize("name, value", [("images", 0), ("examples", -1), ("batch_size", 2.5),
                                         ("images", True)])
def test_refuses_a_budget_that_is_not_a_positive_integer(name, value):
    arguments = {"images": 10, "examples": 10, "batch_size": 2, name: value}
    with pytest.raises(ValueError, match=f"{name} must be a positive integer"):
        kg.callbacks.ImageBudget(**arguments)


def _spec(**fit):
    return PresetSpec(name="tiny_kimg", family="autoencoder", model_class=TinyAutoencoder,
                      config={}, fit=fit)


def test_a_recipe_in_kimg_becomes_epochs_and_a_budget():
    kwargs, callbacks, _ = _spec(kimg=1.5, batch_size=16).fit_arguments(examples=400)
    assert kwargs == {"epochs": 4, "batch_size": 16}  # 1,500 images of 400: 4 epochs, cut
    [budget] = callbacks
    assert (budget.images, budget.examples, budget.batch_size) == (1500, 400, 16)


def test_an_epochs_override_replaces_the_image_budget():
    kwargs, callbacks, _ = _spec(kimg=1.5).fit_arguments(epochs=2, examples=400)
    assert kwargs["epochs"] == 2 and callbacks == []


def test_a_recipe_in_kimg_needs_the_dataset_length():
    with pytest.raises(ValueError, match="needs the number of training examples"):
        _spec(kimg=1).fit_arguments()
