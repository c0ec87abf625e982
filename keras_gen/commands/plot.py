"""`keras-gen plot NAME --kind KIND --out FILE.png [--overwrite]`: pictures of a preset.

Written like `keras-gen sample`: a PNG keras-gen wrote is replaced, anything
else at `--out` is refused unless `--overwrite` moves it to `OUT.bak`.
"""

HELP = "draw a preset's samples, reconstructions, latent map or interpolation as a PNG"
KINDS = ("samples", "reconstructions", "latent", "interpolation")


def add_arguments(parser):
    parser.add_argument("preset", help="preset name, alias, folder or URL")
    parser.add_argument("--kind", choices=KINDS, default="samples")
    add_png_target(parser, required=True)
    parser.add_argument("--n", type=int, default=64, help="number of images (samples, rows)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weights", default="pretrained",
                        help="'pretrained' (default), 'none' for an untrained model, or a file")


def add_png_target(parser, **out_options):
    """`--out FILE.png` (with `out_options`, e.g. `required=True`) and `--overwrite`."""
    parser.add_argument("--out", **out_options,
                        help="PNG file to write (a PNG keras-gen wrote is replaced; anything "
                             "else there needs --overwrite)")
    parser.add_argument("--overwrite", action="store_true",
                        help="move a file keras-gen did not write (or a folder) at --out to "
                             "OUT.bak instead of refusing")


def _test_data(spec_or_none, model, n):
    import keras_gen as kg

    if spec_or_none is None:
        raise ValueError("this picture needs the preset's data; pass a registered preset name.")
    kwargs = {k: v for k, v in spec_or_none.data.items() if k != "name"}
    x, labels = kg.data.load_arrays(spec_or_none.data["name"], "test", **kwargs)
    return x[:n], (labels[:n] if labels is not None else None)


def draw(model, kind, out, n=64, seed=0, spec=None, overwrite=False):
    """Write one picture of `model` to `out` (see `kg.plot` for `overwrite`); returns the path."""
    import numpy as np

    import keras_gen as kg

    if kind == "samples":
        if hasattr(model, "generate"):
            return kg.plot.save_grid(np.asarray(model.generate(n, seed=seed)), out,
                                      overwrite=overwrite)
        kind = "reconstructions"
    if kind == "reconstructions":
        if not hasattr(model, "reconstruct"):
            raise ValueError(f"{type(model).__name__} neither generates nor reconstructs.")
        x, _ = _test_data(spec, model, min(n, 16))
        rows = [x, model.reconstruct(x)]
        if x.ndim == 3:  # sequences (e.g. digit rows) are drawn as images
            rows = [r[..., None] for r in rows]
        return kg.plot.save_rows(rows, out, scale=3, overwrite=overwrite)
    if not hasattr(model, "encode"):
        raise ValueError(f"a {kind} picture needs a model with encode(); "
                         f"{type(model).__name__} has none.")
    x, labels = _test_data(spec, model, max(n, 1000) if kind == "latent" else 2)
    codes = model.encode(x)
    if isinstance(codes, (tuple, list)):  # VAE: (mean, log_var)
        codes = codes[0]
    codes = np.asarray(codes).reshape(len(x), -1)
    if kind == "latent":
        return kg.plot.latent_scatter(codes, labels, out, title=f"{type(model).__name__} codes",
                                      overwrite=overwrite)

    def decode(latents):
        images = np.asarray(model.decode(latents))
        return images[..., None] if images.ndim == 3 else images

    return kg.plot.interpolation_strip(decode, codes[0], codes[1], out, steps=10,
                                       overwrite=overwrite)


def write_picture(args, kind):
    """Draw `kind` of `args.preset` into `args.out`; returns 0 (the command's exit code).

    The target is checked before anything loads; the PNG is written to a
    temporary file, marked as keras-gen's and renamed into place, so a PNG
    keras-gen wrote is replaced and anything else needs `--overwrite` (which
    keeps it as `OUT.bak`).
    """
    import keras_gen as kg
    from keras_gen.core import safe_io

    check = dict(overwrite=args.overwrite, ours=safe_io.is_keras_gen_png, what="PNG file")
    safe_io.check_file_target(args.out, **check)
    weights = None if args.weights.lower() == "none" else args.weights
    model = kg.zoo.load(args.preset, weights=weights, compile=False)
    try:
        spec = kg.zoo.get(args.preset)
    except KeyError:
        spec = None
    draw(model, kind, args.out, n=args.n, seed=args.seed, spec=spec, overwrite=args.overwrite)
    print(f"wrote {args.out}")
    return 0


def run(args):
    return write_picture(args, args.kind)
