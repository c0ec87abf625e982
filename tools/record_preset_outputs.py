"""Record what every shipped preset outputs for fixed inputs, as the reference
that `tests/test_preset_outputs.py` compares against bit for bit.

Run it only when a change is *meant* to alter outputs (new weights, a new
architecture); a refactor must leave the stored file untouched:

    python tools/record_preset_outputs.py          # writes tests/data/preset_outputs.npz

Per preset, `<name>/<kind>` arrays: `samples` (`generate(4, seed=0)`) for
generative models, `reconstructions` (`reconstruct` of the first 4 test
images) for autoencoders and VAEs, `logits` (`call` on 4 test images) for the
classifier.

Bit-identity holds on one kind of machine: TensorFlow's CPU kernels (oneDNN)
pick their instructions by the processor's features (AVX2, AVX-512, AMX), and
convolutions then round differently in the last bits. The file records the
`machine_signature()` it was written on; elsewhere the test allows
`CROSS_MACHINE_ATOL` (outputs in [0, 1]; seen: up to 3e-6 between two Xeons).
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from machine import machine_signature  # noqa: E402  (one reading of the machine, with the bench)

REFERENCE = ROOT / "tests" / "data" / "preset_outputs.npz"
N = 4
SIGNATURE_KEY = "__machine__"
CROSS_MACHINE_ATOL = 1e-5


def preset_outputs(name):
    """`{kind: float32 array}` of the shipped preset `name` on the fixed inputs."""
    import numpy as np

    import keras_gen as kg

    spec = kg.zoo.get(name)
    model = kg.zoo.load(name, compile=False)
    outputs = {}
    x = None
    if hasattr(model, "reconstruct") or not hasattr(model, "generate"):
        x, _ = kg.data.load_arrays(**{**spec.data, "split": "test"})
        x = x[:N]
    if hasattr(model, "generate"):
        outputs["samples"] = np.asarray(model.generate(N, seed=0))
    if hasattr(model, "reconstruct"):
        outputs["reconstructions"] = np.asarray(model.reconstruct(x))
    if not outputs:
        outputs["logits"] = np.asarray(model(x, training=False))
    return {kind: value.astype("float32") for kind, value in outputs.items()}


def shipped_presets():
    import keras_gen as kg

    return [row["name"] for row in kg.zoo.list() if row["pretrained"]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REFERENCE))
    args = parser.parse_args(argv)
    import numpy as np

    from keras_gen.core import safe_io

    arrays = {SIGNATURE_KEY: np.array(machine_signature())}
    for name in shipped_presets():
        print(f"recording {name} ...", flush=True)
        for kind, value in preset_outputs(name).items():
            arrays[f"{name}/{kind}"] = value
    with safe_io.atomic_path(args.out) as tmp:
        with open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
    print(f"wrote {args.out} ({len(arrays) - 1} arrays, machine {arrays[SIGNATURE_KEY]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
