"""Render the result dict of `tools/bench.py` as `BENCHMARKS.md`."""

from pathlib import Path

LOAD_IDLE = 1.5
HEADLINE_FUNCTIONS = ("generate", "reconstruct", "decode", "encode")

PROFILING_NOTES = """\
The changes these profiles led to (the optimizer built in `compile`, so `fit`
traces once; `KLWarmup` and `ProgressiveSchedule` assigning only on change;
8 steps per execution and XLA where they pay) and their before/after figures
are in [docs/performance.md](docs/performance.md).
"""

METHODS = """\
## Methods

Everything below is produced by one command (named at the top) in one run;
ratios (speedups, utilization) are always taken between numbers of the same
run and the same process. Each preset is measured in fresh subprocesses
(`train`, `export`, one `quality` per seed), so memory and traced functions of
one job never leak into the next. Models are freshly built from the preset
(`spec.build(seed=0)`, `compile(**spec.compile)`); a progressive GAN is first
moved to its final, fully grown stage (`skip_to_images(growth_images)`), the
most expensive stage, where its training ends.

**Training throughput (images/s).** `model.fit` on an endless `tf.data`
pipeline built like `kg.data.to_dataset` (`from_tensor_slices` -> `cache` ->
`shuffle` -> `repeat` -> `batch(drop_remainder=True)` -> `prefetch(AUTOTUNE)`)
of the 4,000 training images. For every configuration (batch size, XLA,
`steps_per_execution`, pipeline) one model is built and warmed up (the first
`fit` call traces the train function and is never timed; a second, short call
sizes the timed blocks to the target length). Then, in each round, every
configuration fits one block (`fit(epochs=1, steps_per_epoch=S)`) in turn, so
all configurations see the same machine load. A block's rate is the number of
images trained between the end of its first train-function call and the end
of its last (a `keras.callbacks.Callback` stamps `on_train_batch_end`),
divided by that time: iterator creation and shuffle-buffer filling are
excluded. The figure is the median over rounds; min and max are shown. The
"numpy arrays" pipeline passes arrays to `fit` (Keras' own adapter, what
`keras-gen train` and `tools/train_zoo.py` do); its block is one epoch over
the first `S * batch` images.

**Settings.** "default" is what a user gets: the preset's `compile()`
recipe over its model class's `compile_defaults` (autoencoders and VAEs:
`steps_per_execution=8`; otherwise Keras' `steps_per_execution=1`; XLA only
where a preset's recipe sets `jit_compile=True`, since Keras resolves
`jit_compile="auto"` to off on a CPU-only machine) and the `kg.data` pipeline
(cache and prefetch on). Each other row flips one default at the preset's batch
size ("xla" / "no xla", "spe8" / "spe1", a pipeline stage off). A setting is
*recommended* when its median is at least 5% above the default's and it beat
the default in at least 80% of the rounds (rounds are paired: they ran back
to back).

**FLOPs per step.** One `model.train_step` (forward, backward and optimizer
updates) is traced with `tf.function(...).get_concrete_function` on a float32
batch of the given size (nothing runs). `tools/bench_flops.py` walks the
graph and the functions its ops hold: `MatMul`: 2*m*n*k; `Conv2D`,
`Conv2DBackpropInput` (transposed convolutions and input gradients),
`Conv2DBackpropFilter`: 2 * (elements of the convolution's output) * kh * kw *
c_in; element-wise ops (activations, their gradients, Adam's updates):
1 per output element; reductions: 1 per input element; reshapes, copies,
casts, random draws: 0. A `While` body is multiplied by its static
`maximum_iterations` (Keras RNNs: the number of time steps), `If`/`Case`
count their most expensive branch (a progressive GAN's `Case` over stages:
the final stage, which is where it is timed). For graphs without control
flow, `tf.compat.v1.profiler` (`ProfileOptionBuilder.float_operation()`)
gives the same matmul and convolution counts and a total within about 1%
(it prices a few element-wise ops differently); it does not enter loop
bodies or branches, so it undercounts RNNs and progressive GANs. A dense
autoencoder's count equals the analytic 2 * batch * (3 * sum(in * out) -
the first layer's in * out) exactly: forward, weight gradients, and input
gradients of every layer but the first (`tests/test_bench.py`).

**Hardware utilization** = FLOPs per image * images/s / the machine's float32
matmul peak. The peak is measured in the same `train` process, before the
throughput rounds, after each round (3 products) and after the last:
`tf.linalg.matmul` of two n x n float32 matrices (2 * n^3 FLOPs) in a
`tf.function`, result summed and read back, after warm-up calls; the figure
is the median over all these products, so peak and throughput were sampled
under the same load. The rate is what TensorFlow's own (oneDNN) kernels
reach on a large product with both cores, not the CPU's theoretical peak.

**Peak memory.** `resource.getrusage(RUSAGE_SELF).ru_maxrss` of the
subprocess (Linux reports KiB): after imports (TensorFlow itself), right after
the default configuration's warm-up (tracing plus two short `fit` calls: the
training footprint at the preset batch size, with the FLOP-counting traces
before it), and at the end (all configurations alive at once, including
XLA-compiled ones). Export and quality jobs report their own peaks.

**Inference latency (batch 1).** `kg.export.export(model, dir, quantize=q)`
for q = None (writes the SavedModel and float32 `.tflite`), "float16" and
"int8" (calibrated on 100 test images); each export reports, per serving
function, the median of 30 timed calls (after one warm-up) of the traced Keras
function, the reloaded SavedModel signature and the `.tflite` file in
`ai_edge_litert` (builtin ops only). The figure is the median over export
repeats. Models are untrained: latency does not depend on the weights.

**Quality against wall-clock time.** The preset is trained from scratch by
its own recipe (`spec.fit`: batch size and callbacks, numpy arrays, default
compile) and evaluated with the preset's own `spec.evaluate` when the
training clock passes each checkpoint: Frechet distance in the digit
classifier's feature space (`kg.metrics.frechet_distance(real, fake,
features="digits")`, 1,000 samples against the 1,000 test digits) for GANs,
the test negative log-likelihood in nats (`model.log_likelihood`, importance
sampled, on the binarized test digits) for the VAE. The clock is the time
inside `fit` (tracing included) minus the time spent evaluating; each seed
runs in its own process and the table shows the median over seeds.
"""


def _num(value, digits=0):
    """A number with thousands separators, or '-'."""
    if value is None or isinstance(value, str):
        return "-"
    return f"{value:,.{digits}f}"


def _table(header, rows):
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _throughput_rows(entry):
    return {r["label"]: r for r in entry.get("train", {}).get("throughput", [])}


def header(results):
    """Title, command, machine and load average."""
    machine = results["machine"]
    start, end = results["loadavg_start"], results.get("loadavg_end", ["?"] * 3)
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{results['command']}` from {results['started']} to "
        f"{results.get('finished', '?')} (git `{results.get('git_commit')}`). Every "
        "figure is the median of several runs (see Methods at the end); ratios are "
        "taken within this one run.",
        "",
        _table(["machine", ""], [
            ["cores (`os.cpu_count()`)", machine["cpu_count"]],
            ["CPU (/proc/cpuinfo)", machine["cpu_model"]],
            ["RAM", f"{_num(machine.get('memory_total_mb'))} MB"],
            ["TensorFlow / Keras / Python",
             f"{machine['tensorflow']} / {machine['keras']} / {machine['python']}"],
            ["platform", machine["platform"]],
            ["load average at start (1, 5, 15 min)", ", ".join(f"{v:.2f}" for v in start)],
            ["load average at end (1, 5, 15 min)", ", ".join(
                f"{v:.2f}" if isinstance(v, float) else str(v) for v in end)],
            ["mode", "quick (`--quick`)" if results["settings"]["quick"] else "full"],
            ["quality runs (seeds) per preset", _quality_seeds(results)],
        ]),
    ]
    lines += ["\n" + _quality_source_line(source)
              for source in results.get("quality_sources", [])]
    if start[0] >= LOAD_IDLE:
        lines += ["", f"**The machine was not idle** (1-minute load {start[0]:.2f} >= "
                      f"{LOAD_IDLE} at the start): other jobs shared the "
                      f"{machine['cpu_count']} cores, so absolute numbers are low and noisy; "
                      "ratios between interleaved configurations suffer less."]
    if results.get("not_registered"):
        lines += ["", "Not registered (skipped): " + ", ".join(
            f"`{n}`" for n in results["not_registered"]) + "."]
    return "\n".join(lines)


def _quality_seeds(results):
    """Seeds per preset, counted from the quality runs in the results ("0" if none)."""
    counts = {len(e["quality"]["runs"]) for e in results["presets"].values() if e.get("quality")}
    return ", ".join(str(n) for n in sorted(counts)) or "0"


def _quality_source_line(source):
    """Where a merged-in quality run came from: presets, command, time, commit, load."""
    presets = ", ".join(f"`{n}`" for n in source["presets"])
    load = ", ".join(f"{v:.2f}" for v in source["loadavg_start"])
    line = (f"Quality against training time for {presets}: `{source['command']}` from "
            f"{source['started']} to {source['finished']} (git `{source.get('git_commit')}`, "
            f"load average at start {load}).")
    if source["loadavg_start"][0] >= LOAD_IDLE:
        line += (" **Not idle**: other jobs shared the cores, so these runs saw fewer images "
                 "than an idle machine gives.")
    return line


def _headline_latency(export):
    """`(function, keras ms, tflite float32 ms)` of the model's main serving function."""
    rows = export.get("rows", []) if isinstance(export, dict) else []
    functions = {r["function"] for r in rows}
    for name in HEADLINE_FUNCTIONS:
        if name in functions:
            pick = {(r["format"], r["quantize"]): r["latency_ms"] for r in rows
                    if r["function"] == name}
            return name, pick.get(("keras", "float32")), pick.get(("tflite", "float32"))
    return None, None, None


def _last_quality(entry):
    summary = entry.get("quality", {}).get("summary", {})
    metric = entry.get("headline_metric")
    if not summary or not metric:
        return "-"
    last = list(summary)[-1]
    value = summary[last].get(metric, {}).get("median")
    return f"{metric} {_num(value, 1)} after {int(float(last))} s" if value is not None else "-"


def _default_settings(row):
    """"XLA off, spe 8" for a throughput row ("-" when it is missing)."""
    if "jit_compile" not in row:
        return "-"
    return f"XLA {'on' if row['jit_compile'] else 'off'}, spe {row['steps_per_execution']}"


def summary(results):
    """One row per preset: the headline numbers."""
    rows = []
    for name, entry in results["presets"].items():
        train = entry.get("train", {})
        default = _throughput_rows(entry).get("default", {})
        flops = train.get("flops", {}).get(str(entry["batch_size"]), {})
        recommended = [c["label"] for c in entry.get("settings_comparison", [])
                       if c["recommended"]]
        function, keras_ms, tflite_ms = _headline_latency(entry.get("export", {}))
        rows.append([
            f"`{name}`", entry["family"], entry["batch_size"],
            _num(default.get("images_per_second")),
            _num(flops.get("total", 0) / 1e9, 3) if flops else "-",
            _num((default.get("flops_per_second") or 0) / 1e9, 1)
            if default.get("flops_per_second") else "-",
            f"{default['utilization']:.1%}" if default.get("utilization") else "-",
            _default_settings(default),
            ", ".join(recommended) or "default",
            _num(train.get("rss_after_default_mb")),
            f"{function}: {_num(keras_ms, 2)} / {_num(tflite_ms, 2)}" if function else "-",
            _last_quality(entry),
        ])
    return "## Summary\n\n" + _table(
        ["preset", "family", "batch", "images/s", "GFLOP/step", "GFLOP/s", "utilization",
         "default settings", "faster than default", "peak RSS MB (train)",
         "latency ms Keras / TFLite f32",
         "quality"], rows)


def recommendations(results):
    """The settings measured faster than the default, per preset and per family."""
    rows, by_family = [], {}
    for name, entry in results["presets"].items():
        for c in entry.get("settings_comparison", []):
            by_family.setdefault((entry["family"], c["label"]), []).append(
                (name, c["recommended"], c["speedup"]))
            rows.append([f"`{name}`", entry["family"], c["label"],
                         _num(c["default_images_per_second"]), _num(c["images_per_second"]),
                         f"{c['speedup']:.2f}x", f"{c['rounds_won']}/{c['rounds']}",
                         "**yes**" if c["recommended"] else "no"])
    family_rows = []
    for (family, label), found in sorted(by_family.items()):
        winners = [n for n, ok, _ in found if ok]
        if not winners:
            continue
        names = ", ".join(f"`{n}`" for n in winners)
        verdict = (f"change the default of every measured preset ({names})"
                   if len(winners) == len(found) else f"change the default of {names} only")
        family_rows.append([family, label, ", ".join(f"{s:.2f}x" for _, _, s in found), verdict])
    text = ["## Recommended defaults", "",
            "A setting is recommended when it is >= 5% faster than the default (median) and "
            "won >= 80% of the paired rounds.", ""]
    if family_rows:
        text += [_table(["family", "setting", "speedups of its presets", "recommendation"],
                        family_rows), ""]
    else:
        text += ["No non-default setting was measured faster: keep the defaults.", ""]
    text += ["All comparisons (preset batch size, one setting changed):", "",
             _table(["preset", "family", "setting", "default img/s", "setting img/s",
                     "speedup", "rounds won", "recommended"], rows)]
    return "\n".join(text)


def throughput(results):
    """Images/s, FLOPs and utilization for every batch size."""
    text = ["## Training throughput by batch size", "",
            "Default settings; median (min-max) images/s over the rounds.", ""]
    rows = []
    for name, entry in results["presets"].items():
        train = entry.get("train", {})
        if "error" in train:
            rows.append([f"`{name}`", "-", f"error: {train['error'][:200]}", "", "", "", ""])
            continue
        sweep = [r for r in train.get("throughput", [])
                 if r["label"] == "default" or r["label"].startswith("batch ")]
        for r in sorted(sweep, key=lambda r: r["batch_size"]):
            flops = train["flops"].get(str(r["batch_size"]), {})
            samples = r["samples"]
            rows.append([
                f"`{name}`", r["batch_size"] if r["label"] != "default"
                else f"**{r['batch_size']}** (preset)",
                f"{_num(r['images_per_second'])} ({_num(min(samples))}-{_num(max(samples))})",
                _num(flops.get("total", 0) / 1e9, 3),
                _num(flops.get("total", 0) / r["batch_size"] / 1e6, 2),
                _num((r.get("flops_per_second") or 0) / 1e9, 1),
                f"{r['utilization']:.1%}" if r.get("utilization") else "-"])
    text.append(_table(["preset", "batch", "images/s", "GFLOP/step", "MFLOP/image",
                        "GFLOP/s", "utilization"], rows))
    return "\n".join(text)


def settings_table(results):
    """Every configuration at the preset batch size."""
    rows = []
    for name, entry in results["presets"].items():
        train = entry.get("train", {})
        base = entry["batch_size"]
        default = _throughput_rows(entry).get("default", {}).get("images_per_second")
        for r in train.get("throughput", []):
            if r["batch_size"] != base:
                continue
            ratio = r["images_per_second"] / default if default else None
            rows.append([f"`{name}`", r["label"], "on" if r["jit_compile"] else "off",
                         r["steps_per_execution"], r["pipeline"],
                         _num(r["images_per_second"]), f"{ratio:.2f}" if ratio else "-",
                         _num(r.get("trace_seconds"), 1)])
        for label, error in train.get("errors", {}).items():
            rows.append([f"`{name}`", label, "", "", "", f"failed: {error[:150]}", "", ""])
    return "\n".join([
        "## XLA, steps_per_execution and the input pipeline", "",
        "Preset batch size. `tfdata`: cache + prefetch (the `kg.data` default); "
        "`tfdata_nocache`, `tfdata_noprefetch`, `tfdata_plain` (neither); `numpy`: arrays "
        "to `fit`. First-call seconds: tracing (and XLA compilation) plus the first block.", "",
        _table(["preset", "config", "XLA", "steps/execution", "pipeline", "images/s",
                "vs default", "first call s"], rows)])


def flops_table(results):
    """FLOPs per step split by kind, the largest op types, the profiler cross-check."""
    rows = []
    for name, entry in results["presets"].items():
        train = entry.get("train", {})
        flops = train.get("flops", {}).get(str(entry["batch_size"]))
        if not flops:
            continue
        top = ", ".join(f"{k} {v / flops['total']:.0%}"
                        for k, v in list(flops["by_type"].items())[:4])
        profiler = train.get("profiler_flops")
        rows.append([f"`{name}`", entry["batch_size"], _num(flops["total"] / 1e9, 3),
                     f"{flops['matmul_conv'] / flops['total']:.1%}", top,
                     _num(profiler["total"] / 1e9, 3) if isinstance(profiler, dict) else "-",
                     "; ".join(flops.get("notes", [])) or "-"])
    return "\n".join(["## FLOPs per training step", "",
                      "Counted from the traced graph of one `train_step` (see Methods).", "",
                      _table(["preset", "batch", "GFLOP/step", "matmul+conv share",
                              "largest op types", "v1 profiler GFLOP (top level only)",
                              "notes"], rows)])


def memory_table(results):
    """Peak resident memory of each job."""
    rows = []
    for name, entry in results["presets"].items():
        train, export = entry.get("train", {}), entry.get("export", {})
        quality = [r.get("rss_peak_mb") for r in entry.get("quality", {}).get("runs", [])
                   if r.get("rss_peak_mb")]
        rows.append([f"`{name}`", _num(train.get("rss_after_import_mb")),
                     _num(train.get("rss_after_default_mb")), _num(train.get("rss_peak_mb")),
                     _num(export.get("rss_peak_mb")), _num(max(quality)) if quality else "-"])
    return "\n".join(["## Peak memory (MB, `ru_maxrss`)", "",
                      "`train` job: after imports / after the default configuration's "
                      "training at the preset batch size / at the end (all configurations "
                      "alive). `export` and `quality` jobs: their peak.", "",
                      _table(["preset", "after imports", "training (preset batch)",
                              "train job peak", "export job peak", "quality job peak"],
                             rows)])


def latency_table(results):
    """Latency per call of every serving function in every format."""
    rows, errors = [], []
    columns = [("keras", "float32"), ("saved_model", "float32"), ("tflite", "float32"),
               ("tflite", "float16"), ("tflite", "int8")]
    for name, entry in results["presets"].items():
        export = entry.get("export", {})
        if "error" in export:
            errors.append(f"- `{name}`: export job failed: {export['error'][:300]}")
            continue
        by_function = {}
        for r in export.get("rows", []):
            by_function.setdefault(r["function"], {})[(r["format"], r["quantize"])] = r
        for function, cells in sorted(by_function.items()):
            rows.append([f"`{name}`", function] + [
                _num(cells[c]["latency_ms"], 3) if c in cells else "-" for c in columns])
        for quantize, error in export.get("errors", {}).items():
            errors.append(f"- `{name}` {quantize}: {error}")
    text = ["## Inference latency (ms per call, batch 1)", "",
            _table(["preset", "function", "Keras (tf.function)", "SavedModel", "TFLite float32",
                    "TFLite float16", "TFLite int8"], rows)]
    if errors:
        text += ["", "Not measured:", ""] + errors
    return "\n".join(text)


def quality_table(results):
    """The headline metric (median over seeds) at each training-time checkpoint."""
    rows = []
    for name, entry in results["presets"].items():
        quality = entry.get("quality")
        if not quality:
            continue
        metric = entry["headline_metric"]
        failed = [r["error"] for r in quality["runs"] if "error" in r]
        for seconds, metrics in quality["summary"].items():
            values = metrics.get(metric, {})
            rows.append([f"`{name}`", metric, int(float(seconds)),
                         _num(values.get("median"), 2),
                         ", ".join(_num(v, 2) for v in values.get("values", [])),
                         _num(metrics.get("images", {}).get("median"))])
        if failed:
            rows.append([f"`{name}`", metric, "-", f"{len(failed)} run(s) failed",
                         failed[0][:200], "-"])
    return "\n".join(["## Quality against training time", "",
                      "Lower is better for both metrics. Median over seeds (values per "
                      "seed listed); images = steps x batch size (approximate: a numpy "
                      "epoch ends with one partial batch).", "",
                      _table(["preset", "metric", "training s", "median", "per seed",
                              "images seen"], rows)])


def profiling_section(results):
    """The profile workers' measurements and what they mean."""
    rows = []
    for name, prof in results.get("profile", {}).items():
        if "error" in prof:
            rows.append([f"`{name}`", f"failed: {prof['error'][:200]}"] + [""] * 9)
            continue
        traces, overhead, graph = prof["traces"], prof["overhead"], prof["graph"]
        pyspy = prof.get("pyspy", {})
        rows.append([
            f"`{name}`", prof["batch_size"],
            " / ".join("+".join(str(n) for n in traces[case]["per_fit"])
                       for case in ("tfdata", "numpy", "tfdata_prebuilt")),
            " / ".join(_num(traces[case]["first_fit_seconds"], 1)
                       for case in ("tfdata", "tfdata_prebuilt")),
            _num(overhead["fit_seconds"] * 1e3, 2), _num(overhead["bare_seconds"] * 1e3, 2),
            f"{overhead['overhead_fraction']:.1%}",
            " / ".join(f"{pyspy.get(k, 0):.0%}" for k in ("executor", "step_python",
                                                           "fit_loop_python", "other_python"))
            + f" ({pyspy['samples']})" if pyspy.get("samples") else pyspy.get("note", "-"),
            ", ".join(f"{k} x{v}" for k, v in graph["casts"].items()) or "none",
            len(graph["float_tensor_casts"]),
            ", ".join(f"{k}: {v}" for k, v in graph["devices"].items())])
    text = ["## Profiling the hot train step", "",
            "`profile` job (see Methods): traces of `train_step` in each of 3 `fit` calls "
            "(with the optimizer built before the first fit in the last case) and the "
            "seconds of the first call (tracing included); ms per "
            "step of `fit` (tf.data) and of the same compiled step in a bare Python loop on "
            "one fixed batch; py-spy samples (Python frames, 50/s, idle included) of "
            "about 20 s of `fit` blocks, by where the main thread was: inside TensorFlow's "
            "executor (`quick_execute`), Python inside Keras' train-function call "
            "(iterator optionals, nest flattening), Python in Keras' `fit` loop (callbacks, "
            "logs, per-`fit` setup), other Python around `fit`; the step graph's casts and "
            "op placement.", ""]
    if rows:
        text.append(_table(["preset", "batch", "traces per fit: tf.data / numpy / "
                            "optimizer prebuilt", "first fit s: default / prebuilt",
                            "fit ms/step",
                            "bare step ms/step", "fit overhead", "py-spy: executor / step "
                            "Python / fit loop / other (samples)", "casts in step",
                            "float tensor casts",
                            "op devices"], rows))
    text += ["", "Findings (from the table above):", ""] + profiling_findings(results)
    text += ["", PROFILING_NOTES]
    return "\n".join(text)


def profiling_findings(results):
    """One bullet per finding, computed from this run's profile jobs."""
    profiles = {n: p for n, p in results.get("profile", {}).items() if "error" not in p}
    if not profiles:
        return ["- No profile job ran."]
    bullets = []
    for name, prof in profiles.items():
        retraced = {case: t["per_fit"] for case, t in prof["traces"].items()
                    if any(n > 0 for n in t["per_fit"][1:]) or t["per_fit"][0] > 1}
        overhead = prof["overhead"]
        graph = prof["graph"]
        pyspy = prof.get("pyspy", {})
        parts = [("`train_step` is traced once, in the first `fit`, and reused by later "
                  "calls with tf.data and numpy input alike (no retracing)") if not retraced
                 else "retraced: " + ", ".join(f"{c} {'+'.join(map(str, v))}"
                                               for c, v in retraced.items())]
        parts.append(f"`fit` takes {overhead['fit_seconds'] * 1e3:.2f} ms per step against "
                     f"{overhead['bare_seconds'] * 1e3:.2f} ms for the bare compiled step "
                     f"({overhead['overhead_fraction']:.1%} overhead)")
        if pyspy.get("samples"):
            parts.append(f"the main thread waits in TensorFlow's executor for "
                         f"{pyspy.get('executor', 0):.0%} of the samples and runs Python of "
                         f"the step call and the fit loop for "
                         f"{pyspy.get('step_python', 0) + pyspy.get('fit_loop_python', 0):.0%}")
        float_casts = len(graph["float_tensor_casts"])
        parts.append("no float tensor is cast (the casts are integer and boolean counters)"
                     if float_casts == 0 else f"{float_casts} float tensors are cast")
        placed = [d for d in graph["devices"] if not d.startswith("(unplaced")]
        parts.append("every op runs on the one default device, so no host-device copies"
                     if not placed else "ops are placed on " + ", ".join(placed))
        bullets.append(f"- `{name}`: " + "; ".join(parts) + ".")
    return bullets


EXTRA_SECTIONS = Path(__file__).resolve().parents[1] / "docs" / "results" / "bench_extra"


def extra_sections(folder=EXTRA_SECTIONS):
    """Sections written by the smaller measuring tools (`tools/first_step.py`, ...)."""
    return [path.read_text().strip() for path in sorted(Path(folder).glob("*.md"))]


def write_extra_section(name, text):
    """Write the section `<name>.md` of a smaller tool, then re-render BENCHMARKS.md.

    BENCHMARKS.md is rendered from the bench's BENCHMARKS.json (kept as it is)
    with every section of `docs/results/bench_extra/`; both written atomically.
    """
    import json

    from keras_gen.core import safe_io

    root = EXTRA_SECTIONS.parents[2]
    safe_io.write_text_atomic(EXTRA_SECTIONS / f"{name}.md", text)
    results = json.loads((root / "BENCHMARKS.json").read_text())
    safe_io.write_text_atomic(root / "BENCHMARKS.md", render(results))


def render(results):
    """The whole `BENCHMARKS.md` text: the bench's tables, then the smaller tools' sections."""
    sections = [header(results), summary(results), recommendations(results),
                throughput(results), settings_table(results), flops_table(results),
                memory_table(results), latency_table(results), quality_table(results),
                profiling_section(results), *extra_sections(), METHODS]
    return "\n\n".join(sections) + "\n"
