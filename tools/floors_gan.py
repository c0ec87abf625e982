"""Quality floor of issue #6: DCGAN from scratch on the 4,000 training digits.

    python tools/floors_gan.py                      # floor run + comparison table
    python tools/floors_gan.py --skip-comparison    # only the floor run
    python tools/floors_gan.py --variants replay hinge --compare-epochs 10
    python tools/floors_gan.py --skip-floor --variants replay   # redo rows, keep the rest

The floor run trains the `dcgan_mnist_28` preset (its config, compile settings
and batch size) for at most `--minutes` of wall-clock time (and at most the
recipe's epochs), then measures, on 1,000 samples drawn with seed 0:

- Frechet distance in the shipped digit classifier's feature space against
  the 1,000 fixed test digits (floor: < 20);
- mode coverage: digit classes holding at least 2% of the samples (floor: >= 9).

The comparison rows retrain the same preset with one change each (experience
replay, each minibatch layer, each loss) for `--compare-epochs` epochs each (a
fixed amount of training rather than of time, because the machine is shared
and its speed varies), plus a baseline row with the same number of epochs, so
the rows compare like with like.
Results go to `docs/results/gan.json`; sample grids to `docs/images/`.
"""

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
PRESET = "dcgan_mnist_28"
FLOOR_FD = 20.0
FLOOR_CLASSES = 9
SAMPLES = 1000

# name -> (constructor overrides, compile overrides, what it is)
VARIANTS = {
    "baseline": ({}, {}, "the preset as it is"),
    "replay": ({"replay": {"capacity": 2048, "ratio": 0.5}}, {},
               "experience replay: half the fake half from a 2,048-image buffer"),
    "replay_light": ({"replay": {"capacity": 256, "ratio": 0.25}}, {},
                     "experience replay: a quarter of the fake half from a 256-image buffer"),
    "minibatch_stddev": ({"minibatch": "stddev"}, {}, "MinibatchStdDev(4) before the logit"),
    "minibatch_discrimination": ({"minibatch": "discrimination"}, {},
                                 "MinibatchDiscrimination(32, 8) before the logit"),
    "minimax": ({}, {"loss": "minimax"}, "original minimax generator loss"),
    "least_squares": ({}, {"loss": "least_squares"}, "LSGAN"),
    "hinge": ({}, {"loss": "hinge"}, "hinge loss"),
    "wasserstein_gp": ({"discriminator_norm": "layer"},
                       {"loss": "wasserstein", "gradient_penalty": 10.0},
                       "WGAN-GP (lambda 10), layer norm instead of batch norm in the critic"),
}


def measure(model, x_test):
    """`(samples, metrics)`: the presets' own measurement (`kg.models.gan.evaluation`),
    rounded for the results file."""
    from keras_gen.metrics.generator_quality import image_quality

    fake = model.generate(SAMPLES, seed=0)
    quality = image_quality(x_test, fake)
    return fake, {**quality, "frechet_distance": round(quality["frechet_distance"], 3),
                  "coverage_entropy": round(quality["coverage_entropy"], 4)}


def train_variant(name, x_train, x_test, images_dir, minutes=None, epochs=None, seed=0):
    """Train the preset with variant `name` for at most `minutes` and `epochs`
    (default: the recipe's); returns `(result row, model)`."""
    import keras
    import numpy as np

    import keras_gen as kg

    overrides, compile_overrides, what = VARIANTS[name]
    spec = kg.zoo.get(PRESET)
    keras.utils.set_random_seed(seed)
    model = spec.build(**overrides)
    model.compile(**{**spec.compile, **compile_overrides})
    guard = kg.callbacks.DivergenceGuard(verbose=1)
    callbacks = [guard] if minutes is None else [kg.callbacks.TimeLimit(minutes), guard]
    epochs = epochs or spec.fit.get("epochs", 100)
    batch_size = spec.fit.get("batch_size", 64)
    budget = "no time limit" if minutes is None else f"at most {minutes:g} min"
    print(f"== {name}: {what}; {model.count_params():,} parameters; {budget}, "
          f"at most {epochs} epochs of {len(x_train)} digits, batch {batch_size}", flush=True)
    start = time.perf_counter()
    history = model.fit(x_train, epochs=epochs, batch_size=batch_size, verbose=2,
                        callbacks=callbacks)
    seconds = time.perf_counter() - start
    steps = int(model.g_optimizer.iterations.numpy())
    fake, metrics = measure(model, x_test)
    logs = {k: round(float(np.asarray(v[-1])), 4) for k, v in history.history.items() if len(v)}
    image = images_dir / f"gan_{name}.png"
    kg.plot.save_grid(fake[:64], image, scale=2)
    row = {"variant": name, "what": what, "overrides": overrides,
           "compile": compile_overrides, "minutes_budget": minutes, "epochs_budget": epochs,
           "training_seconds": round(seconds, 1), "epochs": len(history.epoch),
           "generator_steps": steps, "diverged": bool(guard.diverged),
           "final_logs": logs, **metrics, "samples_png": _shown(image),
           "load_average_after": [round(v, 2) for v in os.getloadavg()]}
    print(f"== {name}: FD {metrics['frechet_distance']:.2f}, {metrics['classes_covered']} "
          f"classes, {len(history.epoch)} epochs / {steps} steps in {seconds:.0f} s", flush=True)
    return row, model


def environment():
    import keras
    import tensorflow as tf

    return {"python": platform.python_version(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "cpu_count": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg())}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="wall-clock budget of the floor run (default 10)")
    parser.add_argument("--compare-epochs", type=int, default=10,
                        help="epochs of each comparison row (default 10)")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS),
                        help=f"comparison rows (default all: {' '.join(VARIANTS)})")
    parser.add_argument("--skip-comparison", action="store_true")
    parser.add_argument("--skip-floor", action="store_true",
                        help="keep the floor run (and other rows) of the existing --out file "
                             "and (re)run only the chosen comparison rows")
    parser.add_argument("--note", help="a note stored with the rows run now")
    parser.add_argument("--out", default=str(ROOT / "docs" / "results" / "gan.json"))
    parser.add_argument("--images", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}.")

    import keras_gen as kg

    images_dir = Path(args.images)
    images_dir.mkdir(parents=True, exist_ok=True)
    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, _ = kg.data.load_arrays("mnist", "test")
    command = "python tools/floors_gan.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    if args.skip_floor:
        if not Path(args.out).exists():
            parser.error(f"--skip-floor needs an existing results file, {args.out} is missing.")
        result = json.loads(Path(args.out).read_text(encoding="utf-8"))
        result.setdefault("later_commands", []).append(command)
        row = result["floor"]
    else:
        result = {"issue": 6, "preset": PRESET, "command": command,
                  "environment": environment(), "samples": SAMPLES,
                  "reference": {"train_vs_test_frechet_distance": round(float(
                      kg.metrics.frechet_distance(x_test, x_train[:SAMPLES])), 3)}}
        row, _ = train_variant("baseline", x_train, x_test, images_dir, minutes=args.minutes)
        row["variant"] = "floor"
        os.replace(images_dir / "gan_baseline.png", images_dir / "gan_dcgan_samples.png")
        row["samples_png"] = _shown(images_dir / "gan_dcgan_samples.png")
        row["passes"] = {
            "frechet_distance_below_20": row["frechet_distance"] < FLOOR_FD,
            f"at_least_{FLOOR_CLASSES}_classes": row["classes_covered"] >= FLOOR_CLASSES,
            f"within_{args.minutes:g}_minutes": row["training_seconds"] <= args.minutes * 60 + 10}
        result["floor"] = row
        _write(result, args.out)

    if not args.skip_comparison:
        comparison = result.setdefault("comparison", {"epochs_each": args.compare_epochs,
                                                      "rows": []})
        if comparison["epochs_each"] != args.compare_epochs:
            parser.error(f"the existing rows ran {comparison['epochs_each']} epochs each; "
                         f"use --compare-epochs {comparison['epochs_each']}.")
        for name in args.variants:
            comparison_row, _ = train_variant(name, x_train, x_test, images_dir,
                                              epochs=args.compare_epochs)
            if args.note:
                comparison_row["note"] = args.note
            kept = [r for r in comparison["rows"] if r["variant"] != name]
            order = list(VARIANTS)
            comparison["rows"] = sorted(kept + [comparison_row],
                                        key=lambda r: order.index(r["variant"]))
            _write(result, args.out)
        print(table(comparison["rows"]))
    passed = all(row["passes"].values())
    print(f"floor: FD {row['frechet_distance']:.2f} (< {FLOOR_FD}), {row['classes_covered']} "
          f"classes (>= {FLOOR_CLASSES}) in {row['training_seconds']:.0f} s: "
          f"{'PASS' if passed else 'FAIL'}; wrote {args.out}")
    return 0 if passed else 1


def table(rows):
    """A Markdown table of comparison rows."""
    lines = ["| variant | FD (digits) | classes | entropy | epochs | steps | final d_real_acc / "
             "d_fake_acc |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        logs = r["final_logs"]
        lines.append(f"| {r['variant']} | {r['frechet_distance']:.2f} | {r['classes_covered']} | "
                     f"{r['coverage_entropy']:.3f} | {r['epochs']} | {r['generator_steps']} | "
                     f"{logs.get('d_real_acc', float('nan')):.2f} / "
                     f"{logs.get('d_fake_acc', float('nan')):.2f} |")
    return "\n".join(lines)


def _shown(path):
    """A path relative to the repository when inside it (for the JSON)."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _write(result, path):
    from keras_gen.core import safe_io

    safe_io.write_text_atomic(Path(path), json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
