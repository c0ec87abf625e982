"""What `tools/bench.py` measures inside one preset's subprocess: throughput of `fit`
configurations (interleaved), serving latency per format, and the profile of the hot
train step (retracing, per-step overhead, graph ops). Methods: docs/performance.md.
"""

import collections
import dataclasses
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# name: (cache, prefetch) of a tf.data pipeline, or None for numpy arrays
PIPELINES = {"tfdata": (True, True), "tfdata_nocache": (False, True),
             "tfdata_noprefetch": (True, False), "tfdata_plain": (False, False), "numpy": None}
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


def training_arrays(spec, split="train"):
    """The preset's images (float32 in [0, 1]) from `spec.data`."""
    from keras_gen import data

    options = {k: v for k, v in spec.data.items() if k not in ("name", "split")}
    return data.load_arrays(spec.data["name"], split, **options)[0]


def build_model(spec, tiny=False, seed=0, compiled=True, **compile_overrides):
    """A fresh preset model, compiled by its recipe plus `compile_overrides`; a progressive
    GAN moved to its final, fully grown stage (the slowest, where its training ends)."""
    model = spec.build(tiny=tiny, seed=seed)
    if compiled:
        model.compile(**{**spec.compile, **compile_overrides})
    if hasattr(model, "skip_to_images") and hasattr(model, "growth_images"):
        model.skip_to_images(model.growth_images)
    return model


def make_dataset(x, batch_size, cache=True, prefetch=True, seed=0):
    """Endless shuffled full batches, in `kg.data.to_dataset`'s order:
    `from_tensor_slices` -> [cache] -> shuffle -> repeat -> batch -> [prefetch]."""
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(np.asarray(x, "float32"))
    dataset = dataset.cache() if cache else dataset
    dataset = dataset.shuffle(min(len(x), 10_000), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.repeat().batch(batch_size, drop_remainder=True)
    return dataset.prefetch(tf.data.AUTOTUNE) if prefetch else dataset


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One way of training a preset (`pipeline`: a key of `PIPELINES`)."""

    label: str
    batch_size: int
    jit_compile: bool = False
    steps_per_execution: int = 1
    pipeline: str = "tfdata"


class ThroughputRunner:
    """A compiled model and its input for one `TrainConfig`, fitted in timed blocks
    (`fit(epochs=1)` calls; the first, which traces, is never counted)."""

    def __init__(self, spec, config, x, tiny=False, seed=0):
        self.config, self.steps, self.samples, self.trace_seconds = config, None, [], None
        self.model = build_model(spec, tiny=tiny, seed=seed, jit_compile=config.jit_compile,
                                 steps_per_execution=config.steps_per_execution)
        self.x, self.dataset = np.asarray(x, "float32"), None
        if PIPELINES[config.pipeline] is not None:
            cache, prefetch = PIPELINES[config.pipeline]
            self.dataset = make_dataset(x, config.batch_size, cache, prefetch, seed=seed)

    def fit_block(self, steps):
        """One `fit` of `steps` steps (numpy: one epoch over `steps * batch` images); its
        images/s from the end of the first train-function call to the end of the last."""
        import keras

        ends, batch = [], self.config.batch_size
        clock = keras.callbacks.LambdaCallback(
            on_train_batch_end=lambda step, logs: ends.append((step, time.perf_counter())))
        data = {"x": self.x[:steps * batch], "batch_size": batch, "shuffle": True} \
            if self.dataset is None else {"x": self.dataset, "steps_per_epoch": steps,
                                          "shuffle": False}
        self.model.fit(**data, epochs=1, verbose=0, callbacks=[clock])
        (first_step, first_time), (last_step, last_time) = ends[0], ends[-1]
        if last_step <= first_step:
            raise ValueError("need at least two train-function calls to time a fit.")
        return (last_step - first_step) * batch / (last_time - first_time)

    def warm_up(self, target_seconds, min_steps=8):
        """Trace the train function, then size the timed blocks to `target_seconds`."""
        spe, batch = self.config.steps_per_execution, self.config.batch_size
        limit = None if self.dataset is not None else len(self.x) // (batch * spe) * spe
        if limit is not None and limit < 2 * spe:
            raise ValueError(f"{len(self.x)} images are too few for two calls of "
                             f"{spe} x {batch} images.")
        calibration = _round_up(max(3 * spe, 256 // batch + 1), spe)
        calibration = min(calibration, limit or calibration)
        start = time.perf_counter()
        self.fit_block(calibration)
        self.trace_seconds = time.perf_counter() - start
        wanted = target_seconds * self.fit_block(calibration) / batch
        self.steps = min(_round_up(max(min_steps, wanted, 2 * spe), spe), limit or math.inf)

    def timed_block(self):
        self.samples.append(self.fit_block(self.steps))

    def result(self, flops_per_image=None, peak_flops=None):
        """JSON-ready summary: median images/s, samples, FLOP/s, utilization."""
        median = statistics.median(self.samples) if self.samples else None
        row = {**dataclasses.asdict(self.config), "images_per_second": median,
               "samples": self.samples, "steps_per_block": self.steps,
               "trace_seconds": self.trace_seconds}
        if median and flops_per_image:
            row["flops_per_second"] = median * flops_per_image
            if peak_flops:
                row["utilization"] = row["flops_per_second"] / peak_flops
        return row


def _round_up(value, multiple):
    return int(math.ceil(value / multiple) * multiple)


def measure_throughput(spec, configs, x, repeats=5, target_seconds=2.0, tiny=False, seed=0,
                       after_first=None, between_rounds=None, log=print):
    """`(runners by label, {label: error})`: every config built and warmed up (then
    `after_first()`), then `repeats` rounds of one block each (then `between_rounds()`);
    a config that fails (e.g. XLA refusing an op) is reported, not fatal."""
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


def measure_export(spec, representative_data, repeats=1, tiny=False, seed=0,
                   quantizations=QUANTIZATIONS, log=print):
    """`rows`: latency per call (batch 1) of every serving function in every format by
    `kg.export.export`, median over `repeats`; `errors`: `{quantization: message}`."""
    from keras_gen import export

    model = build_model(spec, tiny=tiny, seed=seed, compiled=False)
    samples, details, errors = {}, {}, {}
    with tempfile.TemporaryDirectory() as root:
        for repeat in range(repeats):
            for quantize in quantizations:
                name = quantize or "float32"
                if name in errors:
                    continue
                try:
                    report = export.export(
                        model, Path(root) / f"{name}_{repeat}", quantize=quantize,
                        formats=("saved_model", "tflite") if quantize is None else ("tflite",),
                        representative_data=representative_data, verbose=False)
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
    rows = [{"function": f, "format": fmt, "quantize": q, "latency_ms": statistics.median(v),
             "samples_ms": v, **details.get((f, fmt, q), {})}
            for (f, fmt, q), v in sorted(samples.items())]
    return {"rows": rows, "errors": errors}


def count_traces(spec, x, batch_size, fits=3, steps=6, tiny=False):
    """Traces of `train_step` (a wrapper runs only while Keras traces) in each of `fits` fit
    calls and the first call's seconds, a fresh model per case; the optimizer built up
    front first (so warm caches cannot favour it), then `tfdata` and `numpy` input."""
    result = {}
    for case in ("tfdata_prebuilt", "tfdata", "numpy"):
        model = build_model(spec, tiny=tiny)
        if case == "tfdata_prebuilt" and getattr(model, "optimizer", None) is not None \
                and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        traces, original = [], model.train_step
        model.train_step = lambda data, t=traces, f=original: t.append(1) or f(data)
        per_fit, first_seconds = [], None
        for _ in range(fits):
            before, start = len(traces), time.perf_counter()
            model.fit(**({"x": x, "batch_size": batch_size} if case == "numpy" else {
                "x": make_dataset(x, batch_size), "steps_per_epoch": steps, "shuffle": False}),
                epochs=1, verbose=0)
            first_seconds = first_seconds or time.perf_counter() - start
            per_fit.append(len(traces) - before)
        result[case] = {"per_fit": per_fit, "first_fit_seconds": first_seconds}
    return result


def graph_report(spec, batch_size, tiny=False):
    """Casts of the traced step (by dtypes; float tensors apart), op count and devices."""
    import bench_flops

    graph = bench_flops.train_step_function(build_model(spec, tiny=tiny), batch_size).graph
    casts, devices, types = collections.Counter(), collections.Counter(), collections.Counter()
    float_casts = []
    for op in graph.get_operations():
        types[op.type] += 1
        devices[op.device or "(unplaced: default device)"] += 1
        if op.type == "Cast":
            src, dst = op.get_attr("SrcT").name, op.get_attr("DstT").name
            casts[f"{src}->{dst}"] += 1
            elements = op.outputs[0].shape.num_elements()
            if all(t.startswith(("float", "bfloat")) for t in (src, dst)) \
                    and (elements is None or elements > 1):
                float_casts.append(op.name)
    return {"ops": sum(types.values()), "casts": dict(casts), "float_tensor_casts": float_casts,
            "devices": dict(devices), "op_types": dict(types.most_common(12))}


def profile_preset(spec, settings, x, tiny=False, log=print):
    """Traces and graph at the preset batch size, and seconds per step of `fit` (tf.data
    blocks) against the same compiled `train_step` in a bare loop on one fixed batch (the
    difference: iterator, Keras' step wrapper, callbacks)."""
    import tensorflow as tf

    batch_size, steps = int(spec.fit.get("batch_size", 32)), 10 if settings.quick else 30
    result = {"preset": spec.name, "batch_size": batch_size,
              "traces": count_traces(spec, x, batch_size, tiny=tiny),
              "graph": graph_report(spec, batch_size, tiny=tiny)}
    log(f"  traces {result['traces']}")
    runner = ThroughputRunner(spec, TrainConfig("default", batch_size), x, tiny=tiny)
    runner.warm_up(settings.target_seconds)
    step = tf.function(build_model(spec, tiny=tiny).train_step)
    batch = tf.constant(np.asarray(x[:batch_size], "float32"))
    for _ in range(2):
        step(batch)
    fit_times, bare_times = [], []
    for _ in range(settings.repeats):
        fit_times.append(batch_size / runner.fit_block(steps))
        start = time.perf_counter()
        for _ in range(steps):
            logs = step(batch)
        float(logs[next(iter(logs))])  # wait for the last step
        bare_times.append((time.perf_counter() - start) / steps)
    fit, bare = statistics.median(fit_times), statistics.median(bare_times)
    result["overhead"] = {"fit_seconds": fit, "bare_seconds": bare,
                          "overhead_fraction": (fit - bare) / fit, "fit_samples": fit_times,
                          "bare_samples": bare_times}
    log(f"  overhead {(fit - bare) / fit:.1%}")
    return result
