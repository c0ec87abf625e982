"""The shared argument checks: what they accept, and what their errors say."""

import numpy as np
import pytest

from keras_gen.core import validation


@pytest.mark.parametrize("seed", [0, 7, np.int64(3)])
def test_check_seed_accepts_non_negative_ints(seed):
    assert validation.check_seed(seed) == int(seed)
    assert type(validation.check_seed(seed)) is int


@pytest.mark.parametrize("seed", [True, False, -1, 1.5, "3"])
def test_check_seed_refuses_bools_negatives_and_non_ints(seed):
    with pytest.raises(ValueError, match=f"seed must be a non-negative int or None, got {seed!r}"):
        validation.check_seed(seed)


def test_check_seed_none_only_when_allowed():
    assert validation.check_seed(None) is None
    with pytest.raises(ValueError, match="must be a non-negative int, got None"):
        validation.check_seed(None, allow_none=False)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 0.0, -1, True, "1"])
def test_check_number_refuses_nan_inf_bools_and_out_of_range(value):
    with pytest.raises(ValueError, match="gain must be a"):
        validation.check_number(value, "gain")


def test_check_number_inclusive_low():
    assert validation.check_number(0, "weight", inclusive_low=True) == 0.0
    assert validation.check_number(np.float32(0.5), "gain") == 0.5


def test_check_image_shape():
    assert validation.check_image_shape((28, 28, 1)) == (28, 28, 1)
    assert validation.check_image_shape((28, 28), add_channel=True) == (28, 28, 1)
    with pytest.raises(ValueError, match="channel axis"):
        validation.check_image_shape((28, 28), "input_shape")
    with pytest.raises(ValueError, match="positive ints"):
        validation.check_image_shape((28, 0, 1))
