"""Cost of `fit`'s input check: seconds per epoch with and without it, side by side.

    python tools/input_check_overhead.py                  # 3 presets, 2 forms, 8 rounds
    python tools/input_check_overhead.py --presets dcgan_mnist_28 --rounds 3

For each preset (its recipe's batch size, compile settings and steps per
execution) and input form (`numpy` arrays; a batched `tf.data.Dataset`), one
model is fitted for 2 epochs of `--images` MNIST digits alternately through
`GenerativeModel.fit` (checked: spec/shape before the first step, the values of
every batch) and through `keras.Model.fit` on the same model (unchecked), after
a warm-up fit of each so tracing is not counted. Epoch 2 gives the
steady cost per epoch (a dataset's per-batch check runs in every epoch); the
time from the call to the first epoch gives the start-up cost. The rounds
alternate the order, so drift of the machine hits both sides alike. For a
dataset, the check's own CPU cost per batch is also measured by reading the
pipeline alone with and without it. The
machine's float32 matmul peak and load are recorded beside the figures.

Writes `docs/results/input_checks.json` and the section
`docs/results/bench_extra/input_checks.md` of BENCHMARKS.md, then re-renders it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

PRESETS = ("conv_ae_mnist_28", "vae_mnist_28", "dcgan_mnist_28")
FORMS = ("numpy", "dataset")
RESULTS = REPO / "docs" / "results" / "input_checks.json"


def _inputs(form, x, batch_size):
    import tensorflow as tf

    if form == "numpy":
        return x, {"batch_size": batch_size, "shuffle": False}
    return tf.data.Dataset.from_tensor_slices(x).batch(batch_size).prefetch(2), {}


class _Clock:
    """`keras.callbacks.Callback` factory: epoch start/end times of one `fit`."""

    def __new__(cls):
        import keras

        class Clock(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.begins, self.ends = [], []

            def on_epoch_begin(self, epoch, logs=None):
                self.begins.append(time.perf_counter())

            def on_epoch_end(self, epoch, logs=None):
                self.ends.append(time.perf_counter())

        return Clock()


def _timed_fit(fit, model, form, x, batch_size, epochs):
    """`(start-up s, steady s per epoch)`: call to first epoch, then epochs 2.. on average."""
    data, kwargs = _inputs(form, x, batch_size)
    clock = _Clock()
    start = time.perf_counter()
    fit(model, data, epochs=epochs, verbose=0, callbacks=[clock], **kwargs)
    steady = [end - begin for begin, end in zip(clock.begins[1:], clock.ends[1:])]
    return clock.begins[0] - start, sum(steady) / len(steady)


def measure(name, form, x, rounds, epochs=2):
    """Start-up and steady per-epoch seconds, checked and unchecked, and the overheads.

    The steady overhead compares the fastest round of each side (noise on a
    shared machine only ever adds time); the start-up cost is the median of
    the per-round differences.
    """
    import keras

    import keras_gen as kg

    spec = kg.zoo.get(name)
    keras.utils.set_random_seed(0)
    model = spec.build(seed=0)
    model.compile(**spec.compile)
    batch_size = spec.fit.get("batch_size", 64)
    checked = type(model).fit  # GenerativeModel.fit: the input check, then Keras' fit
    unchecked = keras.Model.fit
    for fit in (checked, unchecked):  # warm-up: trace and compile both paths
        _timed_fit(fit, model, form, x, batch_size, 2)
    times = {"checked": [], "unchecked": []}
    for round_ in range(rounds):
        order = [("checked", checked), ("unchecked", unchecked)]
        for key, fit in (order if round_ % 2 == 0 else order[::-1]):
            times[key].append(_timed_fit(fit, model, form, x, batch_size, epochs))
    steady = {k: [round(s, 4) for _, s in v] for k, v in times.items()}
    pipeline = _pipeline_ms(model, x, batch_size, rounds) if form == "dataset" else None
    startup_ms = [1000 * (c[0] - u[0]) for c, u in zip(times["checked"], times["unchecked"])]
    return {"checked_epoch_s": steady["checked"], "unchecked_epoch_s": steady["unchecked"],
            "batch_size": batch_size, "images": len(x), "epochs_per_fit": epochs,
            "steps_per_epoch": -(-len(x) // batch_size),
            "overhead_pct": round(100 * (min(steady["checked"]) / min(steady["unchecked"])
                                         - 1), 2),
            "startup_ms": round(statistics.median(startup_ms), 1),
            "check_ms_per_batch": pipeline,
            "check_pct_of_step": None if pipeline is None else round(
                100 * pipeline / (1000 * min(steady["unchecked"]) / -(-len(x) // batch_size)),
                2)}


def _pipeline_ms(model, x, batch_size, rounds):
    """CPU milliseconds per batch the dataset's value check adds: the whole pipeline read
    with and without it (no model step), fastest of `rounds` reads each."""
    from keras_gen.data import fit_input

    base = _inputs("dataset", x, batch_size)[0]
    checked = fit_input.check_fit_input(base, model.expected_input_shape(), what="bench")
    batches = 200  # read in a row, so starting an iterator is not what is timed
    best = {"checked": float("inf"), "plain": float("inf")}
    for _ in range(rounds):
        for key, dataset in (("checked", checked), ("plain", base)):
            iterator = iter(dataset.repeat().take(batches + 1))
            next(iterator)
            start = time.perf_counter()
            for _batch in iterator:
                pass
            best[key] = min(best[key], time.perf_counter() - start)
    return round(1000 * (best["checked"] - best["plain"]) / batches, 3)


def section(run):
    lines = ["## Input checks", "",
             "`fit` with the input check (`GenerativeModel.fit`) against `keras.Model.fit` on "
             f"the same model, {run['images']} MNIST digits, the preset's batch size, "
             f"{run['rounds']} alternating rounds after a warm-up fit of each "
             "(`python tools/input_check_overhead.py`; method in its docstring). *Epoch*: "
             "seconds per epoch from the second epoch of a fit on (the per-batch value "
             "check of a dataset runs there), fastest round; *overhead* is their ratio, "
             "negative values are noise. *Start-up*: extra milliseconds from the `fit` call "
             "to the first epoch (shape check, the numpy array's one value check, the "
             "dataset's first batch read for its scale), median over rounds. *Check per "
             "batch*: CPU milliseconds the dataset's value check adds per batch, from "
             "reading the pipeline alone with and without it (fastest read of each), and "
             "that as a share of the step (unchecked epoch / steps). The fit columns move "
             "with the machine's noise (on a shared 2-core VM the same epoch varies up to "
             "2x); the per-batch column is the check's own cost.", "",
             "| preset | input | batch | steps/epoch | checked epoch s | unchecked epoch s | "
             "overhead | start-up ms | check per batch |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in run["rows"]:
        lines.append(f"| `{row['preset']}` | {row['form']} | {row['batch_size']} | "
                     f"{row['steps_per_epoch']} | {min(row['checked_epoch_s']):.3f} | "
                     f"{min(row['unchecked_epoch_s']):.3f} | {row['overhead_pct']:+.1f}% | "
                     f"{row['startup_ms']:+.0f} | " + (
                         "-" if row["check_ms_per_batch"] is None else
                         f"{row['check_ms_per_batch']:.2f} ms = "
                         f"{row['check_pct_of_step']:.1f}% of a step") + " |")
    lines += ["", f"Commit `{run['git_commit']}`, matmul peak {run['matmul_gflops']:.0f} "
                  f"GFLOP/s, load {run['loadavg']:.1f} at the start, {run['cpus']} cores."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", nargs="*", default=list(PRESETS))
    parser.add_argument("--forms", nargs="*", default=list(FORMS), choices=FORMS)
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    import bench
    import bench_flops
    import bench_report

    import keras_gen as kg
    from keras_gen.core import safe_io

    peak = bench_flops.matmul_peak()["flops_per_second"] / 1e9
    x, _ = kg.data.load_arrays("mnist", "train")
    x = x[:args.images]
    run = {"git_commit": bench.git_commit(), "matmul_gflops": peak,
           "loadavg": os.getloadavg()[0], "cpus": os.cpu_count(), "images": len(x),
           "rounds": args.rounds, "rows": []}
    for name in args.presets:
        for form in args.forms:
            print(f"{name}, {form}: {args.rounds} rounds of checked and unchecked epochs...",
                  flush=True)
            row = {"preset": name, "form": form, **measure(name, form, x, args.rounds)}
            print(f"  overhead {row['overhead_pct']:+.2f}%", flush=True)
            run["rows"].append(row)
    safe_io.write_text_atomic(RESULTS, json.dumps(run, indent=1))
    bench_report.write_extra_section("input_checks", section(run))
    print(f"wrote {RESULTS.relative_to(REPO)}, docs/results/bench_extra/input_checks.md "
          "and BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
