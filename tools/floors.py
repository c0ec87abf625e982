"""Measure presets against their quality floors: train by the recipe, evaluate, check.

    python tools/floors.py vae_mnist_28 ae_mnist_28     # named presets
    python tools/floors.py --all                         # every preset that declares a floor
    python tools/floors.py --list                        # the floors, without training
    python tools/floors.py dcgan --quick --out /tmp/f    # smoke run: 1 epoch, no verdict

A preset's floor is data in its spec (`PresetSpec.floor`: bounds on its
`evaluate` metrics and a training-time bound; see keras_gen/core/registry.py);
`keras_gen.training.floors` is the runner. Each run trains a fresh model by
the recipe on the preset's training split (the 4,000 MNIST training digits for
the shipped presets), measures it on the test split and writes
`<out>/results/floors/<preset>.json` and `<out>/images/floors/<preset>.png`
(default `<out>`: docs). `--save-preset DIR` also keeps each trained model as a
preset folder `DIR/<preset>` (adopt it into the catalogue with
`python tools/train_zoo.py NAME --compact --source DIR/NAME`). Exits with
status 1 when a floor fails (never with --quick).

A floor's time bound is wall-clock time on the reference machine (2 cores,
`REFERENCE_PEAK_GFLOPS` in keras_gen/training/floors.py); the float32 matmul
peak is measured first and a slower machine gets a proportionally longer bound.
The recipes count images, so a busy or slow machine trains the same model,
only later; the report records the peak and the load.
"""

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help="preset names or aliases")
    parser.add_argument("--all", action="store_true", help="every preset with a floor")
    parser.add_argument("--list", action="store_true", help="print the floors and exit")
    parser.add_argument("--quick", action="store_true",
                        help="1 epoch on a few examples: checks the runner, not the floor")
    parser.add_argument("--seed", type=int, default=0, help="global seed (default 0)")
    parser.add_argument("--out", default="docs", help="folder for results/ and images/")
    parser.add_argument("--save-preset", help="also save each trained model as DIR/<preset>")
    parser.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2),
                        help="Keras fit verbosity (default 2: a line per epoch)")
    return parser


def describe(spec):
    """One line per floor: its bounds and time bound."""
    floor = spec.floor
    parts = [bound.describe() for bound in floor.bounds]
    if floor.minutes is not None:
        parts.append(f"training <= {floor.minutes:g} min")
    return f"{spec.name}: " + ", ".join(parts) + (f"  ({floor.doc})" if floor.doc else "")


def write_json(path, report):
    """Write `report` to `path` atomically (a temp file, then rename)."""
    from keras_gen.core import safe_io

    path.parent.mkdir(parents=True, exist_ok=True)
    with safe_io.atomic_path(path) as temporary:
        Path(temporary).write_text(json.dumps(report, indent=2) + "\n")


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    import keras_gen as kg
    from keras_gen import training
    from keras_gen.training import floors

    with_floor = [spec for spec in kg.zoo.specs() if spec.floor is not None]
    if args.list:
        print("\n".join(describe(spec) for spec in with_floor))
        return 0
    if args.all == bool(args.names):
        parser.error("give preset NAMEs or --all (not both).")
    try:
        specs = with_floor if args.all else [kg.zoo.get(name) for name in args.names]
    except KeyError as error:
        print(f"floors: error: {error.args[0]}", file=sys.stderr)
        return 2
    missing = [spec.name for spec in specs if spec.floor is None]
    if missing:
        parser.error(f"no floor declared for {', '.join(missing)}; presets with one: "
                     f"{', '.join(s.name for s in with_floor)}.")
    out = Path(args.out)
    command = "python tools/floors.py " + " ".join(shlex.quote(a) for a in argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_flops

    peak = bench_flops.matmul_peak()["flops_per_second"] / 1e9
    print(f"float32 matmul peak: {peak:.0f} GFLOP/s (time bounds x "
          f"{floors.time_scale(peak):.2f})", flush=True)
    failed = []
    for spec in specs:
        print(f"== floor of {describe(spec)}", flush=True)
        try:
            report, model = floors.run_floor(spec, seed=args.seed, quick=args.quick,
                                             verbose=args.verbose, peak_gflops=peak,
                                             images_dir=out / "images" / "floors")
        except training.NonFiniteError as error:
            print(f"floors: {spec.name}: {error}", file=sys.stderr)
            failed.append(spec.name)
            continue
        report["command"] = command
        write_json(out / "results" / "floors" / f"{spec.name}.json", report)
        for row in report["floors"]:
            print(f"  {row['floor']:58s} {row['measured']:10.4f} {row['relation']:>2s} "
                  f"{row['bound']:10.4f}  {'ok' if row['passed'] else 'FAILED'}", flush=True)
        if args.save_preset:
            run_metadata = {"preset": spec.name, "command": command,
                            "metrics": report["metrics"],
                            "training_time_s": report["training_seconds"]}
            kg.zoo.save_preset(model, Path(args.save_preset) / spec.name,
                               metadata=run_metadata, overwrite=True)
        if not report["passed"]:
            failed.append(spec.name)
    if failed and not args.quick:
        print(f"floors: not met: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
