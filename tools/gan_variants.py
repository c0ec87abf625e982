"""Compare DCGAN variants: the `dcgan_mnist_28` preset retrained with one change each.

    python tools/gan_variants.py                          # every variant, 10 epochs each
    python tools/gan_variants.py --variants replay hinge --epochs 10

Each row trains the preset (its config, compile settings and batch size) with
one change (experience replay, each minibatch layer, each loss) for the same
number of epochs, through the shared training pipeline (`keras_gen.training`),
with no time budget: a fixed amount of training, not of time, because machine
speed varies. A baseline row trains the preset unchanged for as long. Each row
is measured as the preset is (Frechet distance and mode coverage of 1,000
samples against the 1,000 test digits) and writes a sample grid. Rows are
merged into `docs/results/gan_variants.json` (a rerun replaces its own rows).
The preset's own floor is `python tools/floors.py dcgan_mnist_28`.
"""

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
PRESET = "dcgan_mnist_28"

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


def train_variant(name, epochs, images_dir, seed=0, limit=None):
    """Train and measure one variant; returns its result row."""
    import keras

    import keras_gen as kg
    from keras_gen import training

    overrides, compile_overrides, what = VARIANTS[name]
    spec = kg.zoo.get(PRESET)
    keras.utils.set_random_seed(seed)
    x, _ = training.training_data(spec, limit=limit)
    model = spec.build(**overrides)
    model.compile(**{**spec.compile, **compile_overrides})
    print(f"== {name}: {what}", flush=True)
    run = training.train(spec, model, x, epochs=epochs, minutes=None, verbose=2)
    metrics = training.evaluate(run)
    image = kg.plot.save_grid(model.generate(64, seed=0), Path(images_dir) / f"gan_{name}.png",
                              scale=2)
    return {"variant": name, "what": what, "overrides": training.json_safe(overrides),
            "compile": compile_overrides, "epochs": run.epochs_run,
            "generator_steps": int(model.g_optimizer.iterations.numpy()),
            "training_seconds": round(run.seconds, 1), "final_logs": run.logs,
            **{k: v for k, v in metrics.items() if k != "class_histogram"},
            "samples_png": str(image), "load_average_after": list(os.getloadavg())}


def table(rows):
    """A Markdown table of the rows."""
    lines = ["| variant | FD (digits) | classes | entropy | epochs | steps | final d_real_acc / "
             "d_fake_acc |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        logs = r["final_logs"]
        lines.append(f"| {r['variant']} | {r['frechet_distance']:.2f} | {r['classes_covered']} | "
                     f"{r['coverage_entropy']:.3f} | {r['epochs']} | {r['generator_steps']} | "
                     f"{logs.get('d_real_acc', float('nan')):.2f} / "
                     f"{logs.get('d_fake_acc', float('nan')):.2f} |")
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--epochs", type=int, default=10, help="epochs of every row (default 10)")
    parser.add_argument("--limit", type=int, help="train on the first LIMIT digits (smoke runs)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "results" / "gan_variants.json"))
    parser.add_argument("--images", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args(argv)
    from keras_gen.core import safe_io

    out = Path(args.out)
    result = json.loads(out.read_text()) if out.exists() else {"preset": PRESET, "rows": []}
    if result.setdefault("epochs_each", args.epochs) != args.epochs:
        parser.error(f"{out} holds rows of {result['epochs_each']} epochs each; use "
                     f"--epochs {result['epochs_each']} or another --out.")
    result.setdefault("commands", []).append(
        "python tools/gan_variants.py " + " ".join(shlex.quote(a) for a in argv))
    order = list(VARIANTS)
    for name in args.variants:
        row = train_variant(name, args.epochs, args.images, limit=args.limit)
        kept = [r for r in result["rows"] if r["variant"] != name]
        result["rows"] = sorted(kept + [row], key=lambda r: order.index(r["variant"]))
        out.parent.mkdir(parents=True, exist_ok=True)
        safe_io.write_text_atomic(out, json.dumps(result, indent=2))
    print(table(result["rows"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
