"""`keras-gen evaluate NAME_OR_PATH [--n N]`: measure a preset's metrics.

The preset's own `evaluate` function when its spec has one (e.g. test accuracy
of the digit classifier); otherwise Frechet distance, KID, precision/recall and
mode coverage of `generate`d images against the test split, or the
reconstruction MSE on the test split for models with `reconstruct`.
"""

import inspect
import json
from pathlib import Path

HELP = "measure a preset's metrics (its family's: accuracy, Frechet distance, coverage, MSE)"
DEFAULT_N = 1000


def add_arguments(parser):
    parser.add_argument("preset", metavar="NAME_OR_PATH", help="preset name, alias, folder or URL")
    parser.add_argument("--n", type=int, default=DEFAULT_N,
                        help=f"images to generate / test examples to use (default {DEFAULT_N})")
    parser.add_argument("--data", help="data set to compare with (default: the preset's data)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")


def _spec_and_metadata(target):
    """The registered spec (or None) and the stored metadata of a preset."""
    from keras_gen import zoo
    from keras_gen.core import store

    if Path(str(target)).is_dir():
        meta_path = Path(target) / store.METADATA_FILE
        metadata = store.read_json(meta_path) if meta_path.exists() else {}
        try:
            spec = zoo.get(metadata["preset"]) if metadata.get("preset") else None
        except KeyError:
            spec = None
        return spec, metadata
    if store.is_url(target):
        return None, {}
    spec = zoo.get(target)
    return spec, zoo.metadata(spec.name)


def _data_of(spec, metadata, override):
    """`(name, load_arrays options)` of the data to evaluate on."""
    if override:
        return override, {}
    data = spec.data if spec is not None else metadata.get("data", "mnist")
    if isinstance(data, str):
        return data, {}
    return data["name"], {k: v for k, v in data.items() if k != "name"}


def _accepts(fn, name):
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def generation_metrics(model, x_test, n, seed=0):
    """Frechet distance, KID, precision/recall (and mode coverage for grey digits)."""
    from keras import ops

    from keras_gen import metrics

    real = x_test[:n]
    fake = ops.convert_to_numpy(model.generate(len(real), seed=seed))
    grey = real.shape[-1] == 1 and (fake.ndim == 3 or fake.shape[-1] == 1)
    features = metrics.extract_features(real, "digits" if grey else "inception", "real")
    fake_features = metrics.extract_features(fake, "digits" if grey else "inception", "generated")
    kid = metrics.kid_from_features(features, fake_features, num_subsets=20)
    result = {
        "feature_space": "digits" if grey else "inception",
        "frechet_distance": metrics.frechet_distance(features, fake_features, features=None),
        "kid": kid["mean"], "kid_std": kid["std"],
        **metrics.precision_recall_from_features(features, fake_features),
        "samples": len(real),
    }
    if grey:
        coverage = metrics.mode_coverage(fake)
        result.update(classes_covered=coverage["classes_covered"],
                      coverage_entropy=coverage["entropy"], class_histogram=coverage["histogram"])
    return result


def reconstruction_metrics(model, x_test, n):
    """Mean squared reconstruction error on the first `n` test examples."""
    import numpy as np

    x = x_test[:n]
    return {"reconstruction_mse": float(np.mean((model.reconstruct(x) - x) ** 2)),
            "samples": len(x)}


def measure(model, spec, metadata, n, data=None):
    """The metrics of a loaded preset, as a dict (see the module docstring)."""
    from keras_gen import data as kg_data

    if spec is not None and spec.evaluate is not None and not data:
        return dict(spec.evaluate(model, spec, n=n) if _accepts(spec.evaluate, "n")
                    else spec.evaluate(model, spec))
    name, options = _data_of(spec, metadata, data)
    if callable(getattr(model, "generate", None)):
        x_test, _ = kg_data.load_arrays(name, "test", **options)
        return generation_metrics(model, x_test, n)
    if callable(getattr(model, "reconstruct", None)):
        x_test, _ = kg_data.load_arrays(name, "test", **options)
        return reconstruction_metrics(model, x_test, n)
    raise ValueError(f"do not know how to evaluate {type(model).__name__}: its preset has no "
                     "evaluate function and the model has neither generate() nor reconstruct().")


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def run(args):
    from keras_gen import zoo

    if args.n < 4:
        raise ValueError(f"--n must be at least 4, got {args.n}.")
    spec, metadata = _spec_and_metadata(args.preset)
    model = zoo.load(args.preset)
    measured = measure(model, spec, metadata, args.n, args.data)
    if args.json:
        print(json.dumps(measured, indent=2))
        return 0
    stored = metadata.get("metrics", {})
    width = max(len(k) for k in measured)
    print(f"{args.preset}: {type(model).__name__}"
          + (f" ({spec.family}, preset {spec.name})" if spec is not None else ""))
    for key, value in measured.items():
        line = f"  {key.ljust(width)}  {_format(value)}"
        if key in stored and stored[key] != value:
            line += f"   (metadata: {_format(stored[key])})"
        print(line)
    return 0
