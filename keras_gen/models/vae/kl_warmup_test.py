"""KLWarmup ramps the VAE's kl_weight variable linearly, batch by batch."""

import keras
import numpy as np
import pytest

import keras_gen as kg


class _Record(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.values = []

    def on_train_batch_begin(self, batch, logs=None):
        self.values.append(float(self.model.kl_weight.numpy()))


def test_weight_ramps_from_zero_to_beta_without_new_variables():
    model = kg.models.VAE((4,), latent_dim=1, hidden=(), beta=2.0, seed=0)
    model.compile(steps_per_execution=1)
    record = _Record()
    trainable = len(model.trainable_variables)
    model.fit(model.example_data(8), batch_size=4, epochs=3, verbose=0,
              callbacks=[kg.callbacks.KLWarmup(epochs=2), record])
    np.testing.assert_allclose(record.values, [0.0, 0.5, 1.0, 1.5, 2.0, 2.0])
    assert not model.kl_weight.trainable and len(model.trainable_variables) == trainable


def test_with_several_steps_per_execution_the_ramp_moves_once_per_call():
    model = kg.models.VAE((4,), latent_dim=1, hidden=(), beta=2.0, seed=0)
    model.compile()  # the family default: 8 steps per execution
    assert model.steps_per_execution == 8
    record = _Record()
    model.fit(model.example_data(8), batch_size=4, epochs=3, verbose=0,
              callbacks=[kg.callbacks.KLWarmup(epochs=2), record])
    np.testing.assert_allclose(record.values, [0.0, 1.0, 2.0])  # one call of 2 steps per epoch


def test_fraction_and_errors():
    warmup = kg.callbacks.KLWarmup(4)
    assert warmup.fraction(1, batch=5, steps=10) == pytest.approx(1.5 / 4)
    assert warmup.fraction(9) == 1.0
    with pytest.raises(ValueError, match="epochs"):
        kg.callbacks.KLWarmup(0)
    model = kg.models.Autoencoder((4,), hidden=(), code_dim=2)
    model.compile()
    with pytest.raises(ValueError, match="kl_weight"):
        model.fit(model.example_data(4), epochs=1, verbose=0,
                  callbacks=[kg.callbacks.KLWarmup(2)])
