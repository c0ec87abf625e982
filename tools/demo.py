"""The main job behind `make demo`: the zoo's headline models as PNG files.

Loads the pretrained headline presets that the catalogue ships (StyleGAN and
VAE samples, autoencoder reconstructions; sha256-checked, offline). If none is
shipped, or with `--train`, it trains a small dense autoencoder on the built-in
MNIST digits (with Keras' progress bar) and writes originals over
reconstructions.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def train_autoencoder(out, epochs):
    import keras

    import keras_gen as kg

    keras.utils.set_random_seed(0)
    x_train, _ = kg.data.load_arrays("mnist", "train")
    x_test, _ = kg.data.load_arrays("mnist", "test")
    model = kg.models.Autoencoder(input_shape=(28, 28, 1), hidden=(256, 128), code_dim=30)
    model.compile()
    print(f"Training a dense autoencoder (784-256-128-30) on {len(x_train)} MNIST digits...")
    model.fit(x_train, epochs=epochs, batch_size=64, validation_data=x_test[:500], verbose=1)
    test_mse = model.evaluate(x_test, verbose=0, return_dict=True)["reconstruction_loss"]
    path = kg.plot.save_rows([x_test[:16], model.reconstruct(x_test[:16])],
                             os.path.join(out, "demo_autoencoder.png"), scale=3)
    print(f"test reconstruction MSE: {test_mse:.4f}")
    return [path]


HEADLINE = (("stylegan", "samples"), ("vae", "samples"), ("conv_ae_mnist_28", "reconstructions"),
            ("ae_mnist_28", "reconstructions"))


def pretrained_pictures(out):
    """PNGs of every shipped headline preset; returns the paths written."""
    import keras_gen as kg
    from keras_gen.commands.plot import draw

    paths = []
    for name, kind in HEADLINE:
        spec = kg.zoo.get(name)
        if not kg.zoo.metadata(spec.name):
            print(f"{name}: no pretrained weights shipped, skipped")
            continue
        model = kg.zoo.load(name, compile=False)
        metrics = kg.zoo.metadata(spec.name).get("metrics", {})
        headline = spec.headline_metric
        note = f" ({headline} = {metrics[headline]:.4g})" if headline in metrics else ""
        print(f"{name}: loaded {spec.name}{note}")
        paths.append(draw(model, kind, os.path.join(out, f"demo_{spec.name}_{kind}.png"),
                          n=64, seed=0, spec=spec))
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the PNG files")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--train", action="store_true",
                        help="train the small autoencoder even if presets are shipped")
    args = parser.parse_args(argv)
    start = time.time()
    paths = [] if args.train else pretrained_pictures(args.out)
    if not paths:
        paths = train_autoencoder(args.out, args.epochs)
    for path in paths:
        print(f"wrote {path}")
    print(f"demo finished in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
