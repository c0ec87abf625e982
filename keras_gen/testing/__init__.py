"""Shared test helpers used by every family's tests and the registry-wide test."""

from keras_gen.testing.helpers import (
    assert_only_changed,
    assert_outputs_equal,
    one_step_training,
    progress_bar_counts,
    run_model_saving_test,
    run_serialization_test,
    snapshot,
)

__all__ = ["assert_only_changed", "assert_outputs_equal", "one_step_training",
           "progress_bar_counts", "run_model_saving_test", "run_serialization_test",
           "snapshot"]
