"""A `keras.utils.PyDataset` whose batches pass a keras_gen input check."""

import keras


class CheckedPyDataset(keras.utils.PyDataset):
    """Delegates to `inner`, passing each batch through `checker(batch, index)`.

    Keeps the inner dataset's workers, multiprocessing and queue settings;
    both it and the checker pickle, so worker processes can run them.

    Args:
        inner: the user's `keras.utils.PyDataset`.
        checker: a `checks.BatchChecker` (checks and scales `x`, keeps labels).
    """

    def __init__(self, inner, checker):
        super().__init__(workers=inner.workers, use_multiprocessing=inner.use_multiprocessing,
                         max_queue_size=inner.max_queue_size)
        self.inner = inner
        self.checker = checker

    @property
    def num_batches(self):
        return self.inner.num_batches

    def __len__(self):
        return len(self.inner)

    def __getitem__(self, index):
        return self.checker(self.inner[index], index)

    def on_epoch_begin(self):
        self.inner.on_epoch_begin()

    def on_epoch_end(self):
        self.inner.on_epoch_end()
