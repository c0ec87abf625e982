"""`keras-gen`: the command line. One module per verb in `keras_gen/commands/`.

Each verb module defines `HELP` (one line), `add_arguments(parser)` and
`run(args) -> int`. Verbs are discovered, so adding one touches one file.
"""

import argparse
import importlib
import os
import pkgutil
import sys

import keras_gen.commands as commands_package
from keras_gen.core.backend import SUPPORTED_BACKENDS


def _verbs():
    found = {}
    for info in pkgutil.iter_modules(commands_package.__path__):
        if not info.name.startswith("_") and not info.name.endswith("_test"):
            found[info.name] = importlib.import_module(f"keras_gen.commands.{info.name}")
    return found


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-gen",
        description="Train, sample, evaluate, tune and export keras_gen presets "
                    "(autoencoders, VAEs and GANs).",
    )
    parser.add_argument("--backend", choices=SUPPORTED_BACKENDS,
                        help="Keras backend to run on (default: KERAS_BACKEND, else Keras' "
                             "own setting, else tensorflow)")
    sub = parser.add_subparsers(dest="verb", metavar="VERB")
    for name, module in sorted(_verbs().items()):
        verb_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(verb_parser)
        verb_parser.set_defaults(run=module.run)
    return parser


def use_backend(backend):
    """Run on `backend`: set `KERAS_BACKEND` before Keras is imported (it reads it once)."""
    keras = sys.modules.get("keras")
    if keras is not None and keras.backend.backend() != backend:
        raise SystemExit(f"keras-gen: error: --backend {backend}: Keras is already running on "
                         f"{keras.backend.backend()!r} in this process.")
    os.environ["KERAS_BACKEND"] = backend


def main(argv=None):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.backend:
        use_backend(args.backend)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except (ValueError, KeyError, FileNotFoundError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"keras-gen {args.verb}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
