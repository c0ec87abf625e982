"""The speed a plain `VAE(...)` + `compile()` gets, against the same with XLA.

    python tools/plain_defaults.py                 # writes docs/results/plain_defaults.json
    python tools/plain_defaults.py --rounds 1 --epochs 1 --out /tmp/d.json   # a quick look

On a CPU-only TensorFlow Keras' `jit_compile="auto"` turns XLA off; the VAE
presets' recipes turn it on. This says whether a plain model should get it by
default: for each architecture it trains a fresh model with `compile()` (the
family's defaults) and with `compile(jit_compile=True)`, alternating, on the
4,000 MNIST training digits (batch 100), and reports the images/s of the
epochs after the first (which traces), the median over the rounds, with the
machine's float32 matmul peak beside it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

ARCHITECTURES = {
    "dense VAE 784-512-256-16": {"input_shape": (28, 28, 1), "latent_dim": 16,
                                 "hidden": (512, 256)},
    "conv VAE (16, 32 filters)": {"input_shape": (28, 28, 1), "latent_dim": 16,
                                  "hidden": (256,), "conv_filters": (16, 32)},
}
SETTINGS = {"compile()": {}, "compile(jit_compile=True)": {"jit_compile": True}}


def images_per_second(config, compile_kwargs, x, epochs):
    import keras

    import keras_gen as kg

    keras.utils.set_random_seed(0)
    model = kg.models.VAE(**config)
    model.compile(**compile_kwargs)
    model.fit(x, batch_size=100, epochs=1, verbose=0)  # traces
    start = time.perf_counter()
    model.fit(x, batch_size=100, epochs=epochs, verbose=0)
    return epochs * len(x) / (time.perf_counter() - start), bool(model.jit_compile)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per run")
    parser.add_argument("--out", default="docs/results/plain_defaults.json")
    args = parser.parse_args(argv)
    import bench_flops
    import keras

    import keras_gen as kg
    from keras_gen.core import safe_io

    x = kg.data.load_arrays("mnist", "train")[0]
    peak = bench_flops.matmul_peak()["flops_per_second"] / 1e9
    print(f"backend {keras.backend.backend()}, float32 matmul peak {peak:.0f} GFLOP/s",
          flush=True)
    rows = []
    for name, config in ARCHITECTURES.items():
        rates = {setting: [] for setting in SETTINGS}
        xla = {}
        for index in range(args.rounds):
            order = list(SETTINGS) if index % 2 == 0 else list(SETTINGS)[::-1]
            for setting in order:
                rate, xla[setting] = images_per_second(config, SETTINGS[setting], x, args.epochs)
                rates[setting].append(rate)
                print(f"  {name}, {setting}: {rate:,.0f} images/s", flush=True)
        medians = {s: statistics.median(r) for s, r in rates.items()}
        default, with_xla = (medians[s] for s in SETTINGS)
        rows.append({"architecture": name, "images_per_second": medians, "runs": rates,
                     "xla": xla, "xla_over_default": with_xla / default})
        print(f"{name}: compile() {default:,.0f}, with XLA {with_xla:,.0f} images/s: "
              f"XLA {with_xla / default:.2f}x", flush=True)
    report = {"command": "python tools/plain_defaults.py " + " ".join(argv or sys.argv[1:]),
              "backend": keras.backend.backend(), "matmul_peak_gflops": peak,
              "rounds": args.rounds, "timed_epochs": args.epochs, "rows": rows}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with safe_io.atomic_path(out) as temporary:
        Path(temporary).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
