"""`keras-gen sample NAME --n 64 --out grid.png [--overwrite]`: a grid of generated images.

The PNG is marked as keras-gen's (a PNG text chunk `Software: keras_gen`), so a
later run replaces it without asking; any other file or folder at `--out` is
refused unless `--overwrite`, which moves it to `OUT.bak` (kept, never deleted).
"""

from keras_gen.commands import plot

HELP = ("write a PNG grid of a preset's samples (generative models) or reconstructions "
        "(autoencoders)")


def add_arguments(parser):
    parser.add_argument("preset", help="preset name, alias, folder or URL")
    parser.add_argument("--n", type=int, default=64, help="number of samples")
    parser.add_argument("--out", default="samples.png",
                        help="PNG file to write (a PNG keras-gen wrote is replaced; anything "
                             "else there needs --overwrite)")
    parser.add_argument("--overwrite", action="store_true",
                        help="move a file keras-gen did not write (or a folder) at --out to "
                             "OUT.bak instead of refusing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", default="pretrained",
                        help="'pretrained' (default), 'none' for an untrained model, or a file")


def run(args):
    import keras_gen as kg
    from keras_gen import _io

    check = dict(overwrite=args.overwrite, ours=_io.is_keras_gen_png, what="PNG file")
    _io.check_file_target(args.out, **check)  # before loading anything
    weights = None if args.weights.lower() == "none" else args.weights
    model = kg.zoo.load(args.preset, weights=weights, compile=False)
    try:
        spec = kg.zoo.get(args.preset)
    except KeyError:
        spec = None
    with _io.atomic_file(args.out, **check) as tmp:
        plot.draw(model, "samples", tmp, n=args.n, seed=args.seed, spec=spec)
        _io.mark_png(tmp)
    print(f"wrote {args.out}")
    return 0
