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
    plot.add_png_target(parser, default="samples.png")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", default="pretrained",
                        help="'pretrained' (default), 'none' for an untrained model, or a file")


def run(args):
    return plot.write_picture(args, "samples")
