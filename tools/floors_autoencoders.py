"""Measure the quality floors of the autoencoders (issue #3) on the fixed MNIST split.

    python tools/floors_autoencoders.py                # every run, ~10 min on 2 cores
    python tools/floors_autoencoders.py --only ae_mnist_28 conv_ae_mnist_28
    python tools/floors_autoencoders.py --quick --out /tmp/floors   # smoke run, no floors

Each run trains a registered preset exactly as its recipe says (`spec.build`,
`spec.compile`, `spec.fit`) on the 4,000 training digits, timed, and measures
it on the 1,000 test digits. Baselines are PCA reconstructions (scikit-learn)
fitted on the same training digits. The floors:

- dense (ae_mnist_28) and convolutional (conv_ae_mnist_28) autoencoders with a
  30-unit code: test MSE below PCA with 30 components; the recurrent one
  (recurrent_ae_mnist_rows, 30-unit code) below PCA with 10 components;
- denoising (Gaussian noise, stddev 0.3): on corrupted test digits, its
  output's MSE against the clean digits is below the corrupted input's and
  below the plain autoencoder's of the same size (ae_mnist_28) fed the same
  corrupted digits;
- sparse with KLSparsity(target=0.1): mean code activation on the test digits
  in [0.05, 0.2]; the overcomplete sparse model (1024 code units > 784 pixels)
  reconstructs below the PCA-30 error;
- every training run under 3 minutes.

Writes a table to stdout, `<out>/results/autoencoders.json` and PNGs in
`<out>/images/` (default `<out>` = docs). Exits with status 1 if a floor fails.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import floor_report  # noqa: E402  (a sibling module of tools/)

RUNS = ("ae_mnist_28", "ae_tied_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows",
        "ae_denoising_mnist_28", "ae_sparse_mnist_28", "ae_overcomplete_mnist_28")
MAX_SECONDS = 180.0
NOISE_STDDEV = 0.3
SPARSE_RANGE = (0.05, 0.2)
SHOWN = 12  # digits per picture row


def pca_mse(train, test, components):
    """Test MSE of a PCA reconstruction with `components` fitted on `train` (flattened)."""
    import numpy as np
    from sklearn.decomposition import PCA

    train, test = train.reshape(len(train), -1), test.reshape(len(test), -1)
    pca = PCA(components, random_state=0).fit(train)
    return float(np.mean((pca.inverse_transform(pca.transform(test)) - test) ** 2))


def train_preset(name, x_train, quick=False):
    """Build, compile and fit a preset by its recipe; returns `(model, seconds, epochs)`."""
    import keras

    import keras_gen as kg

    spec = kg.zoo.get(name)
    keras.utils.set_random_seed(0)
    model = spec.build(seed=0)
    model.compile(**spec.compile)
    fit = dict(spec.fit)
    if quick:
        fit["epochs"], x_train = 1, x_train[:512]
    start = time.time()
    model.fit(x_train, verbose=0, **fit)
    return model, time.time() - start, fit["epochs"]


def as_images(x):
    """`(n, 28, 28)` sequences or `(n, 28, 28, 1)` images -> `(n, 28, 28, 1)`."""
    return x.reshape(len(x), 28, 28, 1)


def floor(name, measured, bound, below=True):
    passed = measured < bound if below else measured > bound
    return {"floor": name, "measured": measured, "bound": bound,
            "relation": "<" if below else ">", "passed": bool(passed)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="docs", help="folder holding results/ and images/")
    parser.add_argument("--only", nargs="+", choices=RUNS, help="run only these presets")
    parser.add_argument("--quick", action="store_true",
                        help="1 epoch on 512 digits: checks the script, not the floors")
    args = parser.parse_args(argv)

    import numpy as np

    import keras_gen as kg
    from keras_gen.models.autoencoder.presets import code_activations, corrupt_gaussian

    runs = args.only or RUNS
    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, _ = kg.data.load_arrays("mnist", "test")
    noisy_test = corrupt_gaussian(x_test, NOISE_STDDEV)
    pca = {f"pca_{k}_test_mse": pca_mse(x_train, x_test, k) for k in (10, 30)}
    results, floors, models = {}, [], {}

    for name in runs:
        rows = name == "recurrent_ae_mnist_rows"
        train, test = (x_train[..., 0], x_test[..., 0]) if rows else (x_train, x_test)
        model, seconds, epochs = train_preset(name, train, args.quick)
        models[name] = model
        metrics = {"test_mse": float(np.mean((model.reconstruct(test) - test) ** 2)),
                   "train_seconds": seconds, "epochs": epochs,
                   "parameters": int(model.count_params())}
        if not rows:
            metrics["noisy_test_mse"] = float(np.mean((model.reconstruct(noisy_test) - x_test)
                                                      ** 2))
        if model.sparsity is not None:
            codes = code_activations(model, x_test)
            metrics["mean_code_activation"] = float(codes.mean())
            metrics["share_of_code_values_below_0.05"] = float(np.mean(codes < 0.05))
            metrics["code_units"] = int(codes[0].size)
        results[name] = metrics
        floors.append(floor(f"{name}: training seconds", seconds, MAX_SECONDS))
        print(f"{name}: {metrics}", flush=True)

    def get(name, key):
        return results[name][key] if name in results else None

    for name in ("ae_mnist_28", "conv_ae_mnist_28", "ae_overcomplete_mnist_28"):
        if name in results:
            floors.append(floor(f"{name}: test MSE < PCA-30", get(name, "test_mse"),
                                pca["pca_30_test_mse"]))
    if "recurrent_ae_mnist_rows" in results:
        floors.append(floor("recurrent_ae_mnist_rows: test MSE < PCA-10",
                            get("recurrent_ae_mnist_rows", "test_mse"), pca["pca_10_test_mse"]))
    noisy_input_mse = float(np.mean((noisy_test - x_test) ** 2))
    if "ae_denoising_mnist_28" in results:
        denoised = get("ae_denoising_mnist_28", "noisy_test_mse")
        floors.append(floor("denoising: output MSE < corrupted input MSE", denoised,
                            noisy_input_mse))
        if "ae_mnist_28" in results:
            floors.append(floor("denoising: output MSE < plain AE output MSE", denoised,
                                get("ae_mnist_28", "noisy_test_mse")))
    for name in ("ae_sparse_mnist_28", "ae_overcomplete_mnist_28"):
        if name in results:
            mean = get(name, "mean_code_activation")
            floors.append(floor(f"{name}: mean code activation > {SPARSE_RANGE[0]}", mean,
                                SPARSE_RANGE[0], below=False))
            floors.append(floor(f"{name}: mean code activation < {SPARSE_RANGE[1]}", mean,
                                SPARSE_RANGE[1]))

    print("\nbaselines: " + ", ".join(f"{k} = {v:.5f}" for k, v in pca.items())
          + f", corrupted input MSE = {noisy_input_mse:.5f}")
    print(f"\n{'preset':28s} {'test MSE':>9s} {'noisy->clean':>12s} {'code mean':>9s} "
          f"{'seconds':>8s} {'epochs':>6s} {'params':>9s}")
    for name, m in results.items():
        code = m.get("mean_code_activation")
        noisy = m.get("noisy_test_mse")
        print(f"{name:28s} {m['test_mse']:9.5f} "
              f"{'-' if noisy is None else format(noisy, '.5f'):>12s} "
              f"{'-' if code is None else format(code, '.3f'):>9s} "
              f"{m['train_seconds']:8.1f} {m['epochs']:6d} {m['parameters']:9d}")
    print(f"\n{'floor':58s} {'measured':>9s}   {'bound':>9s}  ok")
    for f in floors:
        print(f"{f['floor']:58s} {f['measured']:9.4f} {f['relation']} {f['bound']:9.4f}  "
              f"{'yes' if f['passed'] else 'NO'}")

    images = os.path.join(args.out, "images")
    shown = x_test[:SHOWN]
    rows = [shown] + [as_images(models[n].reconstruct(
        shown[..., 0] if n == "recurrent_ae_mnist_rows" else shown))
        for n in ("ae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows") if n in models]
    pictures = [kg.plot.save_rows(rows, os.path.join(images, "autoencoders_reconstructions.png"),
                                  scale=2)]
    if "ae_denoising_mnist_28" in models and "ae_mnist_28" in models:
        noisy = noisy_test[:SHOWN]
        pictures.append(kg.plot.save_rows(
            [shown, noisy, models["ae_denoising_mnist_28"].reconstruct(noisy),
             models["ae_mnist_28"].reconstruct(noisy)],
            os.path.join(images, "autoencoders_denoising.png"), scale=2))

    report = {
        "issue": 3,
        "command": " ".join(["python tools/floors_autoencoders.py", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "data": "mnist fixed split: 4000 train / 1000 test digits, pixels in [0, 1]",
        "baselines": {**pca, "corrupted_input_mse": noisy_input_mse,
                      "noise_stddev": NOISE_STDDEV},
        "runs": results,
        "floors": floors,
        "all_passed": all(f["passed"] for f in floors),
        "machine": floor_report.machine(),
        "images": pictures,
    }
    floor_report.write_results(args.out, "autoencoders", report, pictures)
    return 0 if report["all_passed"] or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
