"""Constructor fuzzing: every configuration builds a working model or raises ValueError.

Hypothesis draws valid and invalid arguments (zero, negative and odd sizes,
wrong types, unknown names). A model that builds must run forward on a batch
and give finite outputs of the documented shape; anything else must be a
`ValueError` with a message, never a TypeError or a TensorFlow error.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import keras_gen as kg

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

def mostly(valid, invalid):
    """Draw valid values about three times in four, so both outcomes are exercised."""
    return st.one_of(valid, valid, valid, invalid)


sizes = mostly(st.integers(1, 16), st.sampled_from([0, -1, 2.5, "8", True]))
size_lists = mostly(st.lists(st.integers(1, 16), min_size=1, max_size=3).map(tuple),
                    st.sampled_from([(), (0,), (-3, 4), "64", (8.0,)]))
image_shapes = mostly(
    st.tuples(st.integers(4, 12), st.integers(4, 12), st.sampled_from([1, 3])),
    st.sampled_from([(0, 8, 1), (8, 8), (-4, 4, 1), "28x28", (8, 8, 1, 1), (1, 1, 1)]))


OUTCOMES = {"built": 0, "refused": 0}


def _exercise(draws):
    """Run a Hypothesis-decorated draw function; its draws must both build and be refused.

    Counted per family inside one test, so the check holds however pytest-xdist
    spreads the tests over worker processes.
    """
    OUTCOMES.update(built=0, refused=0)
    draws()
    assert OUTCOMES["built"] >= 1 and OUTCOMES["refused"] >= 1, OUTCOMES


def _check(build, call):
    try:
        model = build()
    except ValueError as error:
        assert str(error), "a ValueError needs a message"
        OUTCOMES["refused"] += 1
        return
    OUTCOMES["built"] += 1
    out = call(model)
    for array in (out if isinstance(out, (tuple, list)) else [out]):
        assert np.all(np.isfinite(np.asarray(array)))


@SETTINGS
@given(shape=image_shapes, hidden=size_lists, code=sizes, tied=mostly(st.booleans(), st.just(1)),
       act=mostly(st.sampled_from(["relu", "linear", "sigmoid"]), st.just("nope")))
def _autoencoder_draws(shape, hidden, code, tied, act):
    def call(model):
        x = model.example_data(2)
        out = model(x)
        assert out.shape == x.shape
        return out
    _check(lambda: kg.models.Autoencoder(shape, hidden=hidden, code_dim=code, tied_weights=tied,
                                         code_activation=act), call)


@SETTINGS
@given(shape=image_shapes, filters=size_lists, code=sizes, kernel=sizes)
def _conv_autoencoder_draws(shape, filters, code, kernel):
    def call(model):
        x = model.example_data(2)
        out = model(x)
        assert out.shape == x.shape
        return out
    _check(lambda: kg.models.ConvAutoencoder(shape, filters=filters, code_dim=code,
                                             kernel_size=kernel), call)


@SETTINGS
@given(steps=mostly(st.integers(1, 6), st.just(0)), features=mostly(st.integers(1, 5), st.just(-1)),
       units=size_lists, code=sizes, cell=mostly(st.sampled_from(["lstm", "gru"]), st.just("rnn")))
def _recurrent_autoencoder_draws(steps, features, units, code, cell):
    def call(model):
        x = model.example_data(2)
        out = model(x)
        assert out.shape == x.shape
        return out
    _check(lambda: kg.models.RecurrentAutoencoder((steps, features), units=units, code_dim=code,
                                                  cell=cell), call)


@SETTINGS
@given(shape=image_shapes, latent=sizes, hidden=size_lists,
       conv=st.one_of(st.none(), size_lists),
       beta=mostly(st.sampled_from([1.0, 0.0, 4.0]), st.sampled_from([-1.0, "1"])),
       likelihood=mostly(st.sampled_from(["bernoulli", "gaussian"]), st.just("poisson")))
def _vae_draws(shape, latent, hidden, conv, beta, likelihood):
    def call(model):
        images = model.generate(2, seed=0)
        assert tuple(images.shape) == (2, *model.sample_shape)
        return images
    _check(lambda: kg.models.VAE(shape, latent_dim=latent, hidden=hidden, conv_filters=conv,
                                 beta=beta, likelihood=likelihood), call)


@SETTINGS
@given(shape=image_shapes, latent=sizes, g_filters=size_lists, d_filters=size_lists,
       minibatch=mostly(st.sampled_from([None, "stddev", "discrimination"]), st.just("other")))
def _dcgan_draws(shape, latent, g_filters, d_filters, minibatch):
    def call(model):
        images = model.generate(2, seed=0)
        assert tuple(images.shape) == (2, *model.image_shape)
        return images
    _check(lambda: kg.models.DCGAN(shape, latent_dim=latent, generator_filters=g_filters,
                                   discriminator_filters=d_filters, minibatch=minibatch), call)


@pytest.mark.parametrize("shape", [(0, 8, 1), (8, 8, 1, 1), (8, 8)])
def test_bad_image_shape_messages_name_the_argument(shape):
    with pytest.raises(ValueError, match="input_shape|image"):
        kg.models.ConvAutoencoder(shape)


@pytest.mark.parametrize("draws", [_autoencoder_draws, _conv_autoencoder_draws,
                                   _recurrent_autoencoder_draws, _vae_draws, _dcgan_draws],
                         ids=["autoencoder", "conv_autoencoder", "recurrent_autoencoder", "vae",
                              "dcgan"])
def test_constructor(draws):
    _exercise(draws)
