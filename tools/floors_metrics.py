"""Measure the sanity floors of the metrics (issue #5) and write docs/results/metrics.json.

    python tools/floors_metrics.py [--out docs/results/metrics.json]

Uses the shipped `digit_classifier` preset (its features and its labels) on the
fixed MNIST split: 4,000 training and 1,000 test digits.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "results" / "metrics.json"


def _direct_frechet(a, b):
    """Frechet distance by eigenvalues of S_a^1/2 S_b S_a^1/2 (no sqrtm), for comparison."""
    import numpy as np
    import scipy.linalg

    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = scipy.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    trace_root = np.sqrt(np.clip(scipy.linalg.eigvalsh(root_a @ s_b @ root_a), 0, None)).sum()
    diff = a.mean(0) - b.mean(0)
    return float(diff @ diff + np.trace(s_a) + np.trace(s_b) - 2 * trace_root)


def measure():
    import keras
    import numpy as np
    import tensorflow as tf

    import keras_gen as kg
    from keras_gen.core import store

    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, y_test = kg.data.load_arrays("mnist", "test")
    noise = np.random.default_rng(0).uniform(size=x_test.shape).astype("float32")
    spec = kg.zoo.get("digit_classifier")
    classifier = kg.metrics.digit_classifier()

    start = time.perf_counter()
    f_test = kg.metrics.extract_features(x_test)
    feature_seconds = time.perf_counter() - start
    f_train = kg.metrics.extract_features(x_train)
    f_noise = kg.metrics.extract_features(noise)
    fd = kg.metrics.frechet_distance

    rng = np.random.default_rng(1)
    random_a = rng.normal(size=(2000, 64)) @ rng.normal(size=(64, 64))
    random_b = rng.normal(loc=0.3, size=(1500, 64)) @ rng.normal(size=(64, 64))
    library, direct = fd(random_a, random_b, features=None), _direct_frechet(random_a, random_b)

    ones = x_test[y_test == 1]
    results = {
        "classifier": {
            **spec.evaluate(classifier, spec),
            "parameters": int(classifier.count_params()),
            "weights_mb": round((store.catalogue_path(spec.name) / store.WEIGHTS_FILE)
                                .stat().st_size / 1e6, 3),
            "feature_dim": int(f_test.shape[1]),
            "seconds_per_1000_images": round(feature_seconds * 1000 / len(x_test), 3),
        },
        "frechet_distance": {
            "train_4000_vs_test_1000": fd(f_train, f_test, features=None),
            "train_first_1000_vs_test_1000": fd(f_train[:1000], f_test, features=None),
            "test_vs_uniform_noise": fd(f_test, f_noise, features=None),
            "test_vs_itself": fd(f_test, f_test, features=None),
        },
        "frechet_check_random_features_64d": {
            "library": library, "direct_eigh": direct, "abs_difference": abs(library - direct),
        },
        "kid": {
            "test_vs_itself": kg.metrics.kid(f_test, f_test, features=None),
            "train_vs_test": kg.metrics.kid(f_train, f_test, features=None),
            "test_vs_uniform_noise": kg.metrics.kid(f_test, f_noise, features=None),
        },
        "precision_recall_k3": {
            "test_vs_train_first_1000": kg.metrics.precision_recall(
                f_test, f_train[:1000], features=None),
            "test_vs_uniform_noise": kg.metrics.precision_recall(f_test, f_noise, features=None),
        },
        "mode_coverage": {
            "test_digits": kg.metrics.mode_coverage(x_test),
            "test_ones_only": kg.metrics.mode_coverage(ones),
            "uniform_noise": kg.metrics.mode_coverage(noise),
        },
        "command": "python tools/floors_metrics.py",
        "versions": {"keras_gen": kg.__version__, "tensorflow": tf.__version__,
                     "keras": keras.__version__, "numpy": np.__version__},
    }
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="JSON file to write")
    args = parser.parse_args(argv)
    results = measure()
    text = json.dumps(results, indent=2)
    print(text)
    from keras_gen.core import safe_io

    safe_io.write_text_atomic(Path(args.out), text + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
