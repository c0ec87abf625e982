"""Train a preset spec under its recipe, refuse NaN, evaluate it, save it with metadata.

    x, labels = training_data(spec)
    model = build(spec)
    run = train(spec, model, x, labels)     # raises NonFiniteError on divergence
    evaluate(run)                           # spec.evaluate, checked finite
    hook = measure_at(spec, (60, 120))       # or: measured during training, at those seconds
    save(run, folder, metadata(run, seed=0, command="..."))

Every step is a plain function so a caller can put its own piece in between
(the CLI adds sample grids and a backup; the catalogue tool rounds weights to
float16 before evaluating, so the metrics are those of the shipped weights).
"""

import dataclasses
import math
import platform
import time


class NonFiniteError(ValueError):
    """Training produced NaN or infinite weights, losses or metrics; nothing was saved."""


@dataclasses.dataclass
class TrainingRun:
    """What one `train` call produced.

    Attributes:
        spec: the `PresetSpec` trained.
        model: the trained model (the last finite weights).
        history: the `keras.callbacks.History` of `fit`.
        seconds: wall-clock seconds spent in `fit`.
        examples: number of training examples.
        fit_kwargs: the `model.fit` keyword arguments used (epochs, batch size, ...).
        callbacks: the callbacks `fit` ran with.
        metrics: `spec.evaluate`'s measurements, once `evaluate(run)` ran.
    """

    spec: object
    model: object
    history: object
    seconds: float
    examples: int
    fit_kwargs: dict
    callbacks: list
    metrics: dict = dataclasses.field(default_factory=dict)

    @property
    def logs(self):
        """`{name: float}`: the last value of every logged loss and metric."""
        import numpy as np

        return {k: float(np.asarray(v[-1])) for k, v in self.history.history.items() if len(v)}

    @property
    def epochs_run(self):
        return len(self.history.epoch)

    @property
    def stopped_by_time_limit(self):
        """True/False when a `TimeLimit` ran, else None."""
        from keras_gen.core.time_limit import TimeLimit

        limits = [c for c in self.callbacks if isinstance(c, TimeLimit)]
        return limits[0].stopped_early if limits else None

    @property
    def images_seen(self):
        """Training images seen: an `ImageBudget`'s count, else epochs times examples."""
        budget = _image_budget(self.callbacks)
        return budget.images_seen if budget is not None else self.epochs_run * self.examples


def _image_budget(callbacks):
    """The `ImageBudget` among `callbacks` (a "kimg" recipe's), or None."""
    from keras_gen.core.image_budget import ImageBudget

    return next((c for c in callbacks if isinstance(c, ImageBudget)), None)


def training_data(spec, limit=None, like=None):
    """The training split of `spec.data` as `(x, labels)` (the first `limit` examples).

    With `like` (a model), images of another size or channel count are fitted
    to its `expected_input_shape()`, so a tiny configuration trains on them.
    """
    import keras_gen as kg

    if "name" not in spec.data:
        raise ValueError(f"{spec.name}: spec.data must hold 'name', got {spec.data!r}.")
    options = {k: v for k, v in spec.data.items() if k != "name"}
    x, labels = kg.data.load_arrays(spec.data["name"], "train", **options)
    if limit is not None:
        x, labels = x[:limit], None if labels is None else labels[:limit]
    shape = like.expected_input_shape() if hasattr(like, "expected_input_shape") else None
    if shape is not None and x.ndim == 4 and tuple(x.shape[1:]) != tuple(shape):
        x = kg.data.fit_size(x, tuple(shape[:2]), pad=False)
        if x.shape[-1] != shape[-1]:
            x = x.mean(axis=-1, keepdims=True) if shape[-1] == 1 else x.repeat(shape[-1], -1)
    return x, labels


def build(spec, tiny=False, strategy=None, model_class=None, **overrides):
    """A fresh model of `spec`, compiled with `spec.compile`, inside `strategy`'s scope.

    `model_class`/`overrides` let a caller build the preset's architecture for
    other data (`config_for_images`); by default it is `spec.build(tiny)`.
    """
    import contextlib

    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with scope:
        if model_class is None:
            model = spec.build(tiny=tiny, **overrides)
        else:
            model = model_class(**overrides)
        model.compile(**spec.compile)
    return model


UNTIL_BUDGET = 1_000_000  # epochs meaning "until the minutes are spent"


def train(spec, model, x, labels=None, epochs=None, batch_size=None, callbacks=(),
          minutes="recipe", verbose=1, source=None):
    """Fit `model` on `x` by `spec`'s recipe; returns a `TrainingRun`.

    Args:
        spec: the `PresetSpec` whose `fit` recipe (epochs, batch size, its
            callbacks, a "minutes" budget, supervised or not) is followed.
        model: a compiled model (see `build`).
        x: training examples (a numpy array, or any input `fit` takes when
            `batch_size` does not apply).
        labels: labels for a supervised recipe.
        epochs, batch_size: override the recipe's.
        callbacks: extra callbacks, after the recipe's.
        minutes: the wall-clock budget: "recipe" (the recipe's "minutes", if
            any), None (none) or a number of minutes. With `epochs=UNTIL_BUDGET`
            training runs until the budget is spent.
        verbose: `fit`'s verbosity (1: Keras' progress bar).
        source: what to call the data in the opening line (default: `spec.data["name"]`).

    Raises:
        NonFiniteError: a loss became NaN/inf (training stopped, the last
            finite weights restored) or a weight is not finite.
        ValueError: a supervised recipe without labels.
    """
    from keras_gen.callbacks import DivergenceGuard
    from keras_gen.core.time_limit import TimeLimit

    examples = len(x) if hasattr(x, "__len__") else 0
    fit_kwargs, recipe_callbacks, supervised = spec.fit_arguments(epochs, batch_size,
                                                                  examples or None)
    if supervised and labels is None:
        raise ValueError(f"{spec.name}: the recipe is supervised but its data "
                         f"{spec.data.get('name')!r} has no labels.")
    if minutes != "recipe":
        recipe_callbacks = [c for c in recipe_callbacks if not isinstance(c, TimeLimit)]
        if minutes is not None:
            recipe_callbacks.append(TimeLimit(minutes))
    guard = DivergenceGuard(verbose=1)
    all_callbacks = recipe_callbacks + list(callbacks) + [guard]
    epochs_text = "" if fit_kwargs.get("epochs") == UNTIL_BUDGET else \
        f"{fit_kwargs.get('epochs', 1)} epochs"
    minutes_text = "" if minutes in ("recipe", None) else f"{minutes} minutes"
    budget = _image_budget(recipe_callbacks)
    if budget is not None:
        epochs_text = f"{budget.images / 1000:g} kimg ({epochs_text})"
    wording = " or ".join(t for t in (epochs_text, minutes_text) if t) or "until a callback stops"
    print(f"== {spec.name}: {type(model).__name__}, {model.count_params():,} parameters, "
          f"{examples} training examples of {source or spec.data.get('name')}, {wording}",
          flush=True)
    start = time.perf_counter()
    history = model.fit(x, labels if supervised else None, callbacks=all_callbacks,
                        verbose=verbose, **fit_kwargs)
    run = TrainingRun(spec, model, history, time.perf_counter() - start, examples, fit_kwargs,
                      all_callbacks)
    problems = [guard.message] if guard.diverged else []
    problems += _non_finite_weights(model) + _non_finite(run.logs, "final logs ")
    if problems:
        raise NonFiniteError("training diverged, refusing to save: " + "; ".join(problems) + ".")
    return run


def sample_grids(model, folder, every=1, overwrite=False):
    """`[SampleGrid]` writing `folder/epoch_NNN.png` for a model that generates, else `[]`."""
    from pathlib import Path

    from keras_gen.callbacks import SampleGrid

    if not callable(getattr(model, "generate", None)):
        return []
    grids = Path(folder) / "epoch_{epoch:03d}.png"
    print(f"sample grids: {grids.parent}/", flush=True)
    return [SampleGrid(str(grids), every=every, overwrite=overwrite)]


def evaluate(run):
    """Measure `spec.evaluate(model, spec)` into `run.metrics`; returns them (see `measure`)."""
    run.metrics = measure(run.spec, run.model)
    return run.metrics


def measure(spec, model, **options):
    """`spec.evaluate(model, spec, **options)` as JSON-safe numbers (`{}` without an `evaluate`).

    Raises:
        NonFiniteError: a metric is NaN or infinite.
    """
    metrics = json_safe(dict(spec.evaluate(model, spec, **options))) if spec.evaluate else {}
    bad = _non_finite(metrics, "metrics ")
    if bad:
        raise NonFiniteError("training diverged, refusing to save: " + "; ".join(bad) + ".")
    if spec.headline_metric and spec.evaluate and spec.headline_metric not in metrics:
        print(f"warning: headline metric {spec.headline_metric!r} is not among the measured "
              f"metrics {sorted(metrics)}.", flush=True)
    return metrics


def measure_at(spec, seconds, log=None, **options):
    """A callback for `train(callbacks=[...])`: `measure` the model at given training times.

    When the training clock passes each of `seconds` it runs `measure(spec,
    model, **options)` and appends to its `points` a dict of `target_seconds`,
    `trained_seconds`, `steps` (from the (generator's) optimizer's iteration
    counter: exact under several steps per execution), `evaluation_seconds`
    and `metrics`; one measurement serves every checkpoint a slow (first,
    tracing) step passed. The clock is the time inside `fit`, tracing
    included, minus the time spent measuring. After the last checkpoint it
    stops training, so with `epochs=UNTIL_BUDGET, minutes=None` the last
    checkpoint is the budget:

        hook = measure_at(spec, (60, 120))
        train(spec, model, x, epochs=UNTIL_BUDGET, minutes=None, callbacks=[hook])
        hook.points  # [{"target_seconds": 60, "steps": ..., "metrics": {...}}, ...]

    Args:
        spec: the `PresetSpec` whose `evaluate` measures.
        seconds: checkpoints, seconds of training.
        log: optional print function, called with one line per measurement.
        **options: keyword arguments of `spec.evaluate` (e.g. `num_samples`).
    """
    import keras

    checkpoints = sorted(seconds)

    class MeasureAt(keras.callbacks.Callback):
        def _iterations(self):
            optimizer = getattr(self.model, "g_optimizer", None) or self.model.optimizer
            return int(keras.ops.convert_to_numpy(optimizer.iterations))

        def on_train_begin(self, logs=None):
            self.start, self.paused, self.points = time.perf_counter(), 0.0, []
            self.first_iteration = self._iterations()

        def on_train_batch_end(self, batch, logs=None):
            trained = time.perf_counter() - self.start - self.paused
            if len(self.points) == len(checkpoints) or trained < checkpoints[len(self.points)]:
                return
            began = time.perf_counter()
            metrics = measure(spec, self.model, **options)
            spent = time.perf_counter() - began
            self.paused += spent
            steps = self._iterations() - self.first_iteration
            while len(self.points) < len(checkpoints) and trained >= checkpoints[len(self.points)]:
                self.points.append({"target_seconds": checkpoints[len(self.points)],
                                    "trained_seconds": trained, "steps": steps,
                                    "evaluation_seconds": spent, "metrics": metrics})
            if log is not None:
                log(f"  t={trained:.0f}s steps={steps}: {metrics}")
            if len(self.points) == len(checkpoints):
                self.model.stop_training = True

    hook = MeasureAt()
    hook.points = []
    return hook


def versions():
    """Versions of keras_gen, TensorFlow, Keras, numpy and Python (for the metadata)."""
    import keras
    import numpy
    import tensorflow as tf

    import keras_gen as kg

    return {"keras_gen": kg.__version__, "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__, "python": platform.python_version()}


def metadata(run, seed, command, data=None, **extra):
    """The preset metadata of a run: what was trained, on what, how, and what it measured.

    Args:
        run: a `TrainingRun`.
        seed: the global seed the run started from.
        command: the command line that reproduces it.
        data: what it trained on (default: `spec.data`).
        **extra: further entries (e.g. "licence", "smoke_test").
    """
    spec = run.spec
    recipe = json_safe(spec.fit)
    recipe["epochs"] = run.fit_kwargs.get("epochs", recipe.get("epochs"))
    recipe["epochs_run"] = run.epochs_run
    recipe["images_seen"] = int(run.images_seen)
    if run.stopped_by_time_limit is not None:
        recipe["stopped_by_time_limit"] = run.stopped_by_time_limit
    return json_safe({
        "preset": spec.name, "family": spec.family, "description": spec.description,
        "data": dict(spec.data) if data is None else data, "fit": recipe,
        "compile": spec.compile, "epochs": run.epochs_run,
        "batch_size": run.fit_kwargs.get("batch_size"), "seed": seed,
        "training_examples": int(run.examples), "training_time_s": round(run.seconds, 1),
        "final_logs": run.logs, "metrics": run.metrics, "headline_metric": spec.headline_metric,
        "command": command, "versions": versions(), **extra})


def save(run, folder, metadata, overwrite=False, keep_optimizer=True, storage_dtype="float32"):
    """Write the run's model as a preset folder (`kg.zoo.save_preset`); returns its metadata.

    Without `keep_optimizer` the folder holds the weights alone: a copy of the
    model rebuilt from its config carries no optimizer slots.
    """
    from keras_gen.core import store

    model = run.model
    if not keep_optimizer:
        model = type(model).from_config(model.get_config())
        model.set_weights(run.model.get_weights())
    return store.save_preset(model, folder, metadata=metadata, storage_dtype=storage_dtype,
                             overwrite=overwrite)


def json_safe(value):
    """Numbers, strings, lists and dicts as JSON types; callables by qualified name."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None or isinstance(value, str):
        return value
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', repr(value))}"
    return repr(value)


def _non_finite(tree, label, prefix=""):
    """`["<label>[paths=values]"]` naming the NaN/infinite numbers of a nested dict/list."""
    found = _non_finite_paths(tree, prefix)
    return [f"non-finite {label}{found}"] if found else []


def _non_finite_paths(tree, prefix=""):
    bad = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            bad += _non_finite_paths(value, f"{prefix}{key}.")
    elif isinstance(tree, (list, tuple)):
        for index, value in enumerate(tree):
            bad += _non_finite_paths(value, f"{prefix}{index}.")
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool) and not math.isfinite(tree):
        bad.append(f"{prefix.rstrip('.')}={tree}")
    return bad


def _non_finite_weights(model):
    import numpy as np

    bad = [v.path for v in model.weights
           if np.issubdtype(np.asarray(v).dtype, np.floating) and not np.all(np.isfinite(v))]
    if not bad:
        return []
    return [f"non-finite weights {bad[:5]}" + (" ..." if len(bad) > 5 else "")]
