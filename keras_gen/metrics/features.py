"""Feature spaces of the metrics: the shipped digit classifier and InceptionV3.

`extract_features(images, features)` maps images in [0, 1] to feature vectors:

- "digits": the penultimate layer (128 ReLU units) of the shipped
  `digit_classifier` preset, loaded once per process from the catalogue
  (so its sha256 is checked). For grey MNIST-like images, 28x28 or 32x32
  (other sizes are resized).
- "inception": InceptionV3's 2048 average-pooled features, only when its
  weights file is on disk (see `inception_weights_path`); keras_gen never
  downloads it. Grey images are repeated to 3 channels, all are resized to
  299x299 and scaled to [-1, 1].
- a callable `fn(images) -> (N, d)`, or `None` when the inputs already are
  feature matrices.
"""

import os
from pathlib import Path

import keras
import numpy as np
from keras import ops

from keras_gen.metrics import _checks

DIGIT_PRESET = "digit_classifier"
INCEPTION_FILE = "inception_v3_notop.weights.h5"
KERAS_INCEPTION_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
INCEPTION_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
                 + KERAS_INCEPTION_FILE)
INCEPTION_SIZE = 299

_CACHE = {}


def digit_classifier():
    """The shipped `digit_classifier` preset, loaded (sha256-checked) once per process.

    Read straight from the catalogue folder with the store (the metrics sit
    below the zoo, which discovers the generative families).
    """
    if DIGIT_PRESET not in _CACHE:
        import keras_gen.models.classifier  # noqa: F401  (registers the class with Keras)
        from keras_gen.core import store

        folder = store.catalogue_path(DIGIT_PRESET)
        if not (folder / store.CONFIG_FILE).exists():
            raise FileNotFoundError(
                f"the 'digits' feature space needs the shipped {DIGIT_PRESET!r} preset, "
                f"which is not in this installation ({folder}).")
        model = store.build_from_config(store.read_json(folder / store.CONFIG_FILE))
        store.load_weights_checked(model, folder)
        _CACHE[DIGIT_PRESET] = model
    return _CACHE[DIGIT_PRESET]


def _batched(fn, images, batch_size):
    out = [np.asarray(ops.convert_to_numpy(fn(images[i:i + batch_size])))
           for i in range(0, len(images), batch_size)]
    return np.concatenate(out)


@keras.saving.register_keras_serializable(package="keras_gen")
class DigitFeatures:
    """Penultimate-layer features of a `DigitClassifier`, batch by batch.

    Args:
        model: a `DigitClassifier`, or None for the shipped `digit_classifier`
            preset (loaded on first use, cached per process).
        batch_size: int. Images per forward pass. Defaults to `500`.

    Call with grey images `(N, H, W[, 1])` in [0, 1]; returns float64
    `(N, feature_dim)`.
    """

    def __init__(self, model=None, batch_size=500):
        self.model = model
        self.batch_size = int(batch_size)

    def classifier(self):
        return self.model if self.model is not None else digit_classifier()

    def __call__(self, images):
        images = _checks.check_images(images)
        if images.shape[-1] != 1:
            raise ValueError(
                "the 'digits' feature space takes grey images (1 channel), got "
                f"{images.shape[-1]} channels (shape {images.shape}). Use features='inception' "
                "or a callable for colour images."
            )
        model = self.classifier()
        return _batched(lambda x: model.features(x), images, self.batch_size).astype("float64")

    def get_config(self):
        return {"batch_size": self.batch_size}


def inception_weights_path(path=None):
    """Where the InceptionV3 (no top) weights file is expected, in search order.

    1. `path`, if given;
    2. `$KERAS_GEN_HOME/inception_v3_notop.weights.h5` (default
       `~/.keras/keras_gen/inception_v3_notop.weights.h5`);
    3. Keras' own cache, `$KERAS_HOME/models/` (default `~/.keras/models/`)
       `inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`.

    Returns:
        The first existing `Path`.

    Raises:
        FileNotFoundError: naming the places searched and where to get the file.
    """
    from keras_gen.core import store

    keras_home = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    candidates = [Path(path)] if path is not None else [
        store.home() / INCEPTION_FILE, keras_home / "models" / KERAS_INCEPTION_FILE]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(
        f"InceptionV3 weights not found (searched: {searched}). keras_gen does not download "
        f"them at run time. Download {INCEPTION_URL} on a machine with network access and "
        f"save it as {candidates[0]}, or pass its path: InceptionFeatures(weights_path=...). "
        "For MNIST-like images, features='digits' needs no download."
    )


@keras.saving.register_keras_serializable(package="keras_gen")
class InceptionFeatures:
    """InceptionV3 average-pooled features (2048) of images in [0, 1].

    Images are repeated to 3 channels if grey, resized to 299x299 (bilinear)
    and scaled to [-1, 1], InceptionV3's input range. These are Keras'
    ImageNet weights, not the TF1 graph used for published FIDs, so values
    are comparable with each other, not with papers.

    Args:
        weights_path: path of the no-top weights file; None searches the
            places listed in `inception_weights_path`.
        random_weights: bool. Use untrained weights (only to test the
            pipeline). Defaults to `False`.
        batch_size: int. Images per forward pass. Defaults to `32`.
    """

    def __init__(self, weights_path=None, random_weights=False, batch_size=32):
        self.weights_path = None if weights_path is None else str(weights_path)
        self.random_weights = bool(random_weights)
        self.batch_size = int(batch_size)
        self._network = None

    def network(self):
        """The InceptionV3 model (built on first use; cached per process by weights file)."""
        if self._network is None:
            weights = (None if self.random_weights
                       else str(inception_weights_path(self.weights_path)))
            key = ("inception", weights)
            if key not in _CACHE:
                _CACHE[key] = keras.applications.InceptionV3(
                    include_top=False, pooling="avg", weights=weights,
                    input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3))
            self._network = _CACHE[key]
        return self._network

    @staticmethod
    def preprocess(images):
        """`(N, H, W, 1 or 3)` in [0, 1] -> `(N, 299, 299, 3)` in [-1, 1]."""
        x = ops.convert_to_tensor(images, "float32")
        if x.shape[-1] == 1:
            x = ops.repeat(x, 3, axis=-1)
        x = ops.image.resize(x, (INCEPTION_SIZE, INCEPTION_SIZE), interpolation="bilinear")
        return x * 2.0 - 1.0

    def __call__(self, images):
        images = _checks.check_images(images)
        if images.shape[-1] not in (1, 3):
            raise ValueError(f"InceptionV3 features take 1 or 3 channels, got {images.shape}.")
        network = self.network()
        return _batched(lambda x: network(self.preprocess(x), training=False), images,
                        self.batch_size).astype("float64")

    def get_config(self):
        return {"weights_path": self.weights_path, "random_weights": self.random_weights,
                "batch_size": self.batch_size}


def feature_extractor(features):
    """Resolve a `features` argument: "digits", "inception", a callable, or None."""
    if features is None or callable(features):
        return features
    if features == "digits":
        return DigitFeatures()
    if features == "inception":
        return InceptionFeatures()
    raise ValueError(f"features must be 'digits', 'inception', a callable images -> (N, d) or "
                     f"None (inputs are features), got {features!r}.")


def extract_features(images, features="digits", name="images"):
    """Feature matrix `(N, d)` (float64) of `images` in the given feature space.

    With `features=None`, `images` must already be a feature matrix.
    """
    extractor = feature_extractor(features)
    if extractor is None:
        return _checks.check_features(images, name, min_count=1)
    images = _checks.check_images(images, name)
    return _checks.check_features(extractor(images), f"features of {name}", min_count=1)
