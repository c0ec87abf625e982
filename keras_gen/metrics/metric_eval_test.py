"""MetricEval: metrics of generated images in the Keras logs, seen by later callbacks."""

import warnings

import keras
import numpy as np
import pytest
from keras import ops

import keras_gen as kg
from keras_gen.metrics.metric_eval import MetricEval

PROJECTION = np.random.default_rng(0).normal(size=(28 * 28, 6))


def project(images):
    """A cheap stand-in feature space: a fixed random projection to 6 numbers."""
    return images.reshape(len(images), -1) @ PROJECTION


def brightness_classes(images):
    """A stand-in classifier: probabilities of 4 classes by mean brightness."""
    level = np.clip((images.mean(axis=(1, 2, 3)) * 16).astype(int), 0, 3)
    return np.eye(4)[level]


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class TemplateGenerator(keras.Model):
    """Test-only generator: one learned template image plus seeded noise.

    `fit(x, x)` with MSE pulls the template towards the mean image;
    `generate(n, seed)` returns `(n, 28, 28, 1)` images in [0, 1].
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.template = self.add_weight(shape=(28, 28, 1), initializer="zeros", name="template")

    def call(self, x):
        return ops.broadcast_to(ops.sigmoid(self.template), ops.shape(x))

    def generate(self, n, seed=None):
        noise = keras.random.uniform((n, 28, 28, 1), seed=seed, maxval=0.3)
        return ops.clip(ops.sigmoid(self.template)[None] * 0.7 + noise, 0.0, 1.0)


class RecordLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(dict(logs))


@pytest.fixture(scope="module")
def digits():
    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, _ = kg.data.load_arrays("mnist", "test")
    return x_train[:256], x_test[:100]


def test_writes_every_metric_into_the_logs_of_later_callbacks(digits):
    x_train, x_test = digits
    model = TemplateGenerator()
    model.compile(optimizer=keras.optimizers.SGD(50.0), loss="mse")
    evaluator = MetricEval(x_test, every=2, metrics=("fid", "kid", "coverage", "precision"),
                           num_samples=64, features=project, classifier=brightness_classes)
    recorder = RecordLogs()
    history = model.fit(x_train, x_train, epochs=3, batch_size=64, verbose=0,
                        callbacks=[evaluator, recorder])
    keys = {"val_fid", "val_kid", "val_kid_std", "val_coverage", "val_coverage_entropy",
            "val_precision", "val_recall"}
    assert set(evaluator.keys()) == keys
    assert all(keys <= set(logs) for logs in recorder.seen) and len(recorder.seen) == 3
    fid = history.history["val_fid"]
    assert len(fid) == 3 and fid[0] != fid[1] and fid[1] != fid[2]  # epochs 1, 2, 3 measured
    generated = ops.convert_to_numpy(model.generate(64, seed=0))
    expected = kg.metrics.frechet_distance(x_test[:64], generated, features=project)
    assert fid[-1] == pytest.approx(expected, rel=1e-6)
    coverage = kg.metrics.mode_coverage(generated, classifier=brightness_classes)
    assert history.history["val_coverage"][-1] == coverage["classes_covered"]


def test_repeats_the_last_values_between_evaluations(digits):
    x_train, x_test = digits
    model = TemplateGenerator()
    model.compile(optimizer=keras.optimizers.SGD(50.0), loss="mse")
    history = model.fit(x_train, x_train, epochs=3, batch_size=64, verbose=0, callbacks=[
        MetricEval(x_test, every=5, metrics="fid", num_samples=32, features=project)])
    fid = history.history["val_fid"]
    assert fid[0] == fid[1] != fid[2]  # measured after epochs 1 and 3 (the last)


def test_early_stopping_uses_val_fid_with_the_shipped_digit_features(digits):
    x_train, x_test = digits
    model = TemplateGenerator()
    model.compile(optimizer=keras.optimizers.SGD(50.0), loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x_train, x_train, epochs=2, batch_size=64, verbose=0, callbacks=[
            MetricEval(x_test, metrics=("fid", "coverage"), num_samples=100),
            keras.callbacks.EarlyStopping(monitor="val_fid", mode="min", patience=5)])
    assert not [w for w in caught if "val_fid" in str(w.message)]
    assert all(np.isfinite(history.history["val_fid"])) and history.history["val_fid"][-1] > 0
    assert 1 <= history.history["val_coverage"][-1] <= 10


def test_keras_tuner_objective_reads_val_fid(digits, tmp_path):
    import keras_tuner as kt

    x_train, x_test = digits

    def build(hp):
        model = TemplateGenerator()
        model.compile(optimizer=keras.optimizers.SGD(hp.Choice("lr", [10.0, 50.0])), loss="mse")
        return model

    tuner = kt.RandomSearch(build, objective=kt.Objective("val_fid", "min"), max_trials=1,
                            directory=str(tmp_path), project_name="fid", seed=0)
    tuner.search(x_train, x_train, epochs=1, batch_size=64, verbose=0, callbacks=[
        MetricEval(x_test, metrics="fid", num_samples=32, features=project)])
    score = tuner.oracle.get_best_trials(1)[0].score
    assert score is not None and np.isfinite(score)


def test_clear_errors(digits):
    _, x_test = digits
    with pytest.raises(ValueError, match="each entry of metrics must be one of"):
        MetricEval(x_test, metrics=("fid", "inception_score"), features=project)
    with pytest.raises(ValueError, match=r"real_data: the data has values in \[-1, 1\]"):
        MetricEval(x_test * 2 - 1, features=project)
    plain = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(1)])
    plain.compile(loss="mse")
    with pytest.raises(ValueError, match="needs a model with generate"):
        plain.fit(x_test, np.zeros(len(x_test)), epochs=1, verbose=0,
                  callbacks=[MetricEval(x_test, features=project, metrics="fid")])
    dataset = kg.data.to_dataset(x_test, batch_size=16, shuffle=False)
    from_dataset = MetricEval(dataset, num_samples=40, features=project)
    np.testing.assert_array_equal(from_dataset.real_images, x_test[:40])
