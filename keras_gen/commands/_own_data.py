"""`keras-gen train FAMILY_OR_PRESET --data FOLDER_OR_NAME`: a preset's model on the user's images.

The preset's architecture and recipe (compile settings, callbacks, batch size)
are kept; its shape arguments are set for the user's images by the model
class's `config_for_images`. Training shows Keras' progress bar, writes a
sample grid per epoch (models that generate) to `<out>_samples/`, keeps a
`BackupAndRestore` checkpoint in `<out>_backup/` so an interrupted run
continues with `--resume`, stops on a NaN loss with the last good weights,
and ends with a preset folder `<out>` that `kg.zoo.load(out)` reads.
"""

import logging
import shutil
import sys
from pathlib import Path

LOG = logging.getLogger("keras_gen")


def add_arguments(parser):
    """The flags of the --data mode (added to `keras-gen train`)."""
    group = parser.add_argument_group("your own images (--data)")
    group.add_argument("--data", help="an image folder (sub-folders = labels) or a data set "
                                      "name (mnist, shapes, digits): train the preset's model "
                                      "on it, at --resolution and --channels")
    group.add_argument("--resolution", type=int,
                       help="image side in pixels (default: the folder's own size; "
                            "progressive GANs need a power of two)")
    group.add_argument("--channels", type=int, choices=(1, 3),
                       help="1 (grey) or 3 (RGB) (default: the images' own)")
    group.add_argument("--minutes", type=float,
                       help="wall-clock budget; with no --epochs, train until it is spent")
    group.add_argument("--split", choices=("all", "train", "test"),
                       help="part of the data (default: a whole folder; 'train' of a named set)")
    group.add_argument("--skip-corrupt", action="store_true",
                       help="skip unreadable image files (default: stop, naming the file)")
    group.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from <out>_backup/")
    group.add_argument("--overwrite", action="store_true",
                       help="replace an existing preset at --out (kept as .bak until the new "
                            "one is written) and discard an interrupted run's backup")


def preset_for(name):
    """The spec for a preset name or alias, or for a family folder name (its headline preset).

    Family folders are those of `keras_gen/models/` (e.g. "progan",
    "convolutional", "recurrent"); their headline preset is the one with an
    alias (or the first by name).
    """
    import keras_gen as kg

    try:
        return kg.zoo.get(name)
    except KeyError:
        pass
    by_folder = {}
    for spec in kg.zoo.registry.specs():
        folder = _family_folder(spec)
        if spec.family != "classifier":
            by_folder.setdefault(folder, []).append(spec)
    if name in by_folder:
        specs = sorted(by_folder[name], key=lambda s: (not s.aliases, s.name))
        return specs[0]
    return kg.zoo.get(name)  # raises the registry's KeyError with close matches


def _family_folder(spec):
    module = getattr(spec.model_class, "__module__", str(spec.model_class))
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["keras_gen", "models"] else module


def load_images(args):
    """The user's images as float32 `(N, R, R, C)` in [0, 1], with how they were read."""
    import os

    import numpy as np

    import keras_gen as kg

    options = {}
    folder = os.path.isdir(args.data)
    if folder:
        options["skip_corrupt"] = args.skip_corrupt
        if args.channels:
            options["channels"] = args.channels
        if args.resolution:
            options["image_size"] = (args.resolution, args.resolution)
    elif "/" in args.data or os.sep in args.data:
        raise FileNotFoundError(f"--data {args.data!r}: no such folder.")
    print(f"reading {args.data} ...", flush=True)
    x, _ = kg.data.load_arrays(args.data, args.split, **options)
    if x.ndim == 3:
        x = x[..., None]
    if args.resolution and x.shape[1:3] != (args.resolution, args.resolution):
        x = kg.data.fit_size(x, (args.resolution, args.resolution), pad=False)
    if args.channels and x.shape[-1] != args.channels:
        x = x.mean(-1, keepdims=True) if args.channels == 1 else np.repeat(x, 3, axis=-1)
    if args.limit:
        x = x[:args.limit]
    return np.ascontiguousarray(x, "float32")


def _prepare_out(out, args):
    """Refuse to start when the run could not be saved or would clobber a backup.

    Returns the `BackupAndRestore` folder `<out>_backup`.
    """
    from keras_gen.core import store

    store.check_preset_target(out, args.overwrite)
    backup = Path(f"{out}_backup")
    if backup.exists() and not args.resume:
        if not args.overwrite:
            raise ValueError(f"{backup} holds an interrupted run: pass --resume to continue "
                             "it, or --overwrite to start again.")
        shutil.rmtree(backup)  # BackupAndRestore's checkpoint of an earlier run of ours
    return backup


def run(args):
    """Train `args.name`'s model on `args.data` and save it as a preset at `args.out`."""
    import keras

    from keras_gen import distribute, training

    spec = preset_for(args.name)
    if spec.fit.get("supervised"):
        raise ValueError(f"{spec.name} is a classifier and needs labels; --data trains the "
                         "generative families (autoencoders, VAEs, GANs).")
    out = Path(args.out if args.out != "out" else f"out/{spec.name}_{Path(args.data).name}")
    backup = _prepare_out(out, args)
    keras.utils.set_random_seed(args.seed)
    x = load_images(args)
    cls = spec.model_class
    config = cls.config_for_images({**spec.config, **(spec.tiny_config if args.tiny else {})},
                                   x.shape[1:])
    model = training.build(spec, model_class=cls, strategy=distribute.get_strategy(args.strategy),
                           **config)
    # the user's budget replaces the recipe's: --minutes alone trains until it is spent
    epochs = args.epochs or (training.UNTIL_BUDGET if args.minutes else None)
    minutes = args.minutes if args.minutes or args.epochs else "recipe"
    callbacks = [keras.callbacks.BackupAndRestore(str(backup))]
    callbacks += training.sample_grids(model, f"{out}_samples", args.samples_every,
                                       args.overwrite)
    shape = "x".join(str(d) for d in x.shape[1:])
    try:
        run = training.train(spec, model, cls.images_as_input(x), epochs=epochs,
                             batch_size=args.batch_size, callbacks=callbacks, minutes=minutes,
                             source=f"{args.data}, for {shape} images")
    except training.NonFiniteError as error:
        print(f"keras-gen train: {error} Nothing was saved.", file=sys.stderr)
        return 1
    run.examples = int(len(x))
    data = {"source": str(args.data), "images": int(len(x)), "image_shape": list(x.shape[1:]),
            "split": args.split}
    command = " ".join(sys.argv) if sys.argv and "keras-gen" in sys.argv[0] else None
    training.save(run, out, training.metadata(run, args.seed, command, data=data),
                  overwrite=args.overwrite)
    print(f"== trained in {run.seconds:.1f} s; saved {out} (load it with "
          f"kg.zoo.load({str(out)!r}))", flush=True)
    return 0
