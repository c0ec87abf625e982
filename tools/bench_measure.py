"""Measurements `tools/bench.py` runs inside one preset's subprocess.

- `measure_throughput`: images/s of `model.fit` for a list of `TrainConfig`s
  (batch size, XLA, steps per execution, input pipeline), interleaved.
- `measure_export`: latency per call of the Keras, SavedModel and `.tflite`
  serving functions through `kg.export.export`.
- `peak_rss_mb`: the process's resident-memory high-water mark.
"""

import dataclasses
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PIPELINES = {
    # name: (cache, prefetch) of a tf.data pipeline, or None for numpy arrays.
    "tfdata": (True, True),
    "tfdata_nocache": (False, True),
    "tfdata_noprefetch": (True, False),
    "tfdata_plain": (False, False),
    "numpy": None,
}
QUANTIZATIONS = (None, "float16", "int8")


def peak_rss_mb():
    """Peak resident set size of this process so far, MB (`ru_maxrss`, KiB on Linux)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def error_summary(error, limit=400):
    """`Type: first line ... last line` of an exception (TF puts the cause last)."""
    lines = [ln.strip() for ln in str(error).strip().splitlines() if ln.strip()]
    text = " ... ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else ""
    return f"{type(error).__name__}: {text}"[:limit]


def _round_up(value, multiple):
    return int(math.ceil(value / multiple) * multiple)


# -- models and data ----------------------------------------------------------
def training_arrays(spec, split="train"):
    """The preset's training images (float32 in [0, 1]) from `spec.data`."""
    from keras_gen import data

    options = {k: v for k, v in spec.data.items() if k not in ("name", "split")}
    x, _ = data.load_arrays(spec.data["name"], split, **options)
    return x


def prepare_for_timing(model):
    """Put a model in the state whose speed is measured.

    A progressive GAN is moved to its final, fully grown stage (the slowest
    and the one most of its training time is spent in); other models are
    left as built.
    """
    if hasattr(model, "skip_to_images") and hasattr(model, "growth_images"):
        model.skip_to_images(model.growth_images)
    return model


def build_model(spec, tiny=False, seed=0, **compile_overrides):
    """A fresh preset model, compiled with its recipe plus `compile_overrides`."""
    model = spec.build(tiny=tiny, seed=seed)
    model.compile(**{**spec.compile, **compile_overrides})
    return prepare_for_timing(model)


def make_dataset(x, batch_size, cache=True, prefetch=True, seed=0):
    """An endless shuffled pipeline of full batches (the order of `kg.data.to_dataset`).

    `from_tensor_slices` -> [cache] -> shuffle -> repeat -> batch -> [prefetch].
    """
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(np.asarray(x, "float32"))
    if cache:
        dataset = dataset.cache()
    dataset = dataset.shuffle(min(len(x), 10_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.repeat().batch(batch_size, drop_remainder=True)
    return dataset.prefetch(tf.data.AUTOTUNE) if prefetch else dataset


# -- throughput ----------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One way of training a preset: what `measure_throughput` compares.

    Attributes:
        label: short name for tables.
        batch_size: images per step.
        jit_compile: `compile(jit_compile=...)` (XLA).
        steps_per_execution: `compile(steps_per_execution=...)`.
        pipeline: a key of `PIPELINES`.
    """

    label: str
    batch_size: int
    jit_compile: bool = False
    steps_per_execution: int = 1
    pipeline: str = "tfdata"


def _batch_clock():
    import keras

    class BatchClock(keras.callbacks.Callback):
        """Time and step index at the end of every train-function call of one fit."""

        def on_train_begin(self, logs=None):
            self.ends = []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append((batch, time.perf_counter()))

        def steady_rate(self, batch_size):
            """Images/s from the end of the first call to the end of the last one."""
            (first_step, first_time), (last_step, last_time) = self.ends[0], self.ends[-1]
            if last_step <= first_step:
                raise ValueError("need at least two train-function calls to time a fit.")
            return (last_step - first_step) * batch_size / (last_time - first_time)

    return BatchClock()


class ThroughputRunner:
    """A compiled model and its input for one `TrainConfig`, fitted in timed blocks.

    Each block is one `fit(epochs=1)` call; its rate is the images trained
    between the end of the first train-function call and the end of the last,
    divided by that time (so iterator creation, shuffle-buffer filling and the
    first call are excluded). The first block traces the train function and
    is never counted.
    """

    def __init__(self, spec, config, x, tiny=False, seed=0):
        self.config = config
        self.model = build_model(spec, tiny=tiny, seed=seed, jit_compile=config.jit_compile,
                                 steps_per_execution=config.steps_per_execution)
        if PIPELINES[config.pipeline] is None:
            self.x, self.dataset = np.asarray(x, "float32"), None
        else:
            cache, prefetch = PIPELINES[config.pipeline]
            self.x = None
            self.dataset = make_dataset(x, config.batch_size, cache=cache, prefetch=prefetch,
                                        seed=seed)
        self.steps = None
        self.samples = []
        self.trace_seconds = None

    def max_steps(self):
        """Most steps one block can take (numpy input: one pass over the array)."""
        if self.dataset is not None:
            return None
        spe = self.config.steps_per_execution
        return len(self.x) // (self.config.batch_size * spe) * spe

    def fit_block(self, steps):
        """One `fit` call of `steps` steps; images/s.

        A numpy block is one epoch over the first `steps * batch_size` images
        (Keras' array adapter shuffles them each epoch).
        """
        clock = _batch_clock()
        if self.dataset is None:
            self.model.fit(self.x[:steps * self.config.batch_size],
                           batch_size=self.config.batch_size, epochs=1, shuffle=True, verbose=0,
                           callbacks=[clock])
        else:
            self.model.fit(self.dataset, epochs=1, steps_per_epoch=steps, shuffle=False,
                           verbose=0, callbacks=[clock])
        return clock.steady_rate(self.config.batch_size)

    def warm_up(self, target_seconds, min_steps=8):
        """Trace the train function, then size the timed blocks to `target_seconds`."""
        spe = self.config.steps_per_execution
        calibration = _round_up(max(3 * spe, 256 // self.config.batch_size + 1), spe)
        limit = self.max_steps()
        if limit is not None and limit < 2 * spe:
            raise ValueError(f"{len(self.x)} images are too few for two calls of "
                             f"{spe} x {self.config.batch_size} images.")
        calibration = min(calibration, limit or calibration)
        start = time.perf_counter()
        self.fit_block(calibration)
        self.trace_seconds = time.perf_counter() - start
        rate = self.fit_block(calibration)
        wanted = target_seconds * rate / self.config.batch_size
        self.steps = min(_round_up(max(min_steps, wanted, 2 * spe), spe),
                         limit or float("inf"))

    def timed_block(self):
        """Fit one block and keep its rate."""
        self.samples.append(self.fit_block(self.steps))

    def result(self, flops_per_image=None, peak_flops=None):
        """JSON-ready summary: median images/s, samples, FLOP/s, utilization."""
        row = dataclasses.asdict(self.config)
        median = statistics.median(self.samples) if self.samples else None
        row.update(images_per_second=median, samples=self.samples, steps_per_block=self.steps,
                   trace_seconds=self.trace_seconds)
        if median and flops_per_image:
            row["flops_per_second"] = median * flops_per_image
            if peak_flops:
                row["utilization"] = row["flops_per_second"] / peak_flops
        return row


def measure_throughput(spec, configs, x, repeats=5, target_seconds=2.0, tiny=False, seed=0,
                       after_first=None, between_rounds=None, log=print):
    """Images/s of each config, the median of `repeats` interleaved timed blocks.

    All configs are built and warmed up first; then each round fits one block
    of every config in turn, so a change of machine load hits all of them
    alike. A config that fails to build or train (e.g. XLA refusing an op) is
    reported with its error.

    Args:
        spec: the `PresetSpec`.
        configs: `TrainConfig`s; the first is warmed up alone, then
            `after_first()` is called (the bench reads peak memory there).
        x: training images.
        repeats: timed blocks per config.
        target_seconds: length of a timed block.
        tiny: use the preset's tiny config (tests).
        seed: model and shuffle seed.
        after_first: optional callable, see `configs`.
        between_rounds: optional callable run after every round (the bench
            samples the matmul peak there, under the same load).
        log: print function for progress lines.

    Returns:
        `(runners, errors)`: runners by label and `{label: error message}`.
    """
    runners, errors = {}, {}
    for index, config in enumerate(configs):
        try:
            runner = ThroughputRunner(spec, config, x, tiny=tiny, seed=seed)
            runner.warm_up(target_seconds)
            runners[config.label] = runner
            log(f"  warmed {config.label}: trace {runner.trace_seconds:.1f}s, "
                f"{runner.steps} steps per block")
        except Exception as error:  # any failure of one config is reported, not fatal
            errors[config.label] = error_summary(error)
            log(f"  {config.label} failed: {errors[config.label]}")
        if index == 0 and after_first is not None:
            after_first()
    for round_index in range(repeats):
        for runner in runners.values():
            runner.timed_block()
        log(f"  round {round_index + 1}/{repeats}: " + ", ".join(
            f"{label} {r.samples[-1]:.0f}" for label, r in runners.items()))
        if between_rounds is not None:
            between_rounds()
    return runners, errors


# -- export latency --------------------------------------------------------------
def measure_export(spec, representative_data, repeats=1, tiny=False, seed=0, out_root=None,
                   quantizations=QUANTIZATIONS, log=print):
    """Latency per call (batch 1) of every serving function in every format.

    Runs `kg.export.export` `repeats` times per quantization (float32 also
    writes the SavedModel); each export reports the median of its own 30
    timed calls, and this takes the median over repeats.

    Returns:
        dict: `rows` (one per function, format and quantization: median
        `latency_ms`, all `samples_ms`, `size_bytes`, `max_abs_diff`) and
        `errors` (`{quantization: message}`, e.g. a model without serving
        functions or a failed int8 conversion).
    """
    from keras_gen import export

    model = prepare_for_timing(spec.build(tiny=tiny, seed=seed))
    samples, details, errors = {}, {}, {}
    with tempfile.TemporaryDirectory(dir=out_root) as root:
        for repeat in range(repeats):
            for quantize in quantizations:
                name = quantize or "float32"
                if name in errors:
                    continue
                formats = ("saved_model", "tflite") if quantize is None else ("tflite",)
                try:
                    report = export.export(model, Path(root) / f"{name}_{repeat}", formats=formats,
                                           quantize=quantize,
                                           representative_data=representative_data,
                                           verbose=False)
                except Exception as error:  # reported per quantization
                    errors[name] = error_summary(error)
                    log(f"  export {name} failed: {errors[name]}")
                    continue
                for function, ms in report.keras_latency_ms.items():
                    samples.setdefault((function, "keras", "float32"), []).append(ms)
                for item in report.files:
                    key = (item.function, item.format, item.quantize or "float32")
                    samples.setdefault(key, []).append(item.latency_ms)
                    details[key] = {"size_bytes": item.size_bytes,
                                    "max_abs_diff": item.max_abs_diff}
            log(f"  export repeat {repeat + 1}/{repeats} done")
    rows = [{"function": f, "format": fmt, "quantize": q,
             "latency_ms": statistics.median(values), "samples_ms": values,
             **details.get((f, fmt, q), {})}
            for (f, fmt, q), values in sorted(samples.items())]
    return {"rows": rows, "errors": errors}
