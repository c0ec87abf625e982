"""Measure a preset against its quality floor: train by the recipe, evaluate, check each bound.

A floor is data in the preset's spec (`PresetSpec.floor`, a `Floor` of
`Bound`s); this module is the one runner for every family, used by
`tools/floors.py`. A run trains a fresh model with the preset's recipe on its
training split (`pipeline.train`), measures `spec.evaluate` on its test split
and compares every bound, plus the training time with `Floor.minutes`.
"""

import os
import platform

from keras_gen.training import pipeline

QUICK_EXAMPLES = 256  # a --quick run: one epoch on this many examples checks the runner only
TIME_TOLERANCE = 1.05  # a TimeLimit ends training at the first batch past the budget
# Float32 matmul peak (GFLOP/s, `tools/bench_flops.py matmul_peak`) of the reference
# machine the floors' time bounds are stated for; a slower machine gets a
# proportionally longer bound (the image-counted recipes train the same images).
REFERENCE_PEAK_GFLOPS = 291.0


def reference_value(bound, metrics, spec):
    """`(value, label)` a bound compares with (see `Bound.reference`)."""
    reference = bound.reference
    if callable(reference):
        return float(reference(spec)), getattr(reference, "__name__", "baseline")
    if isinstance(reference, str) and ":" in reference:
        from keras_gen import zoo

        preset, metric = reference.split(":", 1)
        return float(zoo.metadata(preset)["metrics"][metric]), reference
    if isinstance(reference, str):
        if reference not in metrics:
            raise KeyError(f"{spec.name}: the floor compares with metric {reference!r}, which "
                           f"evaluate does not give (it gives {sorted(metrics)}).")
        return float(metrics[reference]), reference
    return float(reference), repr(reference)


def time_scale(peak_gflops):
    """How much longer than the reference machine a machine of `peak_gflops` may train (>= 1)."""
    return max(1.0, REFERENCE_PEAK_GFLOPS / float(peak_gflops)) if peak_gflops else 1.0


def check(spec, metrics, seconds, peak_gflops=None):
    """`[{"floor", "measured", "relation", "bound", "passed"}]`: one row per bound and for time.

    The time bound is `Floor.minutes` on the reference machine, scaled by
    `time_scale(peak_gflops)` on a slower one (none when the peak is unknown).
    """
    floor = spec.floor
    rows = []
    for bound in floor.bounds:
        if bound.metric not in metrics:
            raise KeyError(f"{spec.name}: the floor bounds metric {bound.metric!r}, which "
                           f"evaluate does not give (it gives {sorted(metrics)}).")
        value, label = reference_value(bound, metrics, spec)
        measured = float(metrics[bound.metric])
        rows.append({"floor": f"{bound.metric} {bound.relation} {label}", "measured": measured,
                     "relation": bound.relation, "bound": value,
                     "passed": bound.holds(measured, value)})
    if floor.minutes is not None:
        scale = time_scale(peak_gflops)
        limit = 60.0 * floor.minutes * TIME_TOLERANCE * scale
        scaled = f" x {scale:.2f} (peak {peak_gflops:.0f} GFLOP/s)" if scale > 1 else ""
        rows.append({"floor": f"training seconds <= {60 * floor.minutes:g} (+5%){scaled}",
                     "measured": float(seconds), "relation": "<=", "bound": limit,
                     "passed": seconds <= limit})
    return rows


def machine():
    """Platform, core count and 1-minute load (a busy machine trains fewer images in a budget)."""
    return {"platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_1min": os.getloadavg()[0]}


def run_floor(spec, seed=0, quick=False, verbose=2, images_dir=None, peak_gflops=None):
    """Train `spec` by its recipe and measure it against its floor; returns `(report, model)`.

    With `quick`, one epoch on `QUICK_EXAMPLES` examples: the report is made
    but says nothing of the floor (`"quick": true`, bounds still computed).
    With `images_dir`, a picture of samples (or reconstructions) goes there as
    `<preset>.png`, and the spec's `report` extras may add their own.

    Raises:
        ValueError: the preset declares no floor.
        keras_gen.training.NonFiniteError: training diverged.
    """
    import keras

    if spec.floor is None:
        raise ValueError(f"{spec.name} declares no floor (PresetSpec.floor).")
    keras.utils.set_random_seed(seed)
    x, labels = pipeline.training_data(spec, limit=QUICK_EXAMPLES if quick else None)
    model = pipeline.build(spec)
    run = pipeline.train(spec, model, x, labels, epochs=1 if quick else None, verbose=verbose)
    metrics = pipeline.evaluate(run)
    rows = check(spec, metrics, run.seconds, peak_gflops)
    report = {
        "preset": spec.name, "quick": bool(quick), "seed": seed, "doc": spec.floor.doc,
        "training_seconds": round(run.seconds, 1), "epochs_run": run.epochs_run,
        "images_seen": int(run.images_seen), "kimg": spec.fit.get("kimg"),
        "training_examples": run.examples,
        "stopped_by_time_limit": run.stopped_by_time_limit,
        "metrics": metrics, "floors": rows, "passed": all(r["passed"] for r in rows),
        "machine": {**machine(), "matmul_peak_gflops": peak_gflops},
        "versions": pipeline.versions(),
    }
    if images_dir is not None:
        report["pictures"] = [str(picture(model, spec, images_dir))]
    if spec.report is not None:
        extras = pipeline.json_safe(spec.report(model, spec, images_dir))
        report["extras"] = extras
        for name, met in extras.get("conditions", {}).items():
            rows.append({"floor": name, "measured": float(met), "relation": "==",
                         "bound": 1.0, "passed": bool(met)})
        report["passed"] = all(r["passed"] for r in rows)
    return report, model


def picture(model, spec, images_dir):
    """`<images_dir>/<preset>.png`: 64 samples of a generator, else test reconstructions."""
    from pathlib import Path

    import numpy as np

    import keras_gen as kg

    path = Path(images_dir) / f"{spec.name}.png"
    if callable(getattr(model, "generate", None)):
        return kg.plot.save_grid(np.asarray(model.generate(64, seed=0)), path, scale=2)
    if not callable(getattr(model, "reconstruct", None)):
        return kg.plot.save_grid(pipeline.training_data(spec, limit=64)[0], path, scale=2)
    options = {k: v for k, v in spec.data.items() if k != "name"}
    x, _ = kg.data.load_arrays(spec.data["name"], "test", **options)
    rows = [x[:16], np.asarray(model.reconstruct(x[:16]))]
    rows = [r[..., None] if r.ndim == 3 else r for r in rows]  # sequences drawn as images
    return kg.plot.save_rows(rows, path, scale=3)
