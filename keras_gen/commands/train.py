"""`keras-gen train NAME [--epochs N] [--batch-size B] [--out DIR]`: train a preset.

With `--data FOLDER_OR_NAME` it trains the preset's (or family's) model on
the user's images instead (see `_own_data.py`). Without it, builds the preset,
compiles it with its compile settings, fits its training
split with its recipe (Keras' progress bar), writes a sample grid per epoch for
models that generate, stops on a NaN/inf loss with the last good weights
restored, and saves the result as a preset folder `<out>/<name>/` that
`kg.zoo.load("<out>/<name>")` reads back. A run that diverged is not saved.
"""

import shlex
import sys
import time
from pathlib import Path

from keras_gen.commands import _own_data
from keras_gen.commands._guards import json_safe, nan_guard, non_finite_weights

HELP = ("train a preset from its recipe, or a family on your images with --data "
        "(progress bar, sample grids, NaN guard, resume) and save it")


def add_arguments(parser):
    parser.add_argument("name", help="preset name or alias (e.g. dcgan, vae_mnist_28), or with "
                                     "--data a family folder (e.g. progan, convolutional)")
    parser.add_argument("--epochs", type=int, help="epochs (default: the preset's recipe)")
    parser.add_argument("--batch-size", type=int, help="batch size (default: the recipe's)")
    parser.add_argument("--out", default="out",
                        help="folder for the preset folder <out>/<name> and its sample grids "
                             "(default: out); with --data, the preset folder itself (default: "
                             "out/<preset>_<data>)")
    parser.add_argument("--seed", type=int, default=0, help="global seed (default: 0)")
    parser.add_argument("--samples-every", type=int, default=1,
                        help="epochs between sample grids (default: 1)")
    parser.add_argument("--no-evaluate", action="store_true",
                        help="skip the preset's quality metrics after training")
    parser.add_argument("--tiny", action="store_true",
                        help="smoke test: the preset's tiny configuration, data resized to it")
    parser.add_argument("--limit", type=int, help="train on the first LIMIT examples only")
    parser.add_argument("--strategy", default="default",
                        choices=("default", "mirrored", "multiworker"),
                        help="tf.distribute strategy: mirrored (all local devices) or "
                             "multiworker (TF_CONFIG on every worker); see README 'Scaling out'")
    _own_data.add_arguments(parser)


def _positive(value, flag):
    if value is not None and value < 1:
        raise ValueError(f"{flag} must be at least 1, got {value}.")


def training_data(spec, model, limit=None, resize=False):
    """The preset's training split `(x, labels)`, resized to the model's input if asked."""
    import keras_gen as kg

    options = {k: v for k, v in spec.data.items() if k != "name"}
    x, labels = kg.data.load_arrays(spec.data["name"], "train", **options)
    if limit is not None:
        x, labels = x[:limit], None if labels is None else labels[:limit]
    shape = model.expected_input_shape() if hasattr(model, "expected_input_shape") else None
    if resize and shape is not None and x.ndim == 4 and tuple(x.shape[1:]) != tuple(shape):
        x = kg.data.fit_size(x, tuple(shape[:2]), pad=False)
        if x.shape[-1] != shape[-1]:
            x = x.mean(axis=-1, keepdims=True) if shape[-1] == 1 else x.repeat(shape[-1], -1)
    return x, labels


def run(args):
    if args.data:
        _positive(args.epochs, "--epochs")
        _positive(args.batch_size, "--batch-size")
        _positive(args.limit, "--limit")
        _positive(args.resolution, "--resolution")
        return _own_data.run(args)
    import keras
    import numpy as np

    import keras_gen as kg

    _positive(args.epochs, "--epochs")
    _positive(args.batch_size, "--batch-size")
    _positive(args.limit, "--limit")
    _positive(args.samples_every, "--samples-every")
    spec = kg.zoo.get(args.name)
    kg.zoo.store.check_preset_target(Path(args.out) / spec.name, args.overwrite)
    keras.utils.set_random_seed(args.seed)
    from keras_gen import distribute

    with distribute.get_strategy(args.strategy).scope():
        model = spec.build(tiny=args.tiny)
        model.compile(**spec.compile)
    x, labels = training_data(spec, model, limit=args.limit, resize=args.tiny)
    fit_kwargs, callbacks, supervised = spec.fit_arguments(args.epochs, args.batch_size)
    out = Path(args.out)
    guard = nan_guard()
    callbacks.append(guard)
    if callable(getattr(model, "generate", None)):
        grids = out / f"{spec.name}_samples" / "epoch_{epoch:03d}.png"
        callbacks.append(kg.callbacks.SampleGrid(str(grids), every=args.samples_every,
                                                 overwrite=args.overwrite))
        print(f"sample grids: {grids.parent}/", flush=True)
    print(f"== {spec.name}: {type(model).__name__}, {model.count_params():,} parameters, "
          f"{len(x)} training examples of {spec.data['name']}, "
          f"{fit_kwargs.get('epochs', 1)} epochs", flush=True)
    start = time.perf_counter()
    history = model.fit(x, labels if supervised else None, callbacks=callbacks, verbose=1,
                        **fit_kwargs)
    seconds = time.perf_counter() - start
    bad = non_finite_weights(model)
    if guard.diverged or bad:
        reason = guard.message or f"non-finite weights {bad[:3]}"
        print(f"keras-gen train: {reason} Nothing was saved.", file=sys.stderr)
        return 1
    metrics = {}
    if spec.evaluate is not None and not args.tiny and not args.no_evaluate:
        metrics = dict(spec.evaluate(model, spec))
        print(f"metrics: {metrics}", flush=True)
    logs = {k: float(np.asarray(v[-1])) for k, v in history.history.items() if len(v)}
    metadata = {
        "preset": spec.name, "family": spec.family, "description": spec.description,
        "data": dict(spec.data), "epochs": len(history.epoch),
        "batch_size": fit_kwargs.get("batch_size"), "seed": args.seed,
        "training_examples": int(len(x)), "training_time_s": round(seconds, 1),
        "final_logs": logs, "metrics": metrics, "headline_metric": spec.headline_metric,
        "command": command_line(args),
    }
    if args.tiny or args.limit:
        metadata["smoke_test"] = {"tiny": bool(args.tiny), "limit": args.limit}
    folder = out / spec.name
    kg.zoo.save_preset(model, folder, metadata=json_safe(metadata), overwrite=args.overwrite)
    print(f"== {spec.name}: trained in {seconds:.1f} s; saved {folder} "
          f"(load it with kg.zoo.load({str(folder)!r}))", flush=True)
    return 0


def command_line(args):
    """The `keras-gen train ...` command that reproduces this run."""
    parts = ["keras-gen", "train", args.name]
    for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size),
                        ("--out", args.out), ("--seed", args.seed), ("--limit", args.limit)):
        if value is not None:
            parts += [flag, str(value)]
    if args.tiny:
        parts.append("--tiny")
    return " ".join(shlex.quote(p) for p in parts)


