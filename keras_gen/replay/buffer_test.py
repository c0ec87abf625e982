"""ReplayBuffer: mixing ratio, ring replacement, sampling range, config, saved state."""

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg


def make(capacity=6, ratio=0.5, shape=(2, 2, 1)):
    buffer = kg.replay.ReplayBuffer(capacity, ratio)
    buffer.build(shape)
    return buffer


def batch(value, n=4):
    return np.full((n, 2, 2, 1), value, "float32")


def first_pixels(x):
    return ops.convert_to_numpy(x)[:, 0, 0, 0]


def test_empty_buffer_replays_nothing_then_mixes_the_ratio():
    buffer, seed = make(), keras.random.SeedGenerator(0)
    np.testing.assert_array_equal(first_pixels(buffer.mix(batch(1.0), seed)), [1, 1, 1, 1])
    assert int(buffer.filled.numpy()) == 4
    mixed = first_pixels(buffer.mix(batch(2.0), seed))
    assert sorted(mixed.tolist()) == [1, 1, 2, 2]  # round(0.5 * 4) = 2 rows from the past


def test_ring_replaces_the_oldest_images_first():
    buffer, seed = make(capacity=6), keras.random.SeedGenerator(0)
    buffer.mix(batch(1.0), seed)
    buffer.mix(batch(2.0), seed)
    # 8 pushes into 6 slots: the two oldest 1s are overwritten by the last 2s
    np.testing.assert_array_equal(first_pixels(buffer.images), [2, 2, 1, 1, 2, 2])
    assert int(buffer.position.numpy()) == 2 and int(buffer.filled.numpy()) == 6
    buffer.mix(batch(3.0), seed)
    np.testing.assert_array_equal(first_pixels(buffer.images), [2, 2, 3, 3, 3, 3])


def test_samples_come_only_from_the_filled_part():
    buffer, seed = make(capacity=100), keras.random.SeedGenerator(1)
    buffer.push(batch(7.0, n=3))
    drawn = first_pixels(buffer.sample(200, seed))
    assert set(drawn.tolist()) == {7.0}


def test_batch_larger_than_capacity_keeps_the_last_images_it_can():
    buffer, seed = make(capacity=3, ratio=1.0), keras.random.SeedGenerator(0)
    buffer.mix(np.arange(5, dtype="float32").reshape(5, 1, 1, 1) * np.ones((5, 2, 2, 1),
                                                                           "float32"), seed)
    assert int(buffer.filled.numpy()) == 3
    assert set(first_pixels(buffer.images).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    out = first_pixels(buffer.mix(batch(9.0), seed))
    assert 9.0 not in out.tolist()  # ratio 1: every row replayed


def test_ratio_zero_never_replays_and_state_is_non_trainable():
    buffer, seed = make(ratio=0.0), keras.random.SeedGenerator(0)
    buffer.mix(batch(1.0), seed)
    np.testing.assert_array_equal(first_pixels(buffer.mix(batch(2.0), seed)), [2, 2, 2, 2])
    assert buffer.trainable_weights == [] and len(buffer.non_trainable_weights) == 3


def test_config_round_trip_and_bad_arguments():
    buffer = kg.replay.ReplayBuffer(capacity=64, ratio=0.25)
    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(buffer))
    assert (clone.capacity, clone.ratio) == (64, 0.25)
    with pytest.raises(ValueError, match="capacity"):
        kg.replay.ReplayBuffer(capacity=0)
    with pytest.raises(ValueError, match="ratio"):
        kg.replay.ReplayBuffer(capacity=8, ratio=1.5)
    with pytest.raises(ValueError, match="image_shape"):
        kg.replay.ReplayBuffer(8).build((0, 2))


def test_state_survives_weight_save_and_load(tmp_path):
    buffer, seed = make(), keras.random.SeedGenerator(0)
    buffer.mix(batch(5.0), seed)
    values = [np.array(w.numpy()) for w in buffer.weights]
    other = make()
    other.set_weights(values)
    np.testing.assert_array_equal(other.images.numpy(), buffer.images.numpy())
    assert int(other.position.numpy()) == 4


def test_blend_replaces_rows_without_pushing_and_marks_fresh_rows():
    buffer, seed = make(), keras.random.SeedGenerator(0)
    buffer.push(batch(1.0))
    blended, fresh = buffer.blend(batch(2.0), seed)
    np.testing.assert_array_equal(first_pixels(blended), [1, 1, 2, 2])
    np.testing.assert_array_equal(ops.convert_to_numpy(fresh), [0, 0, 1, 1])
    assert int(buffer.filled.numpy()) == 4  # blend does not push
