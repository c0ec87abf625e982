"""The registry-wide checks, run under the Keras backend named by `KERAS_BACKEND`.

    KERAS_BACKEND=jax python tests/backend_job.py OUT.json [SAVED_DIR]

`tests/test_backends.py` runs this in a child process (Keras picks its
backend once per process) and asserts on the JSON it writes: per preset that
trains on the backend, one epoch of `fit` (finite logs, which weights moved),
reproducibility from a seed, the `.keras` round trip, NaN input refused in
numpy and `tf.data` form; per shipped preset, the largest difference of its
outputs from the TensorFlow reference; the refusal of a family that declares it
does not train here; and a small VAE and DCGAN trained here and saved to
`SAVED_DIR`, which the test loads on TensorFlow.
"""

import importlib.util
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

import keras
import numpy as np

import keras_gen as kg
from keras_gen import testing
from keras_gen.testing.models import TinyAutoencoder

ROOT = Path(__file__).resolve().parents[1]
_record_spec = importlib.util.spec_from_file_location(
    "record_preset_outputs", ROOT / "tools" / "record_preset_outputs.py")
record = importlib.util.module_from_spec(_record_spec)
_record_spec.loader.exec_module(record)


def _data(model, n=32, seed=0):
    shape = model.expected_input_shape()
    return np.random.default_rng(seed).uniform(size=(n, *shape)).astype("float32")


def _trained(spec, seed):
    keras.utils.set_random_seed(seed)
    model = spec.build(tiny=True, seed=seed)
    model.compile()
    history = model.fit(_data(model), epochs=1, batch_size=8, verbose=0)
    return model, {k: float(v[-1]) for k, v in history.history.items()}


def _error(run):
    try:
        run()
    except Exception as error:  # the test asserts on the type and text
        return f"{type(error).__name__}: {error}"
    return None


def check_training(spec):
    keras.utils.set_random_seed(1)
    fresh = spec.build(tiny=True, seed=1)
    before = [np.array(w) for w in fresh.trainable_weights]
    model, logs = _trained(spec, seed=1)
    moved = [not np.array_equal(b, np.asarray(w)) for b, w in zip(before, model.trainable_weights)]
    again, _ = _trained(spec, seed=1)
    same_seed = all(np.array_equal(np.asarray(a), np.asarray(b))
                    for a, b in zip(model.weights, again.weights))
    x = model.example_call_inputs(4, seed=2)
    saving = _error(lambda: testing.run_model_saving_test(model, x, directory=tempfile.mkdtemp()))
    bad = _data(model, 16)
    bad[5, 0] = np.nan
    nan_numpy = _error(lambda: model.fit(bad, epochs=1, batch_size=8, verbose=0))
    dataset = kg.data.to_dataset(bad, batch_size=8, shuffle=False)  # a tf.data.Dataset
    nan_dataset = _error(lambda: model.fit(dataset, epochs=1, verbose=0))
    return {"logs": logs, "moved": moved, "same_seed": same_seed, "saving_error": saving,
            "nan_numpy": nan_numpy, "nan_dataset": nan_dataset}


def main(out, saved_dir=None):
    results = {"backend": keras.backend.backend(), "training": {}, "outputs": {},
               "refused": {}}
    reference = np.load(record.REFERENCE)
    for spec in kg.zoo.specs():
        trains_on = getattr(spec.model_class, "TRAINS_ON", ())
        if keras.backend.backend() in trains_on:
            results["training"][spec.name] = check_training(spec)
        elif trains_on:
            results["refused"][spec.name] = _error(lambda spec=spec: spec.build(tiny=True))

    class TensorFlowOnly(TinyAutoencoder):
        TRAINS_ON = ("tensorflow",)

    results["refused"]["a family declaring TRAINS_ON = ('tensorflow',)"] = _error(
        TensorFlowOnly)
    for name in record.shipped_presets():
        trains_on = getattr(kg.zoo.get(name).model_class, "TRAINS_ON", None)
        if trains_on is not None and keras.backend.backend() not in trains_on:
            continue  # refused above
        try:
            outputs = record.preset_outputs(name)
            results["outputs"][name] = {kind: float(np.max(np.abs(value - reference[
                f"{name}/{kind}"]))) for kind, value in outputs.items()}
        except Exception as error:
            results["outputs"][name] = {"error": f"{type(error).__name__}: {error}"[:500]}
    if saved_dir:
        model, _ = _trained(kg.zoo.get("vae_mnist_28"), seed=4)
        x = _data(model, 4, seed=5)
        np.save(os.path.join(saved_dir, "inputs.npy"), x)
        np.save(os.path.join(saved_dir, "reconstructions.npy"), model.reconstruct(x))
        model.save(os.path.join(saved_dir, "model.keras"))
        gan, _ = _trained(kg.zoo.get("dcgan_mnist_28"), seed=4)
        np.save(os.path.join(saved_dir, "gan_samples.npy"), gan.generate(4, seed=6))
        gan.save(os.path.join(saved_dir, "gan.keras"))
    Path(out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except Exception:
        traceback.print_exc()
        sys.exit(1)
