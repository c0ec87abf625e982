"""Cost of `fit`'s input check: seconds per epoch with and without it, side by side.

    python tools/input_check_overhead.py                  # 3 presets, 2 forms, 5 rounds
    python tools/input_check_overhead.py --presets dcgan_mnist_28 --rounds 3

For each preset (its recipe's batch size, compile settings and steps per
execution) and input form (`numpy` arrays; a batched `tf.data.Dataset`), one
model is fitted for one epoch of `--images` MNIST digits alternately through
`GenerativeModel.fit` (checked: spec/shape before the first step, the values of
every batch) and through `keras.Model.fit` on the same model (unchecked), after
one warm-up epoch of each so tracing is not counted. The rounds alternate the
order, so drift of the machine hits both sides alike; the overhead is the
median of the per-round ratios. The machine's float32 matmul peak and load are
recorded beside the figures.

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


def _epoch_seconds(fit, model, form, x, batch_size):
    data, kwargs = _inputs(form, x, batch_size)
    start = time.perf_counter()
    fit(model, data, epochs=1, verbose=0, **kwargs)
    return time.perf_counter() - start


def measure(name, form, x, rounds):
    """`{"checked_s": [...], "unchecked_s": [...], "overhead_pct": median ratio - 1}`."""
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
        _epoch_seconds(fit, model, form, x, batch_size)
    times = {"checked_s": [], "unchecked_s": []}
    for round_ in range(rounds):
        order = [("checked_s", checked), ("unchecked_s", unchecked)]
        for key, fit in (order if round_ % 2 == 0 else order[::-1]):
            times[key].append(round(_epoch_seconds(fit, model, form, x, batch_size), 4))
    ratios = [c / u for c, u in zip(times["checked_s"], times["unchecked_s"])]
    return {**times, "batch_size": batch_size, "images": len(x),
            "overhead_pct": round(100 * (statistics.median(ratios) - 1), 2)}


def section(run):
    lines = ["## Input checks", "",
             "Seconds per epoch of `fit` with the input check (`GenerativeModel.fit`) and "
             "without it (`keras.Model.fit` on the same model), "
             f"{run['images']} MNIST digits, the preset's batch size, median of "
             f"{run['rounds']} alternating rounds after a warm-up epoch of each "
             "(`python tools/input_check_overhead.py`; method in its docstring). The overhead "
             "is the median of the per-round ratios; a negative value is noise.", "",
             "| preset | input | batch | checked s | unchecked s | overhead |",
             "|---|---|---:|---:|---:|---:|"]
    for row in run["rows"]:
        lines.append(f"| `{row['preset']}` | {row['form']} | {row['batch_size']} | "
                     f"{statistics.median(row['checked_s']):.3f} | "
                     f"{statistics.median(row['unchecked_s']):.3f} | "
                     f"{row['overhead_pct']:+.1f}% |")
    lines += ["", f"Commit `{run['git_commit']}`, matmul peak {run['matmul_gflops']:.0f} "
                  f"GFLOP/s, load {run['loadavg']:.1f} at the start, {run['cpus']} cores."]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", nargs="*", default=list(PRESETS))
    parser.add_argument("--forms", nargs="*", default=list(FORMS), choices=FORMS)
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    import bench
    import bench_flops
    import bench_report

    import keras_gen as kg
    from keras_gen import _io

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
    _io.write_text_atomic(RESULTS, json.dumps(run, indent=1))
    bench_report.write_extra_section("input_checks", section(run))
    print(f"wrote {RESULTS.relative_to(REPO)}, docs/results/bench_extra/input_checks.md "
          "and BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
