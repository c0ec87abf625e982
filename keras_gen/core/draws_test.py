import keras
import numpy as np

from keras_gen.core import draws


def test_an_int_seed_draws_numpys_standard_normal():
    values = keras.ops.convert_to_numpy(draws.normal((3, 5), 7))
    np.testing.assert_array_equal(
        values, np.random.default_rng(7).standard_normal((3, 5)).astype("float32"))
    assert values.dtype == np.float32


def test_a_seed_generator_draws_fresh_values_each_call():
    generator = keras.random.SeedGenerator(0)
    first, second = (keras.ops.convert_to_numpy(draws.normal((4,), generator))
                     for _ in range(2))
    assert first.shape == (4,) and not np.array_equal(first, second)
