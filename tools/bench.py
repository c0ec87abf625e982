"""Benchmark the headline preset of every family: speed, FLOPs, memory, latency, quality.

    python tools/bench.py --quick                      # a few minutes, rough numbers
    python tools/bench.py                              # the full run (2-3 hours)
    python tools/bench.py --quality-seeds 1            # full, one quality run per preset (~1.5 h)
    python tools/bench.py --presets vae_mnist_28,dcgan_mnist_28 --out /tmp/B.md
    python tools/bench.py --render BENCHMARKS.json --out BENCHMARKS.md   # re-render only
    python tools/bench.py --only quality --quality-seeds 2 --presets vae_mnist_28 --out /tmp/Q.md
    python tools/bench.py --render BENCHMARKS.json --quality-from /tmp/Q.json --out BENCHMARKS.md

Writes `BENCHMARKS.md` (tables and the methods) and `BENCHMARKS.json` (every
sample) next to it. Each preset is measured in separate subprocesses, so
that peak memory (`ru_maxrss`) belongs to one job and nothing one preset
traced or allocated slows the next:

- `train`: the machine's float32 matmul peak, FLOPs of one train step per
  batch size (`bench_flops`), and images/s of `model.fit` for every batch
  size and setting (XLA, steps per execution, input pipeline), interleaved;
- `export`: latency per call of Keras, SavedModel and `.tflite` (float32,
  float16, int8) serving functions via `kg.export.export`;
- `quality` (GANs and VAEs, one subprocess per seed): the preset's headline
  metric after 1, 2, 5 and 10 minutes of training (5, 10, 20 s in quick mode);
- `profile` (the VAE and the DCGAN, under py-spy when installed): retracing,
  per-step overhead of `fit`, the step graph's ops (`bench_profile`).

`--quick` (rough numbers in minutes): 3 rounds of 0.6 s, the preset batch
size and twice it, the two flips of the defaults (XLA, steps per execution)
only, every export variant (one timed round), quality after 5, 10 and 20 s
with one seed.

`--worker KIND --preset NAME --json-out PATH` runs one such job (what the
parent does for each preset); see `BENCHMARKS.md` for the methods.

The quality runs take 10 minutes per seed and preset, so they can run on their
own (`--only quality`, one preset at a time) and be merged into a throughput
run's report with `--render ... --quality-from A.json,B.json`: the report then
names each quality run's command, time and load average.
"""

import argparse
import copy
import dataclasses
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_report  # noqa: E402  (after the path and log level are set)

REPO = Path(__file__).resolve().parent.parent
EXPORT_VARIANTS = ("float32", "float16", "int8")  # one subprocess each: a converter may crash
SPEEDUP_THRESHOLD = 1.05  # a setting must be 5% faster ...
WIN_FRACTION = 0.8        # ... and faster in 80% of the paired rounds to be recommended


@dataclasses.dataclass(frozen=True)
class Settings:
    """How long and how often everything is measured (full run or `--quick`)."""

    quick: bool
    repeats: int              # timed blocks per training config
    target_seconds: float     # length of one timed block
    batch_factors: tuple      # batch sizes as multiples of the preset's
    matmul_n: int
    matmul_repeats: int
    export_repeats: int
    quality_checkpoints: tuple  # seconds of training
    quality_repeats: int        # seeds
    worker_timeout: int         # seconds per subprocess
    export_variants: tuple = EXPORT_VARIANTS  # one export subprocess each

    @classmethod
    def for_mode(cls, quick):
        """The quick (development) or full (published numbers) settings."""
        if quick:
            return cls(True, repeats=3, target_seconds=0.6, batch_factors=(1, 2),
                       matmul_n=1024, matmul_repeats=5, export_repeats=1,
                       quality_checkpoints=(5, 10, 20), quality_repeats=1,
                       worker_timeout=1800)
        return cls(False, repeats=5, target_seconds=2.0, batch_factors=(0.5, 1, 2, 4),
                   matmul_n=2048, matmul_repeats=9, export_repeats=3,
                   quality_checkpoints=(60, 120, 300, 600), quality_repeats=3,
                   worker_timeout=7200)


# -- the machine ----------------------------------------------------------------
def cpu_model():
    """The CPU's model name from /proc/cpuinfo (or `platform.processor()`)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_total_mb():
    """Total RAM in MB from /proc/meminfo, or None."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def machine_info():
    """Cores, CPU model, memory, library versions and the load average now."""
    import keras
    import tensorflow as tf

    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model(),
        "memory_total_mb": memory_total_mb(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "loadavg": list(os.getloadavg()),
    }


def git_commit(checkout=REPO):
    """The checkout's HEAD commit (and whether its tree has changes), or None."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=checkout,
                               capture_output=True,
                               text=True, check=True).stdout.strip()
        return head + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


# -- what is measured -------------------------------------------------------------
def batch_sizes(spec, settings):
    """The preset's batch size first, then the other sizes of the sweep."""
    base = int(spec.fit.get("batch_size", 32))
    sizes = [base] + sorted({max(2, int(base * f)) for f in settings.batch_factors} - {base})
    return sizes


def default_settings(spec):
    """`(jit_compile, steps_per_execution)` a preset trains with by default.

    The preset's compile recipe over its model class's `compile_defaults`;
    Keras' `jit_compile="auto"` is off on a CPU-only machine.
    """
    merged = spec.model_class.with_compile_defaults(spec.compile)
    return merged.get("jit_compile", "auto") is True, int(merged.get("steps_per_execution", 1))


def train_configs(spec, settings):
    """`TrainConfig`s: the default first, the batch sweep, then the settings.

    Each setting row flips one default (XLA on <-> off, 8 <-> 1 steps per
    execution), so a faster row means the default should change. Quick mode
    keeps the batch sweep and the two flips only (each row costs a traced
    model).
    """
    from bench_measure import TrainConfig

    sizes = batch_sizes(spec, settings)
    base = sizes[0]
    jit, spe = default_settings(spec)
    other_spe = 1 if spe > 1 else 8
    xla_label, spe_label = ("no xla" if jit else "xla"), f"spe{other_spe}"
    configs = [TrainConfig("default", base, jit, spe)]
    configs += [TrainConfig(f"batch {b}", b, jit, spe) for b in sizes[1:]]
    configs += [TrainConfig(xla_label, base, not jit, spe),
                TrainConfig(spe_label, base, jit, other_spe)]
    if not settings.quick:
        configs += [
            TrainConfig(f"{xla_label}+{spe_label}", base, not jit, other_spe),
            TrainConfig("no cache", base, jit, spe, pipeline="tfdata_nocache"),
            TrainConfig("no prefetch", base, jit, spe, pipeline="tfdata_noprefetch"),
            TrainConfig("no cache, no prefetch", base, jit, spe, pipeline="tfdata_plain"),
            TrainConfig("numpy arrays", base, jit, spe, pipeline="numpy"),
        ]
    return configs


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


# -- workers (one subprocess each) -------------------------------------------------
def step_flops(spec, settings, tiny=False, log=print):
    """`{batch: FLOPs of one train step}` (`bench_flops.train_step_flops`) at every batch size."""
    import bench_flops
    import bench_measure

    flops = {}
    for batch in batch_sizes(spec, settings):
        model = bench_measure.build_model(spec, tiny=tiny)
        flops[batch] = bench_flops.train_step_flops(model, batch)
        log(f"  batch {batch}: {flops[batch]['total'] / 1e9:.3f} GFLOP per step")
    return flops


class PeakSampler:
    """Matmul-peak samples taken through a train job, under the load of the moment."""

    def __init__(self, settings):
        import bench_flops

        self.settings, self.matmul_peak = settings, bench_flops.matmul_peak
        self.start = self.matmul_peak(settings.matmul_n, settings.matmul_repeats)
        self.seconds, self.end = list(self.start["seconds"]), None

    def sample(self):
        """A few more products (called between throughput rounds)."""
        self.seconds += self.matmul_peak(self.settings.matmul_n, 3, warmup=1)["seconds"]

    def finish(self):
        """Last samples; returns the JSON summary with the median rate over all samples."""
        self.end = self.matmul_peak(self.settings.matmul_n, self.settings.matmul_repeats)
        self.seconds += self.end["seconds"]
        rate = self.start["flops_per_matmul"] / statistics.median(self.seconds)
        return {"start": self.start, "end": self.end, "seconds": self.seconds,
                "flops_per_second": rate}


def train_worker(spec, settings, tiny=False, log=print):
    """Matmul peak, FLOPs per step and throughput of one preset (one process)."""
    import bench_measure

    result = {"preset": spec.name, "batch_size": batch_sizes(spec, settings)[0],
              "rss_after_import_mb": bench_measure.peak_rss_mb()}
    peak = PeakSampler(settings)
    log(f"  matmul peak {peak.start['flops_per_second'] / 1e9:.1f} GFLOP/s")
    flops = step_flops(spec, settings, tiny=tiny, log=log)
    result["flops"] = {str(b): v for b, v in flops.items()}
    x = tiny_images(spec) if tiny else bench_measure.training_arrays(spec)

    def after_first():
        result["rss_after_default_mb"] = bench_measure.peak_rss_mb()

    configs = train_configs(spec, settings)
    runners, errors = bench_measure.measure_throughput(
        spec, configs, x, repeats=settings.repeats, target_seconds=settings.target_seconds,
        tiny=tiny, after_first=after_first, between_rounds=peak.sample, log=log)
    result["matmul_peak"] = peak.finish()
    rate = result["matmul_peak"]["flops_per_second"]
    log(f"  matmul peak (median of {len(peak.seconds)}) {rate / 1e9:.1f} GFLOP/s")
    result["throughput"] = [
        runners[c.label].result(flops[c.batch_size]["total"] / c.batch_size, rate)
        for c in configs if c.label in runners]
    result.update(errors=errors, rss_peak_mb=bench_measure.peak_rss_mb())
    return result


def tiny_images(spec, n=256):
    """Random images shaped for the preset's tiny model (tests)."""
    import numpy as np

    shape = spec.build(tiny=True).expected_input_shape()
    return np.random.default_rng(0).uniform(size=(n, *shape)).astype("float32")


def export_worker(spec, settings, tiny=False, quantizations=None, log=print):
    """Serving latency of one preset in every format (one process)."""
    import bench_measure

    data = tiny_images(spec) if tiny else bench_measure.training_arrays(spec, split="test")
    result = bench_measure.measure_export(
        spec, data[:100], repeats=settings.export_repeats, tiny=tiny, log=log,
        quantizations=quantizations or bench_measure.QUANTIZATIONS)
    result.update(preset=spec.name, rss_peak_mb=bench_measure.peak_rss_mb())
    return result


def quality_worker(spec, settings, seed=0, tiny=False, log=print):
    """The headline metric after each checkpoint of training time (one process, one seed).

    Trains through `keras_gen.training` (the preset's recipe, its NaN guard)
    with `pipeline.measure_at` measuring at the checkpoints and ending the run.
    """
    import inspect

    import bench_measure
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
    result.update(points=hook.points, rss_peak_mb=bench_measure.peak_rss_mb())
    return result


def profile_worker(spec, settings, tiny=False, log=print):
    """Retracing, per-step overhead, graph ops and a py-spy window (one process)."""
    import bench_measure
    import bench_profile

    result = bench_profile.profile_preset(spec, settings, tiny=tiny, log=log)
    result["rss_peak_mb"] = bench_measure.peak_rss_mb()
    return result


WORKERS = {"train": train_worker, "export": export_worker, "quality": quality_worker,
           "profile": profile_worker}


def run_worker(args):
    """Entry point of a `--worker` subprocess: measure and write JSON."""
    import warnings

    from keras_gen import zoo

    warnings.filterwarnings("ignore", message=".*shuffle=True.*")  # Keras, for tf.data input
    settings = Settings.for_mode(args.quick)
    spec = zoo.get(args.preset)
    kwargs = {"seed": args.seed} if args.worker == "quality" else {}
    if args.worker == "export" and args.quantize:
        kwargs["quantizations"] = (None if args.quantize == "float32" else args.quantize,)
    start = time.perf_counter()
    result = WORKERS[args.worker](spec, settings, tiny=args.tiny, **kwargs)
    result["wall_seconds"] = time.perf_counter() - start
    result["loadavg_end"] = list(os.getloadavg())
    Path(args.json_out).write_text(json.dumps(result, indent=1, default=_json_default))


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def pyspy_path():
    """The py-spy executable beside this Python (or on PATH), or None."""
    import shutil

    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def spawn(kind, preset, settings, log_dir, seed=0, tiny=False, quantize=None, pyspy=None):
    """Run one worker in a fresh Python process; its JSON result or `{"error": ...}`.

    With `pyspy` (a path for the raw samples), the worker runs under
    `py-spy record --idle` (50 samples/s, Python frames only; `--idle` keeps
    the samples where the Python thread waits for TensorFlow's executor).
    """
    stem = f"{preset}.{kind}.{quantize or seed}"
    json_out, log_path = Path(log_dir) / f"{stem}.json", Path(log_dir) / f"{stem}.log"
    prefix = [pyspy_path(), "record", "--idle", "--rate", "50", "--format", "raw",
              "-o", str(pyspy), "--"] if pyspy else []
    command = prefix + [sys.executable, "-X", "faulthandler", str(Path(__file__).resolve()),
               "--worker", kind, "--preset", preset, "--json-out", str(json_out),
               "--seed", str(seed)]
    command += ["--quantize", quantize] if quantize else []
    command += ["--quick"] if settings.quick else []
    command += ["--tiny"] if tiny else []
    start = time.perf_counter()
    with open(log_path, "w") as log_file:
        try:
            code = subprocess.run(command, stdout=log_file, stderr=subprocess.STDOUT, cwd=REPO,
                                  timeout=settings.worker_timeout).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
    seconds = time.perf_counter() - start
    if code == 0 and json_out.exists():
        return json.loads(json_out.read_text())
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return {"error": failure_summary(text, code, seconds), "log": str(log_path)}


def failure_summary(log_text, code, seconds):
    """One line on why a worker failed: signal or exit code, and where."""
    import signal

    if isinstance(code, int) and code < 0:
        how = f"crashed ({signal.Signals(-code).name})"
    else:
        how = f"exited with {code}"
    lines = [ln.strip() for ln in log_text.splitlines() if ln.strip()
             and not ln.startswith(("I0000", "W0000", "E0000", "WARNING", "INFO"))]
    where = f": {lines[-1][:300]}" if lines else ""
    if "Fatal Python error" in log_text:  # faulthandler lists the innermost frame first
        ours = [ln for ln in lines if ln.startswith("File ") and "keras_gen/" in ln]
        frames = [ln for ln in lines if ln.startswith("File ")]
        if ours or frames:
            where = f" in {(ours or frames)[0]}"
    return f"worker {how} after {seconds:.0f}s{where}"


# -- analysis ----------------------------------------------------------------------
def compare_settings(train_result):
    """Each non-default config at the preset batch size against the default.

    Returns rows: label, images/s of both, speedup (ratio of medians), rounds
    won (paired by round, which ran back to back) and whether the setting is
    recommended (`speedup >= SPEEDUP_THRESHOLD` and won in at least
    `WIN_FRACTION` of the rounds).
    """
    rows = {r["label"]: r for r in train_result.get("throughput", [])}
    default = rows.get("default")
    if not default or not default["images_per_second"]:
        return []
    comparisons = []
    for label, row in rows.items():
        if label == "default" or row["batch_size"] != default["batch_size"] \
                or not row["images_per_second"]:
            continue
        pairs = list(zip(row["samples"], default["samples"]))
        wins = sum(a > b for a, b in pairs)
        speedup = row["images_per_second"] / default["images_per_second"]
        comparisons.append({
            "label": label, "default_images_per_second": default["images_per_second"],
            "images_per_second": row["images_per_second"], "speedup": speedup,
            "rounds_won": wins, "rounds": len(pairs),
            "recommended": speedup >= SPEEDUP_THRESHOLD and wins >= WIN_FRACTION * len(pairs)})
    return comparisons


def quality_summary(runs):
    """Median (over seeds) of every metric at every checkpoint."""
    table = {}
    for run in runs:
        for point in run.get("points", []):
            entry = table.setdefault(point["target_seconds"], {})
            for name, value in point["metrics"].items():
                entry.setdefault(name, []).append(value)
            entry.setdefault("images", []).append(point["images"])
    return {str(t): {name: {"median": statistics.median(v), "values": v}
                     for name, v in metrics.items()} for t, metrics in sorted(table.items())}


def merge_exports(jobs):
    """One export result from the per-quantization jobs (a crashed job becomes an error)."""
    merged = {"rows": [], "errors": {}, "rss_peak_mb": None}
    for quantize, job in jobs.items():
        if "error" in job:
            merged["errors"][quantize] = job["error"]
            continue
        rows = job["rows"]
        if quantize != "float32":  # Keras latency is measured by every job; keep float32's
            rows = [r for r in rows if r["format"] != "keras"]
        merged["rows"] += rows
        merged["errors"].update(job.get("errors", {}))
        merged["rss_peak_mb"] = max(merged["rss_peak_mb"] or 0, job.get("rss_peak_mb") or 0)
    if not merged["rows"]:
        return {"error": "; ".join(f"{q}: {e}" for q, e in merged["errors"].items()),
                "errors": merged["errors"]}
    merged["rows"].sort(key=lambda r: (r["function"], r["format"], r["quantize"]))
    return merged


def profile(spec, settings, log_dir, tiny=False):
    """The profile worker's result, with py-spy's sample shares when py-spy is installed."""
    import bench_profile

    raw = Path(log_dir) / f"{spec.name}.pyspy.txt"
    use_pyspy = pyspy_path() is not None
    result = spawn("profile", spec.name, settings, log_dir, tiny=tiny,
                   pyspy=raw if use_pyspy else None)
    if use_pyspy and raw.exists() and "error" not in result:
        result["pyspy"] = bench_profile.summarize_pyspy(raw.read_text())
    elif "error" not in result:
        result["pyspy"] = {"samples": 0, "note": "py-spy not installed"}
    return result


def headline_presets():
    """The presets whose spec asks for the bench's speed jobs, in registry order."""
    from keras_gen import zoo

    return tuple(spec.name for spec in zoo.specs() if "speed" in spec.bench)


def profiled_presets():
    """The presets whose spec asks for the bench's profile job, in registry order."""
    from keras_gen import zoo

    return tuple(spec.name for spec in zoo.specs() if "profile" in spec.bench)


def wants_quality(spec):
    """Whether quality-against-time is measured for a preset (its spec's `bench`)."""
    return "quality" in spec.bench and bool(spec.evaluate) and bool(spec.headline_metric)


def preset_entry(spec, train, export, quality_runs=None):
    """One preset's part of the results: the three jobs' outputs and what follows."""
    entry = {"family": spec.family,
             "batch_size": train.get("batch_size", spec.fit.get("batch_size")),
             "headline_metric": spec.headline_metric, "train": train,
             "settings_comparison": compare_settings(train), "export": export}
    if quality_runs is not None:
        entry["quality"] = {"runs": quality_runs, "summary": quality_summary(quality_runs)}
    return entry


# -- the run -----------------------------------------------------------------------
def new_results(command, settings, missing):
    """The result dict before any preset: command, settings, machine, load average."""
    return {"command": command, "settings": dataclasses.asdict(settings),
            "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "git_commit": git_commit(), "machine": machine_info(),
            "loadavg_start": list(os.getloadavg()), "not_registered": list(missing),
            "presets": {}, "profile": {}}


def finish_results(results):
    """Stamp the end time and load average."""
    results["loadavg_end"] = list(os.getloadavg())
    results["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    return results


JOBS = ("train", "export", "quality", "profile")


def merge_quality(results, sources):
    """`results` with the quality measurements of separate (`--only quality`) runs.

    `sources` are result dicts of other bench runs; each preset's `quality` entry
    replaces the one in `results` (a preset `results` lacks is added with its jobs
    marked not run). Every source's command, time span, git commit and load
    averages are kept in `results["quality_sources"]`, so the report says where
    each quality figure came from. Returns a new dict.
    """
    merged = copy.deepcopy(results)
    merged["quality_sources"] = []
    for source in sources:
        names = [n for n, e in source["presets"].items() if e.get("quality")]
        if not names:
            raise ValueError(f"The run `{source.get('command')}` measured no quality; "
                             "expected the JSON of a run with the quality job.")
        for name in names:
            entry = source["presets"][name]
            if name in merged["presets"]:
                merged["presets"][name]["quality"] = entry["quality"]
            else:
                merged["presets"][name] = entry
        merged["quality_sources"].append(
            {"command": source["command"], "presets": names,
             "started": source["started"], "finished": source.get("finished"),
             "git_commit": source.get("git_commit"),
             "loadavg_start": source["loadavg_start"], "loadavg_end": source.get("loadavg_end")})
    return merged


def write_report(results, out):
    """Write the markdown report to `out` and the JSON next to it, each atomically."""
    from keras_gen.core.safe_io import atomic_path

    out = Path(out)
    for path, text in ((out.with_suffix(".json"), json.dumps(results, indent=1)),
                       (out, bench_report.render(results))):
        with atomic_path(path) as tmp:
            tmp.write_text(text)


def benchmark(specs, missing, settings, log_dir, command, tiny=False, log=print, jobs=JOBS):
    """Measure every spec in subprocesses and return the whole result dict.

    `jobs` picks which kinds of job run; the others are reported as not run.
    """
    results = new_results(command, settings, missing)
    skipped = {"error": "not run (tools/bench.py --only)"}
    for spec in specs:
        log(f"== {spec.name} ({spec.family})")
        train = spawn("train", spec.name, settings, log_dir, tiny=tiny) \
            if "train" in jobs else dict(skipped)
        export = merge_exports({q: spawn("export", spec.name, settings, log_dir, tiny=tiny,
                                         quantize=q) for q in settings.export_variants}) \
            if "export" in jobs else dict(skipped)
        quality = None
        if "quality" in jobs and wants_quality(spec):
            quality = [spawn("quality", spec.name, settings, log_dir, seed=seed, tiny=tiny)
                       for seed in range(settings.quality_repeats)]
        results["presets"][spec.name] = preset_entry(spec, train, export, quality)
        for kind, job in (("train", train), ("export", export)):
            if "error" in job:
                log(f"  {kind} failed: {job['error']}")
    for spec in specs:
        if "profile" in jobs and spec.name in profiled_presets():
            log(f"== profile {spec.name}")
            results["profile"][spec.name] = profile(spec, settings, log_dir, tiny=tiny)
    return finish_results(results)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short measurements (minutes)")
    parser.add_argument("--presets", help="comma-separated preset names (default: headlines)")
    parser.add_argument("--quality-seeds", type=int, default=None, metavar="N",
                        help="training runs per preset for quality against time "
                             "(default: 3, or 1 with --quick; each full run is 10 minutes)")
    parser.add_argument("--only", help="comma-separated jobs to run, of " + ", ".join(JOBS) +
                        " (default: all)")
    parser.add_argument("--out", default=str(REPO / "BENCHMARKS.md"),
                        help="markdown report; the JSON goes next to it")
    parser.add_argument("--logs", help="folder for worker logs (default: <out>.logs/)")
    parser.add_argument("--render", metavar="JSON",
                        help="only re-write the markdown (--out) from an earlier run's JSON")
    parser.add_argument("--quality-from", metavar="JSON[,JSON...]",
                        help="with --render: take the quality measurements from these "
                             "runs' JSON files (written by --only quality runs)")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--preset", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quantize", choices=EXPORT_VARIANTS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        return run_worker(args)
    if args.quality_from and not args.render:
        raise SystemExit("--quality-from merges into an earlier run: use it with --render JSON.")
    if args.render:
        results = json.loads(Path(args.render).read_text())
        if args.quality_from:
            results = merge_quality(results, [json.loads(Path(p.strip()).read_text())
                                              for p in args.quality_from.split(",")])
        write_report(results, args.out)
        print(f"wrote {args.out} and its JSON from {args.render}"
              + (f" with the quality of {args.quality_from}" if args.quality_from else ""))
        return None
    settings = Settings.for_mode(args.quick)
    if args.quality_seeds is not None:
        if args.quality_seeds < 0:
            raise SystemExit(f"--quality-seeds must be >= 0, got {args.quality_seeds}.")
        settings = dataclasses.replace(settings, quality_repeats=args.quality_seeds)
    jobs = tuple(j.strip() for j in args.only.split(",")) if args.only else JOBS
    if set(jobs) - set(JOBS):
        raise SystemExit(f"--only takes jobs of {', '.join(JOBS)}; got {args.only!r}.")
    names = [n.strip() for n in args.presets.split(",")] if args.presets else None
    specs, missing = registered_headlines(names)
    out = Path(args.out)
    log_dir = Path(args.logs) if args.logs else out.with_suffix(".logs")
    log_dir.mkdir(parents=True, exist_ok=True)
    command = "python " + " ".join(shlex.quote(a) for a in
                                   ["tools/bench.py", *(sys.argv[1:] if argv is None else argv)])
    print(f"load average at start: {os.getloadavg()}; presets: {[s.name for s in specs]}; "
          f"not registered: {missing}", flush=True)
    results = benchmark(specs, missing, settings, log_dir, command,
                        log=lambda m: print(m, flush=True), jobs=jobs)
    write_report(results, out)
    print(f"wrote {out} and {out.with_suffix('.json')}")


if __name__ == "__main__":
    main()
