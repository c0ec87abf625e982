"""`ImageBudget`: stop `fit` once a number of training images has been seen."""

import math

import keras

from keras_gen.core.validation import is_int


@keras.saving.register_keras_serializable(package="keras_gen")
class ImageBudget(keras.callbacks.Callback):
    """Stop training after `images` training images (a recipe's "kimg" times 1,000).

    A recipe counted in images trains the same model on any machine, fast or
    slow; a wall-clock budget (`TimeLimit`) trains fewer images on a slower
    one. `fit` runs `epochs_for(...)` epochs and this callback ends the last
    one early when the budget is not a whole number of epochs. Images are
    counted from the step index Keras passes after each batch (so several
    steps per execution are counted exactly); training stops at the end of
    the first execution whose images reach the budget. After training
    `images_seen` says how many images were trained on.

    Args:
        images: the budget, a positive number of images.
        examples: training examples per epoch (the dataset's length).
        batch_size: examples per step (the last step of an epoch may be shorter).
        verbose: print a line when the budget stops training inside an epoch.
    """

    def __init__(self, images, examples, batch_size, verbose=1):
        super().__init__()
        for name, value in (("images", images), ("examples", examples),
                            ("batch_size", batch_size)):
            if not is_int(value) or value < 1:
                raise ValueError(f"ImageBudget: {name} must be a positive integer, "
                                 f"got {value!r}.")
        self.images, self.examples, self.batch_size = int(images), int(examples), int(batch_size)
        self.verbose = verbose
        self.images_seen = 0
        self._epoch = 0

    @staticmethod
    def epochs_for(images, examples):
        """Epochs `fit` must run to see `images` images of a dataset of `examples`."""
        return max(1, math.ceil(images / examples))

    def on_train_begin(self, logs=None):
        self.images_seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        in_epoch = min((batch + 1) * self.batch_size, self.examples)
        self.images_seen = self._epoch * self.examples + in_epoch
        if self.images_seen >= self.images:
            if in_epoch < self.examples and self.verbose:
                print(f"\n[ImageBudget] {self.images:,} images seen; stopping.", flush=True)
            self.model.stop_training = True

    def get_config(self):
        return {"images": self.images, "examples": self.examples,
                "batch_size": self.batch_size, "verbose": self.verbose}
