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
from pathlib import Path

from keras_gen.commands import _own_data

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


def run(args):
    if args.data:
        _positive(args.epochs, "--epochs")
        _positive(args.batch_size, "--batch-size")
        _positive(args.limit, "--limit")
        _positive(args.resolution, "--resolution")
        return _own_data.run(args)
    import keras

    import keras_gen as kg
    from keras_gen import distribute, training

    _positive(args.epochs, "--epochs")
    _positive(args.batch_size, "--batch-size")
    _positive(args.limit, "--limit")
    _positive(args.samples_every, "--samples-every")
    spec = kg.zoo.get(args.name)
    folder = Path(args.out) / spec.name
    kg.zoo.store.check_preset_target(folder, args.overwrite)
    keras.utils.set_random_seed(args.seed)
    model = training.build(spec, tiny=args.tiny, strategy=distribute.get_strategy(args.strategy))
    x, labels = training.training_data(spec, limit=args.limit, like=model if args.tiny else None)
    callbacks = training.sample_grids(model, Path(args.out) / f"{spec.name}_samples",
                                      args.samples_every, args.overwrite)
    try:
        run = training.train(spec, model, x, labels, epochs=args.epochs,
                             batch_size=args.batch_size, callbacks=callbacks)
        if not args.tiny and not args.no_evaluate and spec.evaluate is not None:
            print(f"metrics: {training.evaluate(run)}", flush=True)
    except training.NonFiniteError as error:
        print(f"keras-gen train: {error} Nothing was saved.", file=sys.stderr)
        return 1
    smoke = {"smoke_test": {"tiny": bool(args.tiny), "limit": args.limit}} \
        if args.tiny or args.limit else {}
    training.save(run, folder, training.metadata(run, args.seed, command_line(args), **smoke),
                  overwrite=args.overwrite)
    print(f"== {spec.name}: trained in {run.seconds:.1f} s; saved {folder} "
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


