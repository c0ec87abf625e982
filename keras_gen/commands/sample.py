"""`keras-gen sample NAME --n 64 --out grid.png`: a grid of generated images."""

from keras_gen.commands import plot

HELP = ("write a PNG grid of a preset's samples (generative models) or reconstructions "
        "(autoencoders)")


def add_arguments(parser):
    parser.add_argument("preset", help="preset name, alias, folder or URL")
    parser.add_argument("--n", type=int, default=64, help="number of samples")
    parser.add_argument("--out", default="samples.png", help="PNG file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", default="pretrained",
                        help="'pretrained' (default), 'none' for an untrained model, or a file")


def run(args):
    args.kind = "samples"
    return plot.run(args)
