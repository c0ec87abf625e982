"""Time to first step: seconds from `fit` to the end of its first batch, per family.

    python tools/first_step.py                       # every family, 64x64 RGB
    python tools/first_step.py --only progan_mnist_32 --label before
    git worktree add /tmp/old REV && python tools/first_step.py --source /tmp/old --label old

Each family's headline preset is fitted to 64x64 RGB procedural images
(`kg.data` "shapes"; a progressive GAN with `phase_images=300`, so it starts
at 4x4 like a real run) in a fresh subprocess, so nothing traced by one
measurement helps the next. The time counts from the `fit` call to the first
`on_train_batch_end`: the data adapter, tracing and compiling the train step,
and the first step(s) of its first execution. The machine's float32 matmul
peak is recorded beside the figures (machines differ up to 5x).

Writes `docs/results/first_step.json` (runs with other labels are kept) and
the section `docs/results/bench_extra/first_step.md` of BENCHMARKS.md, then
re-renders BENCHMARKS.md.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

PRESETS = ("ae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows", "vae_mnist_28",
           "conv_vae_mnist_28", "dcgan_mnist_28", "progan_mnist_32", "stylegan_mnist_32")
RESULTS = REPO / "docs" / "results" / "first_step.json"
SECTION = REPO / "docs" / "results" / "bench_extra" / "first_step.md"


def measure(name, resolution, channels, images):
    """One measurement, in this process: `{"seconds_to_first_step", "build_s", ...}`."""
    import keras

    import keras_gen as kg

    start = time.perf_counter()
    spec = kg.zoo.get(name)
    cls = type(spec.build(tiny=True))
    config = _config_for_images(cls, spec.config, (resolution, resolution, channels))
    if "phase_images" in config:
        config["phase_images"] = 300
    keras.utils.set_random_seed(0)
    model = cls(**config)
    model.compile(**spec.compile)
    x, _ = kg.data.load_arrays("shapes", "train", resolution=resolution)
    x = x[:images] if channels == 3 else x[:images].mean(-1, keepdims=True)
    if hasattr(cls, "images_as_input"):
        x = cls.images_as_input(x)
    built = time.perf_counter()
    stamps = []

    class FirstBatch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append(time.perf_counter())
            self.model.stop_training = True

    fit_start = time.perf_counter()
    model.fit(x, epochs=1, batch_size=spec.fit.get("batch_size", 64), verbose=0,
              callbacks=[FirstBatch()])
    return {"seconds_to_first_step": round(stamps[0] - fit_start, 2),
            "import_build_s": round(built - start, 2),
            "parameters": int(model.count_params()), "class": cls.__name__,
            "config": {k: v for k, v in config.items() if isinstance(v, (int, float, str))}}


def _config_for_images(cls, config, shape):
    """`cls.config_for_images`, or its rule for the shape arguments on commits without it."""
    if hasattr(cls, "config_for_images"):
        return cls.config_for_images(config, shape)
    if "resolution" in config:
        stages = shape[0].bit_length() - 2
        filters = list(config["filters"])[:stages]
        return {**config, "resolution": shape[0], "channels": shape[2],
                "filters": filters + filters[-1:] * (stages - len(filters))}
    key = "image_shape" if "image_shape" in config else "input_shape"
    return {**config, key: shape}


def _subprocess(name, args):
    command = [sys.executable, __file__, "--child", name, "--resolution", str(args.resolution),
               "--channels", str(args.channels), "--images", str(args.images)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    if args.source:  # measure another checkout's keras_gen (e.g. a `git worktree` of a commit)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.source, env.get("PYTHONPATH")]))
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def section(runs):
    """The BENCHMARKS.md section: one column per label, one row per preset."""
    labels = list(runs)
    presets = sorted({p for run in runs.values() for p in run["presets"]},
                     key=lambda p: PRESETS.index(p) if p in PRESETS else len(PRESETS))
    lines = ["## Time to first step", "",
             "Seconds from `fit` to the end of the first batch, 64x64 RGB procedural images, "
             "each in a fresh process (`python tools/first_step.py`; method in its docstring). "
             "Each column names its run: the commit, the machine's float32 matmul peak and "
             "the load.", "",
             "| preset | " + " | ".join(labels) + " |",
             "|---|" + "---:|" * len(labels)]
    for preset in presets:
        cells = []
        for label in labels:
            found = runs[label]["presets"].get(preset)
            cells.append("-" if found is None else found.get("seconds_to_first_step",
                                                             "error (below)"))
        lines.append(f"| `{preset}` | " + " | ".join(str(c) for c in cells) + " |")
    lines.append("")
    for label, run in runs.items():
        for preset, found in run["presets"].items():
            if "error" in found:
                lines.append(f"- {label}, `{preset}`: {' '.join(found['error'])}")
    for label, run in runs.items():
        lines.append(f"- **{label}**: commit `{run['git_commit']}`, matmul peak "
                     f"{run['matmul_gflops']:.0f} GFLOP/s, load {run['loadavg']:.1f}, "
                     f"{run['cpus']} cores.")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=list(PRESETS))
    parser.add_argument("--label", default="now", help="column name of this run")
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--images", type=int, default=256)
    parser.add_argument("--source", help="a checkout whose keras_gen is measured instead of "
                                         "this one's (e.g. `git worktree add /tmp/old REV`)")
    parser.add_argument("--render", action="store_true",
                        help="only re-render the section from docs/results/first_step.json")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.resolution, args.channels, args.images)))
        return 0
    if args.render:
        import bench_report

        bench_report.write_extra_section(SECTION.stem, section(json.loads(RESULTS.read_text())))
        return 0
    import bench
    import bench_flops
    import bench_report

    from keras_gen.core import safe_io

    peak = bench_flops.matmul_peak()["flops_per_second"] / 1e9
    commit = bench.git_commit(args.source) if args.source else bench.git_commit()
    run = {"git_commit": commit, "matmul_gflops": peak,
           "loadavg": os.getloadavg()[0], "cpus": os.cpu_count(),
           "resolution": args.resolution, "channels": args.channels, "presets": {}}
    for name in args.only:
        print(f"{name}: measuring (fresh process)...", flush=True)
        run["presets"][name] = _subprocess(name, args)
        print(f"  {run['presets'][name]}", flush=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    runs[args.label] = run
    safe_io.write_text_atomic(RESULTS, json.dumps(runs, indent=1))
    bench_report.write_extra_section(SECTION.stem, section(runs))
    print(f"wrote {RESULTS.relative_to(REPO)}, {SECTION.relative_to(REPO)} and BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
