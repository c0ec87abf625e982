"""Measure the quality floor of the variational autoencoders (issue #4) on the fixed MNIST split.

    python tools/floors_vae.py                  # ~8 min on 2 cores (evaluation included)
    python tools/floors_vae.py --quick --out /tmp/floors    # smoke run, no floor

Runs, each trained by its preset's recipe (`spec.build`, `spec.compile`, the
epochs, batch size and KL warm-up callback of `spec.fit`) on the 4,000
training digits, dynamically binarized (each pixel drawn as Bernoulli(pixel
value) afresh every epoch), timed:

- vae_mnist_28 (dense, latent 16);
- conv_vae_mnist_28 (convolutional, latent 16);
- the dense preset with latent_dim=2, for the picture of its latent space.

Each is measured on the 1,000 test digits binarized at 0.5: negative
log-likelihood with 500 importance samples (the IWAE bound, in nats), the
negative ELBO and its parts, and the MSE of mean reconstructions. The floor:
dense VAE NLL <= 100 nats with training under 2 minutes.

Writes a table to stdout, `<out>/results/vae.json` and PNGs in `<out>/images/`
(64 generated digits per model, originals over reconstructions, the 2-D
latent manifold). Exits with status 1 if the floor fails.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import floor_report  # noqa: E402  (a sibling module of tools/)

NLL_SAMPLES = 500
NLL_FLOOR = 100.0
DENSE_MAX_SECONDS = 120.0
MAX_SECONDS = 180.0
MANIFOLD_SIZE = 20
RUNS = (("vae_mnist_28", "vae_mnist_28", {}),
        ("conv_vae_mnist_28", "conv_vae_mnist_28", {}),
        ("vae_mnist_28_latent2", "vae_mnist_28", {"latent_dim": 2}))


def binarized_batches(x, batch_size, seed=0):
    """Shuffled `tf.data` batches, each pixel drawn as Bernoulli(value), afresh every epoch.

    Each batch gets its own seed from `Dataset.random` (re-drawn every
    iteration), so the binarization differs between epochs yet a seed
    reproduces the whole run.
    """
    import tensorflow as tf

    def draw(batch, batch_seed):
        noise = tf.random.stateless_uniform(tf.shape(batch), seed=tf.stack([batch_seed, 0]))
        return tf.cast(noise < batch, tf.float32)

    batches = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed).batch(batch_size)
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
    return tf.data.Dataset.zip((batches, seeds)).map(draw)


def train_run(preset, overrides, x_train, quick=False):
    """Build, compile and fit a preset by its recipe; returns `(model, seconds, epochs)`."""
    import keras

    import keras_gen as kg

    spec = kg.zoo.get(preset)
    keras.utils.set_random_seed(0)
    model = spec.build(seed=0, **overrides)
    model.compile(**spec.compile)
    fit = dict(spec.fit)
    callbacks = fit.pop("callbacks", lambda: [])()
    batch_size, epochs = fit.pop("batch_size"), fit.pop("epochs")
    if quick:
        epochs, x_train = 1, x_train[:500]
    data = binarized_batches(x_train, batch_size)
    start = time.time()
    model.fit(data, epochs=epochs, callbacks=callbacks, verbose=0, **fit)
    return model, time.time() - start, epochs


def latent_manifold(model, size=MANIFOLD_SIZE):
    """Decodings of a `size` x `size` grid of 2-D codings at evenly spaced prior quantiles."""
    import numpy as np
    from scipy.stats import norm

    values = norm.ppf(np.linspace(0.05, 0.95, size)).astype("float32")
    grid = np.array([[x, y] for y in values[::-1] for x in values], "float32")
    return np.asarray(model.decode(grid))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="docs", help="folder holding results/ and images/")
    parser.add_argument("--quick", action="store_true",
                        help="1 epoch on 500 digits, 5 importance samples: checks the script")
    args = parser.parse_args(argv)

    import numpy as np

    import keras_gen as kg
    from keras_gen.models.vae.presets import binarize

    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, _ = kg.data.load_arrays("mnist", "test")
    test = binarize(x_test)
    samples = 5 if args.quick else NLL_SAMPLES
    images = os.path.join(args.out, "images")
    results, pictures, floors = {}, [], []

    for name, preset, overrides in RUNS:
        model, seconds, epochs = train_run(preset, overrides, x_train, args.quick)
        start = time.time()
        nll = -model.log_likelihood(test, num_samples=samples, seed=0)
        terms = model.compute_losses(test, training=False)
        reconstruction = np.asarray(terms["reconstruction_loss"]).mean()
        kl = np.asarray(terms["kl_loss"]).mean()
        results[name] = {
            "preset": preset, "overrides": overrides,
            "test_nll_nats": float(nll.mean()), "importance_samples": samples,
            "test_negative_elbo_nats": float(reconstruction + kl),
            "test_reconstruction_nats": float(reconstruction), "test_kl_nats": float(kl),
            "test_mse": float(np.mean((model.reconstruct(test) - test) ** 2)),
            "train_seconds": seconds, "evaluation_seconds": time.time() - start,
            "epochs": epochs, "parameters": int(model.count_params()),
            "latent_dim": model.latent_dim,
        }
        print(f"{name}: {results[name]}", flush=True)
        limit = DENSE_MAX_SECONDS if name == "vae_mnist_28" else MAX_SECONDS
        floors.append({"floor": f"{name}: training seconds", "measured": seconds,
                       "bound": limit, "relation": "<", "passed": bool(seconds < limit)})
        pictures.append(kg.plot.save_grid(np.asarray(model.generate(64, seed=0)),
                                          os.path.join(images, f"{name}_samples.png"),
                                          columns=8, scale=2))
        if name == "vae_mnist_28":
            pictures.append(kg.plot.save_rows([test[:12], model.reconstruct(test[:12])],
                                              os.path.join(images, "vae_reconstructions.png")))
        if model.latent_dim == 2:
            pictures.append(kg.plot.save_grid(latent_manifold(model),
                                              os.path.join(images, "vae_latent_manifold.png"),
                                              columns=MANIFOLD_SIZE, scale=1, padding=0))
    dense = results["vae_mnist_28"]["test_nll_nats"]
    floors.append({"floor": f"vae_mnist_28: test NLL ({samples} samples) <= {NLL_FLOOR} nats",
                   "measured": dense, "bound": NLL_FLOOR, "relation": "<=",
                   "passed": bool(dense <= NLL_FLOOR)})

    print(f"\n{'run':22s} {'NLL':>7s} {'-ELBO':>7s} {'recon':>7s} {'KL':>6s} {'MSE':>7s} "
          f"{'train s':>7s} {'eval s':>6s} {'epochs':>6s} {'params':>8s}")
    for name, r in results.items():
        print(f"{name:22s} {r['test_nll_nats']:7.2f} {r['test_negative_elbo_nats']:7.2f} "
              f"{r['test_reconstruction_nats']:7.2f} {r['test_kl_nats']:6.2f} "
              f"{r['test_mse']:7.4f} {r['train_seconds']:7.1f} {r['evaluation_seconds']:6.1f} "
              f"{r['epochs']:6d} {r['parameters']:8d}")
    print(f"\n{'floor':52s} {'measured':>9s}    {'bound':>7s}  ok")
    for f in floors:
        print(f"{f['floor']:52s} {f['measured']:9.2f} {f['relation']:>2s} {f['bound']:7.1f}  "
              f"{'yes' if f['passed'] else 'NO'}")

    report = {
        "issue": 4,
        "command": " ".join(["python tools/floors_vae.py", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "data": "mnist fixed split: 4000 train digits dynamically binarized for training; "
                "1000 test digits binarized at 0.5 for evaluation",
        "runs": results,
        "floors": floors,
        "all_passed": all(f["passed"] for f in floors),
        "machine": floor_report.machine(),
        "images": pictures,
    }
    floor_report.write_results(args.out, "vae", report, pictures)
    return 0 if report["all_passed"] or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
