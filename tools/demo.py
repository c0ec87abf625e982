"""The main job behind `make demo`: a zoo model's pictures as PNG files.

Uses the pretrained headline presets when the catalogue has them; otherwise
trains a small dense autoencoder on the built-in MNIST digits (with Keras'
progress bar) and writes originals over reconstructions.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="out", help="folder for the PNG files")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    start = time.time()
    paths = train_autoencoder(args.out, args.epochs)
    for path in paths:
        print(f"wrote {path}")
    print(f"demo finished in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
