"""`MetricEval`: sample quality metrics of a generator, written into the Keras logs."""

import keras
import numpy as np
from keras import ops

from keras_gen.core import validation
from keras_gen.metrics import _checks
from keras_gen.metrics.coverage import mode_coverage
from keras_gen.metrics.features import extract_features, feature_extractor
from keras_gen.metrics.frechet import feature_statistics, frechet_distance_from_stats
from keras_gen.metrics.kernel_distance import kid_from_features
from keras_gen.metrics.knn_manifolds import precision_recall_from_features

METRIC_KEYS = {
    "fid": ("val_fid",),
    "kid": ("val_kid", "val_kid_std"),
    "coverage": ("val_coverage", "val_coverage_entropy"),
    "precision_recall": ("val_precision", "val_recall"),
}
ALIASES = {"precision": "precision_recall", "recall": "precision_recall"}


def _real_images(real_data, limit):
    """Up to `limit` images from an array, an `(x, labels)` tuple or a tf.data.Dataset.

    A dataset may yield batches `(B, H, W, C)` or single images `(H, W, C)`,
    alone or with labels.
    """
    import tensorflow as tf

    if isinstance(real_data, tf.data.Dataset):
        chunks, count = [], 0
        for element in real_data:
            x = np.asarray(element[0] if isinstance(element, (tuple, list)) else element)
            chunks.append(x if x.ndim == 4 else x[None])
            count += len(chunks[-1])
            if count >= limit:
                break
        if not chunks:
            raise ValueError("real_data: the dataset is empty; expected images.")
        real_data = np.concatenate(chunks)
    elif isinstance(real_data, tuple):
        real_data = real_data[0]
    return _checks.check_images(real_data, "real_data", min_count=4)[:limit]


@keras.saving.register_keras_serializable(package="keras_gen")
class MetricEval(keras.callbacks.Callback):
    """Measure sample quality every few epochs and add it to the Keras logs.

    For models with `generate(n, seed=...)` returning images in [0, 1] (GANs,
    VAEs). At the end of the first epoch, of every `every`-th epoch and of the
    last one, the model generates `num_samples` images with a fixed seed, and the chosen metrics
    against `real_data` are written into the epoch's logs:

    | metric | log keys |
    | --- | --- |
    | "fid" | `val_fid` (Frechet distance in the feature space) |
    | "kid" | `val_kid`, `val_kid_std` |
    | "coverage" | `val_coverage` (classes covered), `val_coverage_entropy` |
    | "precision_recall" | `val_precision`, `val_recall` |

    Between evaluations the last measured values are repeated, so every
    epoch's logs (and `History`) hold the keys. Callbacks listed after this
    one (`EarlyStopping(monitor="val_fid", mode="min")`, `TensorBoard`,
    `ModelCheckpoint`) and keras-tuner (`kt.Objective("val_fid", "min")`) see
    the values; put `MetricEval` first in the callbacks list.

    Args:
        real_data: real images `(N, H, W, C)` in [0, 1], an `(images, labels)`
            tuple, or a `tf.data.Dataset` of images (or `(images, labels)`).
            At most `num_samples` are used; their features are computed once.
        every: int. Evaluate every this many epochs. Defaults to `1`.
        metrics: names among "fid", "kid", "coverage", "precision_recall"
            ("precision" and "recall" are aliases of the last). Defaults to
            `("fid", "coverage")`.
        num_samples: int. Images generated per evaluation (and most real
            images used). Defaults to `1000`.
        features: "digits", "inception" or a callable `images -> (N, d)`; see
            `kg.metrics.frechet_distance`. Defaults to `"digits"`.
        classifier: for "coverage": "digits" or a callable `images ->
            probabilities (N, K)`; see `kg.metrics.mode_coverage`. Defaults
            to `"digits"`.
        seed: int. Seed of `generate`, the same each time, so changes come
            from the model, not from the draw. Defaults to `0`.
        kid_subsets: int. Subsets for "kid". Defaults to `20`.
        k: int. Neighbour count for "precision_recall". Defaults to `3`.

    Example:
    ```python
    x_test, _ = kg.data.load_arrays("mnist", "test")
    gan.fit(data, epochs=50, callbacks=[
        kg.callbacks.MetricEval(x_test, every=5, metrics=("fid", "coverage")),
        keras.callbacks.EarlyStopping(monitor="val_fid", mode="min", patience=10),
    ])
    ```
    """

    def __init__(self, real_data, every=1, metrics=("fid", "coverage"), num_samples=1000,
                 features="digits", classifier="digits", seed=0, kid_subsets=20, k=3):
        super().__init__()
        self.every = validation.check_positive_int(every, "every")
        if isinstance(metrics, str):
            metrics = (metrics,)
        chosen = []
        for name in metrics:
            name = ALIASES.get(name, name)
            validation.check_choice(name, "each entry of metrics",
                                    list(METRIC_KEYS) + list(ALIASES))
            if name not in chosen:
                chosen.append(name)
        if not chosen:
            raise ValueError("metrics must name at least one metric.")
        self.metric_names = tuple(chosen)
        self.num_samples = validation.check_positive_int(num_samples, "num_samples")
        if self.num_samples < 4:
            raise ValueError(f"num_samples must be at least 4, got {num_samples}.")
        self.features = feature_extractor(features)
        if self.features is None:
            raise ValueError("features must be 'digits', 'inception' or a callable, got None.")
        self.classifier = classifier
        self.seed = int(seed)
        self.kid_subsets = validation.check_positive_int(kid_subsets, "kid_subsets")
        self.k = validation.check_positive_int(k, "k")
        self.real_images = _real_images(real_data, self.num_samples)
        self._real_features = None
        self._real_stats = None
        self.latest = {}

    def keys(self):
        """The log keys this callback writes."""
        return [key for name in self.metric_names for key in METRIC_KEYS[name]]

    def _prepare_real(self):
        if self._real_features is None:
            self._real_features = extract_features(self.real_images, self.features, "real_data")
            self._real_stats = feature_statistics(self._real_features, "real_data")

    def generated_images(self, model):
        """`num_samples` images from `model.generate`, checked, as numpy."""
        images = ops.convert_to_numpy(model.generate(self.num_samples, seed=self.seed))
        return _checks.check_images(images, f"{type(model).__name__}.generate output", min_count=4)

    def measure(self, model):
        """Compute the metrics of `model`'s samples now; returns `{log_key: float}`."""
        self._prepare_real()
        fake = self.generated_images(model)
        values = {}
        needs_features = {"fid", "kid", "precision_recall"} & set(self.metric_names)
        fake_features = (extract_features(fake, self.features, "generated") if needs_features
                         else None)
        if "fid" in self.metric_names:
            values["val_fid"] = frechet_distance_from_stats(
                *self._real_stats, *feature_statistics(fake_features, "generated"))
        if "kid" in self.metric_names:
            result = kid_from_features(self._real_features, fake_features,
                                       num_subsets=self.kid_subsets, seed=self.seed)
            values["val_kid"], values["val_kid_std"] = result["mean"], result["std"]
        if "coverage" in self.metric_names:
            result = mode_coverage(fake, classifier=self.classifier)
            values["val_coverage"] = float(result["classes_covered"])
            values["val_coverage_entropy"] = result["entropy"]
        if "precision_recall" in self.metric_names:
            result = precision_recall_from_features(self._real_features, fake_features, self.k)
            values["val_precision"], values["val_recall"] = result["precision"], result["recall"]
        return values

    def on_train_begin(self, logs=None):
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(f"MetricEval needs a model with generate(n, seed=...); "
                             f"{type(self.model).__name__} has none.")
        self._prepare_real()

    def on_epoch_end(self, epoch, logs=None):
        epochs = (self.params or {}).get("epochs")
        if epoch == 0 or (epoch + 1) % self.every == 0 or epoch + 1 == epochs:
            self.latest = self.measure(self.model)
        if logs is not None:
            logs.update(self.latest)

    def get_config(self):
        """Settings (the real data and callables are not part of the config)."""
        return {"every": self.every, "metrics": list(self.metric_names),
                "num_samples": self.num_samples, "seed": self.seed,
                "kid_subsets": self.kid_subsets, "k": self.k}
