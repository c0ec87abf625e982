"""Benchmark the headline preset of every family: speed, FLOPs, memory, latency, quality.

    python tools/bench.py --quick                      # a few minutes, rough numbers
    python tools/bench.py                              # the full run (2-3 hours)
    python tools/bench.py --quality-seeds 1            # full, one quality run per preset (~1.5 h)
    python tools/bench.py --presets NAME,NAME --out /tmp/B.md --logs /tmp/B.logs
    python tools/bench.py --render BENCHMARKS.json --out BENCHMARKS.md   # re-render only
    python tools/bench.py --only quality --quality-seeds 2 --presets NAME --out /tmp/Q.md
    python tools/bench.py --render BENCHMARKS.json --quality-from /tmp/Q.json --out BENCHMARKS.md
    python tools/bench.py --only backends --out /tmp/B.md          # --backends tensorflow,jax
    python tools/bench.py --render BENCHMARKS.json --backends-from /tmp/B.json --out BENCHMARKS.md

Writes `BENCHMARKS.md` (the tables, `bench_report`) and `BENCHMARKS.json` (every sample) next
to it. The presets are those whose spec's `bench` tuple asks for the job; each job (`train`,
`export`, `quality`, `profile`, `backends`; `--only` picks) runs in fresh subprocesses (the
hidden `--worker KIND` options, the `*_worker` functions) so that no job's memory or traced
functions leak into the next. Methods: docs/performance.md ("How tools/bench.py measures").
"""

import argparse
import collections
import copy
import dataclasses
import datetime
import inspect
import json
import math
import os
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_flops  # after the path and log level are set
import bench_report

REPO = Path(__file__).resolve().parent.parent
JOBS = ("train", "export", "quality", "profile", "backends")
EXPORT_VARIANTS = ("float32", "float16", "int8")  # one subprocess each: a converter may crash
SPEEDUP_THRESHOLD, WIN_FRACTION = 1.05, 0.8  # recommended: 5% faster in 80% of paired rounds
# name: (cache, prefetch) of a tf.data pipeline, or None for numpy arrays
PIPELINES = {"tfdata": (True, True), "tfdata_nocache": (False, True),
             "tfdata_noprefetch": (True, False), "tfdata_plain": (False, False), "numpy": None}


@dataclasses.dataclass(frozen=True)
class Settings:
    """How long and how often everything is measured: the full run, or `--quick`'s."""

    quick: bool = False
    repeats: int = 5                # timed blocks per training config; backends-job rounds
    target_seconds: float = 2.0     # length of one timed block
    batch_factors: tuple = (0.5, 1, 2, 4)  # batch sizes as multiples of the preset's
    matmul_n: int = 2048
    matmul_repeats: int = 9
    export_repeats: int = 3
    quality_checkpoints: tuple = (60, 120, 300, 600)  # seconds of training
    quality_repeats: int = 3        # seeds
    worker_timeout: int = 7200      # seconds per subprocess
    export_variants: tuple = EXPORT_VARIANTS
    backend_steps: int = 128        # timed steps of one backends-job worker

    @classmethod
    def for_mode(cls, quick):
        return cls(True, 3, 0.6, (1, 2), 1024, 5, 1, (5, 10, 20), 1, 1800, backend_steps=32) \
            if quick else cls()


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One way of training a preset (`pipeline`: a key of `PIPELINES`)."""

    label: str
    batch_size: int
    jit_compile: bool = False
    steps_per_execution: int = 1
    pipeline: str = "tfdata"


def git_commit(checkout=REPO):
    """The checkout's HEAD commit (and whether its tree has changes), or None."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=checkout, capture_output=True, text=True,
                              check=True).stdout.strip()
    try:
        return git("rev-parse", "HEAD") + ("+uncommitted changes" if git("status", "--porcelain")
                                           else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def headline_presets(job="speed"):
    """The presets whose spec's `bench` asks for `job`, in registry order."""
    from keras_gen import zoo

    return tuple(spec.name for spec in zoo.specs() if job in spec.bench)


def profiled_presets():
    return headline_presets("profile")


def wants_quality(spec):
    """Whether quality-against-time is measured for a preset (its spec's `bench`)."""
    return "quality" in spec.bench and bool(spec.evaluate) and bool(spec.headline_metric)


def registered_headlines(names=None):
    """`(specs, missing)`: registered `PresetSpec`s of `names` and the names not registered."""
    from keras_gen import zoo

    found, missing = [], []
    for name in names or headline_presets():
        try:
            found.append(zoo.get(name))
        except KeyError:
            missing.append(name)
    return found, missing


def batch_sizes(spec, settings):
    """The preset's batch size first, then the other sizes of the sweep."""
    base = int(spec.fit.get("batch_size", 32))
    return [base] + sorted({max(2, int(base * f)) for f in settings.batch_factors} - {base})


def default_settings(spec):
    """`(jit_compile, steps_per_execution)` of the recipe over the class's defaults."""
    merged = spec.model_class.with_compile_defaults(spec.compile)
    return merged.get("jit_compile", "auto") is True, int(merged.get("steps_per_execution", 1))


def train_configs(spec, settings):
    """The default first, the batch sweep, then one flip of each default (quick: XLA, spe)."""
    base, *others = batch_sizes(spec, settings)
    jit, spe = default_settings(spec)
    other_spe = 1 if spe > 1 else 8
    xla, spe_label = ("no xla" if jit else "xla"), f"spe{other_spe}"
    configs = [TrainConfig("default", base, jit, spe)]
    configs += [TrainConfig(f"batch {b}", b, jit, spe) for b in others]
    configs += [TrainConfig(xla, base, not jit, spe), TrainConfig(spe_label, base, jit, other_spe)]
    if not settings.quick:
        configs.append(TrainConfig(f"{xla}+{spe_label}", base, not jit, other_spe))
        configs += [TrainConfig(label, base, jit, spe, pipeline=pipeline) for label, pipeline in (
            ("no cache", "tfdata_nocache"), ("no prefetch", "tfdata_noprefetch"),
            ("no cache, no prefetch", "tfdata_plain"), ("numpy arrays", "numpy"))]
    return configs


def preset_images(spec, tiny=False, split="train"):
    """The preset's images (float32 in [0, 1], from `spec.data`); `tiny`: 256 random images
    shaped for its tiny model (tests)."""
    if tiny:
        shape = spec.build(tiny=True).expected_input_shape()
        return np.random.default_rng(0).uniform(size=(256, *shape)).astype("float32")
    from keras_gen import data

    options = {k: v for k, v in spec.data.items() if k not in ("name", "split")}
    return data.load_arrays(spec.data["name"], split, **options)[0]


def peak_rss_mb():
    """Peak resident set size of this process so far, MB (`ru_maxrss`, KiB on Linux)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def error_summary(error, limit=400):
    """`Type: first line ... last line` of an exception (TF puts the cause last)."""
    lines = [ln.strip() for ln in str(error).strip().splitlines() if ln.strip()]
    text = " ... ".join(dict.fromkeys([lines[0], lines[-1]])) if lines else ""
    return f"{type(error).__name__}: {text}"[:limit]


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


def round_up(value, multiple):
    return int(math.ceil(value / multiple) * multiple)


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
        calibration = min(round_up(max(3 * spe, 256 // batch + 1), spe), limit or math.inf)
        start = time.perf_counter()
        self.fit_block(calibration)
        self.trace_seconds = time.perf_counter() - start
        wanted = target_seconds * self.fit_block(calibration) / batch
        self.steps = min(round_up(max(min_steps, wanted, 2 * spe), spe), limit or math.inf)

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


def train_worker(spec, settings, tiny=False, log=print):
    """Matmul peak, FLOPs per step (`bench_flops`) and throughput of one preset, the peak
    sampled before, between and after the rounds (under the load of the moment)."""
    result = {"preset": spec.name, "batch_size": batch_sizes(spec, settings)[0],
              "rss_after_import_mb": peak_rss_mb()}
    seconds = []

    def sample_peak(repeats=3, warmup=1):
        seconds.extend(bench_flops.matmul_peak(settings.matmul_n, repeats, warmup)["seconds"])

    sample_peak(settings.matmul_repeats, 2)
    log(f"  matmul peak {2 * settings.matmul_n ** 3 / statistics.median(seconds) / 1e9:.1f} "
        "GFLOP/s")
    flops = {b: bench_flops.train_step_flops(build_model(spec, tiny), b)
             for b in batch_sizes(spec, settings)}
    log("  GFLOP per step: " + ", ".join(f"{b}: {f['total'] / 1e9:.3f}" for b, f in flops.items()))
    result["flops"] = {str(b): v for b, v in flops.items()}
    configs = train_configs(spec, settings)
    runners, errors = measure_throughput(
        spec, configs, preset_images(spec, tiny), repeats=settings.repeats,
        target_seconds=settings.target_seconds, tiny=tiny, between_rounds=sample_peak, log=log,
        after_first=lambda: result.update(rss_after_default_mb=peak_rss_mb()))
    sample_peak(settings.matmul_repeats, 2)
    peak = result["matmul_peak"] = bench_flops.pooled_peak(settings.matmul_n, seconds)
    log(f"  matmul peak (median of {len(seconds)}) {peak['flops_per_second'] / 1e9:.1f} GFLOP/s")
    result["throughput"] = [
        runners[c.label].result(flops[c.batch_size]["total"] / c.batch_size,
                                peak["flops_per_second"]) for c in configs if c.label in runners]
    return {**result, "errors": errors, "rss_peak_mb": peak_rss_mb()}


def export_worker(spec, settings, quantize="float32", tiny=False, log=print):
    """`rows`: latency per call (batch 1) of every serving function in every format
    `kg.export.export` writes for `quantize` (float32: also the SavedModel and the Keras
    function), median over the repeats; `errors`: `{quantize: message}`."""
    from keras_gen import export

    model = build_model(spec, tiny=tiny, compiled=False)
    representative = preset_images(spec, tiny, "test")[:100]
    samples, details, errors = collections.defaultdict(list), {}, {}
    with tempfile.TemporaryDirectory() as root:
        for repeat in range(settings.export_repeats):
            try:
                report = export.export(
                    model, Path(root) / f"{quantize}_{repeat}",
                    quantize=None if quantize == "float32" else quantize,
                    formats=("saved_model", "tflite") if quantize == "float32" else ("tflite",),
                    representative_data=representative, verbose=False)
            except Exception as error:  # reported: the other quantizations' jobs still run
                errors[quantize] = error_summary(error)
                log(f"  export {quantize} failed: {errors[quantize]}")
                break
            for function, ms in report.keras_latency_ms.items():
                samples[function, "keras", "float32"].append(ms)
            for item in report.files:
                key = (item.function, item.format, item.quantize or "float32")
                samples[key].append(item.latency_ms)
                details[key] = {"size_bytes": item.size_bytes, "max_abs_diff": item.max_abs_diff}
            log(f"  export repeat {repeat + 1}/{settings.export_repeats} done")
    rows = [{"function": f, "format": fmt, "quantize": q, "latency_ms": statistics.median(v),
             "samples_ms": v, **details.get((f, fmt, q), {})}
            for (f, fmt, q), v in sorted(samples.items())]
    return {"preset": spec.name, "rows": rows, "errors": errors, "rss_peak_mb": peak_rss_mb()}


def quality_worker(spec, settings, seed=0, tiny=False, log=print):
    """The headline metric at each checkpoint of training time (`keras_gen.training`)."""
    import keras

    from keras_gen import training
    from keras_gen.training import pipeline

    keras.utils.set_random_seed(seed)
    model = training.build(spec, tiny=tiny, seed=seed)
    x, labels = training.training_data(spec, like=model)
    quick = settings.quick and "num_samples" in inspect.signature(spec.evaluate).parameters
    options = {"num_samples": 100} if quick else {}  # a VAE's importance samples
    hook = pipeline.measure_at(spec, settings.quality_checkpoints, log=log, **options)
    batch = int(spec.fit.get("batch_size", 32))
    result = {"preset": spec.name, "seed": seed, "headline_metric": spec.headline_metric,
              "evaluation_kwargs": options, "batch_size": batch}
    try:
        training.train(spec, model, x, labels, epochs=training.UNTIL_BUDGET, minutes=None,
                       callbacks=[hook], verbose=0)
    except training.NonFiniteError as error:  # the points measured so far are kept
        result["error"] = str(error)
    for point in hook.points:  # scalars only (no histograms)
        point["images"] = point["steps"] * batch
        point["metrics"] = {k: v for k, v in point["metrics"].items()
                            if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {**result, "points": hook.points, "rss_peak_mb": peak_rss_mb()}


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


def profile_worker(spec, settings, tiny=False, log=print):
    """Traces and graph at the preset batch size, and seconds per step of `fit` (tf.data
    blocks) against the same compiled `train_step` in a bare loop on one fixed batch (the
    difference: iterator, Keras' step wrapper, callbacks)."""
    import tensorflow as tf

    x = preset_images(spec, tiny)
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
    return {**result, "rss_peak_mb": peak_rss_mb()}


def backends_worker(spec, settings, tiny=False, log=print):
    """Images/s of a warm-up, then one timed `fit` on this process's Keras backend."""
    import keras

    merged = spec.model_class.with_compile_defaults(spec.compile)
    spe = int(merged.get("steps_per_execution", 1))
    config = TrainConfig("default", batch_sizes(spec, settings)[0],
                         merged.get("jit_compile", "auto"), spe)  # "auto": resolved per backend
    runner = ThroughputRunner(spec, config, preset_images(spec, tiny), tiny=tiny)
    start = time.perf_counter()
    runner.fit_block(2 * spe)  # traces and compiles
    runner.trace_seconds = time.perf_counter() - start
    runner.steps = max(2 * spe, round_up(settings.backend_steps, spe))
    runner.timed_block()
    log(f"  {keras.backend.backend()}: {runner.samples[0]:.0f} images/s")
    return {**runner.result(), "backend": keras.backend.backend(),
            "resolved_jit_compile": bool(runner.model.jit_compile),
            "matmul_peak": bench_flops.matmul_peak(settings.matmul_n, 3, 1)}


WORKERS = {"train": train_worker, "export": export_worker, "quality": quality_worker,
           "profile": profile_worker, "backends": backends_worker}


def run_worker(args):
    """Entry point of a `--worker` subprocess: measure and write JSON."""
    from keras_gen import zoo

    warnings.filterwarnings("ignore", message=".*shuffle=True.*")  # Keras, for tf.data input
    kwargs = {"quality": {"seed": args.seed}, "export": {"quantize": args.quantize}}
    start = time.perf_counter()
    result = WORKERS[args.worker](zoo.get(args.preset), Settings.for_mode(args.quick),
                                  tiny=args.tiny, **kwargs.get(args.worker, {}))
    result.update(wall_seconds=time.perf_counter() - start, loadavg_end=list(os.getloadavg()))
    Path(args.json_out).write_text(json.dumps(result, indent=1, default=lambda v: v.item()))


def spawn(kind, preset, settings, log_dir, seed=0, tiny=False, quantize=None, backend=None):
    """One worker's JSON result from a fresh Python process, or `{"error", "log"}`."""
    stem = f"{preset}.{kind}.{quantize or seed}" + (f".{backend}" if backend else "")
    json_out, log_path = Path(log_dir) / f"{stem}.json", Path(log_dir) / f"{stem}.log"
    command = [sys.executable, "-X", "faulthandler", str(Path(__file__).resolve()), "--worker",
               kind, "--preset", preset, "--json-out", str(json_out), "--seed", str(seed)]
    command += (["--quantize", quantize] if quantize else []) + \
        (["--quick"] if settings.quick else []) + (["--tiny"] if tiny else [])
    env = {**os.environ, **({"KERAS_BACKEND": backend} if backend else {})}
    start = time.perf_counter()
    with open(log_path, "w") as log_file:
        try:
            code = subprocess.run(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=REPO,
                                  timeout=settings.worker_timeout, env=env).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    if code == 0 and json_out.exists():
        return json.loads(json_out.read_text())
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return {"error": failure_summary(text, code, time.perf_counter() - start),
            "log": str(log_path)}


def failure_summary(log_text, code, seconds):
    """One line on why a worker failed: signal or exit code, and where."""
    how = f"crashed ({signal.Signals(-code).name})" if isinstance(code, int) and code < 0 \
        else f"exited with {code}"
    lines = [ln.strip() for ln in log_text.splitlines() if ln.strip()
             and not ln.startswith(("I0000", "W0000", "E0000", "WARNING", "INFO"))]
    where = f": {lines[-1][:300]}" if lines else ""
    frames = [ln for ln in lines if ln.startswith("File ")]
    if "Fatal Python error" in log_text and frames:  # faulthandler: innermost frame first
        where = " in " + ([ln for ln in frames if "keras_gen/" in ln] or frames)[0]
    return f"worker {how} after {seconds:.0f}s{where}"


def compare_settings(train_result):
    """Each other config at the preset batch size against the default (paired rounds)."""
    rows = {r["label"]: r for r in train_result.get("throughput", [])}
    default = rows.get("default")
    if not default or not default["images_per_second"]:
        return []
    comparisons = []
    for label, row in rows.items():
        if label == "default" or row["batch_size"] != default["batch_size"] \
                or not row["images_per_second"]:
            continue
        wins = sum(a > b for a, b in zip(row["samples"], default["samples"]))
        rounds = min(len(row["samples"]), len(default["samples"]))
        speedup = row["images_per_second"] / default["images_per_second"]
        comparisons.append({
            "label": label, "default_images_per_second": default["images_per_second"],
            "images_per_second": row["images_per_second"], "speedup": speedup,
            "rounds_won": wins, "rounds": rounds,
            "recommended": speedup >= SPEEDUP_THRESHOLD and wins >= WIN_FRACTION * rounds})
    return comparisons


def merge_exports(jobs):
    """One export result from the per-quantization jobs (a crashed job becomes an error)."""
    merged = {"rows": [], "errors": {}, "rss_peak_mb": None}
    for quantize, job in jobs.items():
        if "error" in job:
            merged["errors"][quantize] = job["error"]
            continue
        merged["rows"] += [r for r in job["rows"]  # each job times Keras too: keep float32's
                           if quantize == "float32" or r["format"] != "keras"]
        merged["errors"].update(job.get("errors", {}))
        merged["rss_peak_mb"] = max(merged["rss_peak_mb"] or 0, job.get("rss_peak_mb") or 0)
    if not merged["rows"]:
        return {"error": "; ".join(f"{q}: {e}" for q, e in merged["errors"].items()),
                "errors": merged["errors"]}
    merged["rows"].sort(key=lambda r: (r["function"], r["format"], r["quantize"]))
    return merged


def compare_backends(specs, settings, log_dir, backends, tiny=False, log=print):
    """Per preset, images/s on each backend its class trains on (alternating workers)."""
    presets, seconds = {}, []
    for spec in specs:
        runs = {b: [] for b in backends if b in spec.model_class.TRAINS_ON}
        for index, backend in ((i, b) for i in range(settings.repeats)
                               for b in (backends[::-1] if i % 2 else backends) if b in runs):
            runs[backend].append(spawn("backends", spec.name, settings, log_dir, seed=index,
                                       tiny=tiny, backend=backend))
            log(f"  {spec.name} round {index + 1} {backend}: {runs[backend][-1].get('error', '')}"
                f"{runs[backend][-1].get('images_per_second', '')}")
        entry = presets[spec.name] = {"batch_size": batch_sizes(spec, settings)[0]}
        for backend, got in ((b, runs.get(b, [])) for b in backends):
            rates = [r["images_per_second"] for r in got if "error" not in r]
            seconds += [s for r in got if "error" not in r for s in r["matmul_peak"]["seconds"]]
            entry[backend] = {"images_per_second": statistics.median(rates), "min": min(rates),
                              "max": max(rates), "runs": got} if rates else {"runs": got, "error":
                got[0]["error"] if got else f"not supported on {backend} yet"}
        if all("images_per_second" in entry.get(b, {}) for b in ("tensorflow", "jax")):
            entry["jax/tensorflow"] = (entry["jax"]["images_per_second"]
                                       / entry["tensorflow"]["images_per_second"])
    return {"backends": list(backends), "rounds": settings.repeats, "presets": presets,
            "steps": settings.backend_steps,
            "matmul_peak": bench_flops.pooled_peak(settings.matmul_n, seconds)}


def preset_entry(spec, train, export, quality_runs=None):
    """One preset's jobs, its settings comparison and quality medians over seeds."""
    entry = {"family": spec.family,
             "batch_size": train.get("batch_size", spec.fit.get("batch_size")),
             "headline_metric": spec.headline_metric, "train": train,
             "settings_comparison": compare_settings(train), "export": export}
    if quality_runs is not None:
        table = {}
        for point in (p for run in quality_runs for p in run.get("points", [])):
            for name, value in {**point["metrics"], "images": point["images"]}.items():
                table.setdefault(point["target_seconds"], {}).setdefault(name, []).append(value)
        entry["quality"] = {"runs": quality_runs, "summary": {
            str(t): {name: {"median": statistics.median(v), "values": v}
                     for name, v in metrics.items()} for t, metrics in sorted(table.items())}}
    return entry


def new_results(command, settings, missing):
    """The result dict before any preset: command, settings, machine, load average."""
    from machine import machine_info

    return {"command": command, "settings": dataclasses.asdict(settings),
            "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "git_commit": git_commit(), "machine": machine_info(),
            "loadavg_start": list(os.getloadavg()), "not_registered": list(missing),
            "presets": {}, "profile": {}}


def finish_results(results):
    """Stamp the end time and load average."""
    results.update(loadavg_end=list(os.getloadavg()),
                   finished=datetime.datetime.now().isoformat(timespec="seconds"))
    return results


def merge_quality(results, sources):
    """A copy of `results` with the presets' `quality` (and `quality_sources`) of `sources`."""
    merged = copy.deepcopy(results)
    merged["quality_sources"] = []
    for source in sources:
        names = [n for n, e in source["presets"].items() if e.get("quality")]
        if not names:
            raise ValueError(f"The run `{source.get('command')}` measured no quality; "
                             "expected the JSON of a run with the quality job.")
        for name in names:
            entry = source["presets"][name]
            merged["presets"].setdefault(name, entry)["quality"] = entry["quality"]
        merged["quality_sources"].append(
            {"command": source["command"], "presets": names, **{k: source.get(k) for k in (
                "started", "finished", "git_commit", "loadavg_start", "loadavg_end")}})
    return merged


def write_report(results, out):
    """The markdown report at `out` and the JSON next to it, each written atomically."""
    from keras_gen.core.safe_io import atomic_path

    out = Path(out)
    for path, text in ((out.with_suffix(".json"), json.dumps(results, indent=1)),
                       (out, bench_report.render(results))):
        with atomic_path(path) as tmp:
            tmp.write_text(text)


def benchmark(specs, missing, settings, log_dir, command, tiny=False, log=print, jobs=JOBS,
              backends=("tensorflow", "jax")):
    """Measure every spec in subprocesses (the `jobs` kinds; others reported not run)."""
    results = new_results(command, settings, missing)
    for spec in specs:
        log(f"== {spec.name} ({spec.family})")
        skipped = {"error": "not run (tools/bench.py --only)"}
        train = spawn("train", spec.name, settings, log_dir, tiny=tiny) \
            if "train" in jobs else skipped
        export = merge_exports({q: spawn("export", spec.name, settings, log_dir, tiny=tiny,
                                         quantize=q) for q in settings.export_variants}) \
            if "export" in jobs else dict(skipped)
        quality = [spawn("quality", spec.name, settings, log_dir, seed=seed, tiny=tiny)
                   for seed in range(settings.quality_repeats)] \
            if "quality" in jobs and wants_quality(spec) else None
        results["presets"][spec.name] = preset_entry(spec, train, export, quality)
        for kind, job in (("train", train), ("export", export)):
            if "error" in job:
                log(f"  {kind} failed: {job['error']}")
    for spec in specs:
        if "profile" in jobs and spec.name in profiled_presets():
            log(f"== profile {spec.name}")
            results["profile"][spec.name] = spawn("profile", spec.name, settings, log_dir,
                                                  tiny=tiny)
    if "backends" in jobs:
        log(f"== backends {', '.join(backends)}")
        results["backends"] = {"command": command, **compare_backends(
            specs, settings, log_dir, tuple(backends), tiny=tiny, log=log)}
    return finish_results(results)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="short measurements (minutes)")
    add("--presets", help="comma-separated preset names (default: headlines)")
    add("--quality-seeds", type=int, metavar="N",
        help="quality runs per preset (default: 3, --quick 1; 10 minutes each)")
    add("--only", help=f"comma-separated jobs of {', '.join(JOBS)} (default: all)")
    add("--out", default=str(REPO / "BENCHMARKS.md"), help="markdown; the JSON goes beside it")
    add("--logs", help="folder for worker logs (default: <out>.logs/)")
    add("--render", metavar="JSON", help="only re-write the markdown from a run's JSON")
    add("--quality-from", metavar="JSON[,JSON...]",
        help="with --render: the quality of these --only quality runs")
    add("--backends", default="tensorflow,jax", help="Keras backends of the backends job")
    add("--backends-from", metavar="JSON",
        help="with --render: the backends table of this --only backends run")
    for hidden, kwargs in (("--worker", {"choices": sorted(WORKERS)}), ("--preset", {}),
                           ("--json-out", {}), ("--seed", {"type": int, "default": 0}),
                           ("--tiny", {"action": "store_true"}),
                           ("--quantize", {"choices": EXPORT_VARIANTS, "default": "float32"})):
        add(hidden, help=argparse.SUPPRESS, **kwargs)
    return parser.parse_args(argv)


def render_only(args):
    """`--render`: re-write the report from a run's JSON, merging `--quality-from` and
    `--backends-from` runs into it."""
    def load(path):
        return json.loads(Path(path.strip()).read_text())

    results = load(args.render)
    if args.quality_from:
        results = merge_quality(results, [load(p) for p in args.quality_from.split(",")])
    if args.backends_from:
        results["backends"] = load(args.backends_from)["backends"]
    write_report(results, args.out)
    print(f"wrote {args.out} and its JSON from {args.render}"
          + "".join(f" with {flag} {path}" for flag, path in (
              ("quality", args.quality_from), ("backends", args.backends_from)) if path))


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_worker(args)
    if (args.quality_from or args.backends_from) and not args.render:
        flag = "--quality-from" if args.quality_from else "--backends-from"
        raise SystemExit(f"{flag} merges into an earlier run: use it with --render JSON.")
    if args.render:
        return render_only(args)
    settings = Settings.for_mode(args.quick)
    if args.quality_seeds is not None:
        if args.quality_seeds < 0:
            raise SystemExit(f"--quality-seeds must be >= 0, got {args.quality_seeds}.")
        settings = dataclasses.replace(settings, quality_repeats=args.quality_seeds)
    jobs = tuple(j.strip() for j in args.only.split(",")) if args.only else JOBS
    if set(jobs) - set(JOBS):
        raise SystemExit(f"--only takes jobs of {', '.join(JOBS)}; got {args.only!r}.")
    specs, missing = registered_headlines(
        [n.strip() for n in args.presets.split(",")] if args.presets else None)
    out = Path(args.out)
    log_dir = Path(args.logs) if args.logs else out.with_suffix(".logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    command = "python " + " ".join(shlex.quote(a) for a in
                                   ["tools/bench.py", *(sys.argv[1:] if argv is None else argv)])
    print(f"load average at start: {os.getloadavg()}; presets: {[s.name for s in specs]}; "
          f"not registered: {missing}", flush=True)
    results = benchmark(specs, missing, settings, log_dir, command,
                        log=lambda m: print(m, flush=True), jobs=jobs,
                        backends=[b.strip() for b in args.backends.split(",")])
    write_report(results, out)
    print(f"wrote {out} and {out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
