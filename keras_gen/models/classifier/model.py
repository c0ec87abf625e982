"""`DigitClassifier`: a small CNN for grey digits whose penultimate layer is the
feature space of `kg.metrics` (Frechet distance, KID, precision/recall) and whose
predictions give the mode coverage of a digit generator."""

import keras
import numpy as np
from keras import ops

from keras_gen.core import validation
from keras_gen.models.classifier import networks

CORE_SIZE = 28
PADDED_SIZE = 32


def to_core_images(x):
    """Bring grey digit images to the classifier's 28x28x1 input.

    `(batch, 28, 28, 1)` passes through; `(batch, 32, 32, 1)` (MNIST padded by
    `kg.data`, what the 32x32 generators are trained on) is centre-cropped,
    which undoes the padding exactly; any other size is resized bilinearly.
    A missing channel axis, `(batch, H, W)`, is added.

    Args:
        x: tensor or array `(batch, H, W)` or `(batch, H, W, 1)` in [0, 1],
            with static H and W.

    Returns:
        float32 tensor `(batch, 28, 28, 1)`.
    """
    x = ops.convert_to_tensor(x, dtype="float32")
    shape = tuple(x.shape)
    if len(shape) == 3:
        x = ops.expand_dims(x, -1)
        shape = tuple(x.shape)
    if len(shape) != 4 or shape[-1] != 1:
        raise ValueError(
            "DigitClassifier expects grey images of shape (batch, H, W) or (batch, H, W, 1), "
            f"got shape {shape}. Convert colour images to grey first."
        )
    height, width = shape[1], shape[2]
    if height is None or width is None:
        raise ValueError(f"DigitClassifier needs static image sizes, got shape {shape}.")
    if (height, width) == (CORE_SIZE, CORE_SIZE):
        return x
    if (height, width) == (PADDED_SIZE, PADDED_SIZE):
        margin = (PADDED_SIZE - CORE_SIZE) // 2
        return x[:, margin:margin + CORE_SIZE, margin:margin + CORE_SIZE, :]
    return ops.image.resize(x, (CORE_SIZE, CORE_SIZE), interpolation="bilinear", antialias=True)


@keras.saving.register_keras_serializable(package="keras_gen")
class DigitClassifier(keras.Model):
    """A small convolutional classifier of grey digits (MNIST-like, 10 classes).

    The network is stages of two 3x3 convolutions (batch norm, ReLU) and a 2x2
    max-pool, then global average pooling, a dense feature layer (ReLU) and a
    softmax. The feature layer's output is what `features(x)` returns: the
    space in which keras_gen measures Frechet distance, KID and
    precision/recall of MNIST-like images. Random shifts and rotations
    (training only) make up for the 4,000 training digits.

    Inputs are grey images in [0, 1]: 28x28 as is, 32x32 centre-cropped (the
    inverse of `kg.data`'s padding), other sizes resized (see `to_core_images`).

    Args:
        filters: sequence of ints. Filters of each stage (each stage halves
            the resolution). Defaults to `(32, 64, 128)`.
        feature_dim: int. Width of the penultimate (feature) layer.
            Defaults to `128`.
        num_classes: int. Number of classes. Defaults to `10`.
        dropout: float in [0, 1). Dropout before and after the feature layer.
            Defaults to `0.3`.
        augment: bool. Random shifts and rotations while training.
            Defaults to `True`.
        max_shift: float in [0, 0.5]. Largest shift, as a fraction of the
            image size. Defaults to `0.1`.
        max_rotation: float in [0, 180]. Largest rotation in degrees.
            Defaults to `10.0`.
        seed: int or None. Seed of the augmentation draws.

    Example:
    ```python
    x, y = kg.data.load_arrays("mnist", "train")
    model = kg.models.DigitClassifier()
    model.compile()                  # Adam, sparse cross-entropy, accuracy
    model.fit(x, y, epochs=30, batch_size=64)
    features = model.features(x[:8])   # (8, 128)
    ```
    """

    def __init__(self, filters=(32, 64, 128), feature_dim=128, num_classes=10, dropout=0.3,
                 augment=True, max_shift=0.1, max_rotation=10.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        # Arguments.
        self.filters = validation.check_int_sequence(filters, "filters", allow_empty=False)
        if len(self.filters) > 4:
            raise ValueError(f"filters may have at most 4 stages for 28x28 inputs (each stage "
                             f"halves the resolution), got {len(self.filters)}: {filters!r}.")
        self.feature_dim = validation.check_positive_int(feature_dim, "feature_dim")
        self.num_classes = validation.check_positive_int(num_classes, "num_classes")
        if self.num_classes < 2:
            raise ValueError(f"num_classes must be at least 2, got {num_classes!r}.")
        self.dropout = validation.check_fraction(dropout, "dropout", inclusive_high=False)
        if not isinstance(augment, bool):
            raise ValueError(f"augment must be True or False, got {augment!r}.")
        self.augment = augment
        self.max_shift = validation.check_fraction(max_shift, "max_shift", high=0.5)
        self.max_rotation = validation.check_fraction(max_rotation, "max_rotation", high=180.0)
        self.seed = validation.check_seed(seed)
        # Networks.
        self.augmenter = networks.build_augmenter(
            self.max_shift, self.max_rotation, self.seed) if augment else None
        if self.augmenter is not None:
            self.augmenter.build((None, CORE_SIZE, CORE_SIZE, 1))
        self.feature_extractor = networks.build_feature_extractor(
            (CORE_SIZE, CORE_SIZE, 1), self.filters, self.feature_dim, self.dropout)
        self.head = keras.layers.Dense(self.num_classes, activation="softmax", name="head")
        self.head.build((None, self.feature_dim))
        self.built = True

    def expected_input_shape(self):
        """Shape of one example that `fit` takes: `(28, 28, 1)` (32x32 works too)."""
        return (CORE_SIZE, CORE_SIZE, 1)

    def features(self, x, training=False):
        """Penultimate-layer features `(batch, feature_dim)` of images `(batch, H, W[, 1])`."""
        x = to_core_images(x)
        if training and self.augmenter is not None:
            x = self.augmenter(x, training=True)
        return self.feature_extractor(x, training=training)

    def call(self, x, training=False):
        """Class probabilities `(batch, num_classes)` of images `(batch, H, W[, 1])`."""
        return self.head(self.features(x, training=training))

    def classify(self, x, batch_size=256):
        """Predicted labels (numpy int64 `(batch,)`) of a numpy batch of images."""
        x = np.asarray(x, "float32")
        out = [ops.convert_to_numpy(ops.argmax(self(x[i:i + batch_size]), axis=-1))
               for i in range(0, len(x), batch_size)]
        return np.concatenate(out).astype("int64")

    def serving_functions(self, batch_size=1):
        """`classify(x)` -> class probabilities and `features(x)`, for `kg.export`."""
        from keras_gen.models.serving import ServingFunction

        shape = (batch_size, CORE_SIZE, CORE_SIZE, 1)
        return {
            "classify": ServingFunction(lambda x: self(x, training=False),
                                        [("x", shape, "float32")]),
            "features": ServingFunction(lambda x: self.features(x, training=False),
                                        [("x", shape, "float32")]),
        }

    # -- training -----------------------------------------------------------
    def compile(self, optimizer="adam", loss="sparse_categorical_crossentropy",
                metrics=("accuracy",), **kwargs):
        """Configure training: Adam, sparse categorical cross-entropy and
        accuracy unless given. Keras' own arguments pass through."""
        super().compile(optimizer=optimizer, loss=loss,
                        metrics=list(metrics) if metrics is not None else None, **kwargs)

    def compile_from_config(self, config):
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    # -- test helpers -------------------------------------------------------
    def example_data(self, n=8, seed=0):
        """Random labelled training data: a one-batch `tf.data.Dataset` of
        `(images (n, 28, 28, 1) in [0, 1], labels (n,))`. A classifier cannot
        train on images alone, so this is a dataset rather than an array."""
        import tensorflow as tf

        rng = np.random.default_rng(seed)
        x = rng.uniform(size=(n, CORE_SIZE, CORE_SIZE, 1)).astype("float32")
        y = rng.integers(0, self.num_classes, size=n).astype("int64")
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(n)

    def example_call_inputs(self, n=4, seed=0):
        """Random images `(n, 28, 28, 1)` in [0, 1] for `call`."""
        rng = np.random.default_rng(seed)
        return rng.uniform(size=(n, CORE_SIZE, CORE_SIZE, 1)).astype("float32")

    def get_config(self):
        return {
            "filters": list(self.filters),
            "feature_dim": self.feature_dim,
            "num_classes": self.num_classes,
            "dropout": self.dropout,
            "augment": self.augment,
            "max_shift": self.max_shift,
            "max_rotation": self.max_rotation,
            "seed": self.seed,
            "name": self.name,
            "trainable": self.trainable,
        }
