"""The one training pipeline: a preset spec trained by its recipe, checked, measured, saved.

`keras-gen train`, `keras-gen train --data`, `tools/train_zoo.py` and
`tools/floors.py` all train through `pipeline.train`, so the recipe, the NaN
guard, the finiteness checks and the preset metadata are written once.
"""

from keras_gen.training.pipeline import (
    UNTIL_BUDGET,
    NonFiniteError,
    TrainingRun,
    build,
    evaluate,
    json_safe,
    measure,
    metadata,
    sample_grids,
    save,
    train,
    training_data,
    versions,
)

__all__ = ["UNTIL_BUDGET", "NonFiniteError", "TrainingRun", "build", "evaluate", "json_safe",
           "measure", "metadata", "sample_grids", "save", "train", "training_data", "versions"]
