"""keras_gen on the JAX backend: every family (autoencoders, VAEs, DCGAN,
ProGAN, StyleGAN) passes the registry-wide checks there, every shipped preset
gives TensorFlow's samples and reconstructions, a family that declares it does
not run there says so, and a VAE and a DCGAN trained on JAX load on TensorFlow
with the same reconstructions and samples.

The checks run in one child process (`tests/backend_job.py`), since Keras
picks its backend once per process; one test reads all its results, so that
parallel test workers do not each start the child."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np

import keras_gen as kg

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS_ATOL = 1e-4  # what the same weights may give apart on two backends


def _run_on(backend, folder):
    out = folder / "results.json"
    env = {**os.environ, "KERAS_BACKEND": backend, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "backend_job.py"), str(out),
                           str(folder)], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(out.read_text())


def _training_problems(name, result):
    problems = []
    if not result["logs"] or not all(np.isfinite(v) for v in result["logs"].values()):
        problems.append(f"logs {result['logs']}")
    if not all(result["moved"]):
        problems.append(f"weights fit left unchanged: {result['moved']}")
    if not result["same_seed"]:
        problems.append("two runs from one seed gave different weights")
    if result["saving_error"] is not None:
        problems.append(f".keras round trip: {result['saving_error']}")
    for form in ("nan_numpy", "nan_dataset"):
        error = result[form] or "no error"
        if not error.startswith("InputCheckError") or "nan" not in error.lower():
            problems.append(f"NaN input as {form[4:]}: {error[:300]}")
    return [f"{name}: {p}" for p in problems]


def test_the_registry_on_jax(tmp_path):
    results = _run_on("jax", tmp_path)
    assert results["backend"] == "jax"
    jax_presets = sorted(s.name for s in kg.zoo.specs()
                         if "jax" in getattr(s.model_class, "TRAINS_ON", ()))
    assert {"ae_mnist_28", "vae_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows",
            "dcgan_mnist_28", "progan_mnist_32", "stylegan_mnist_32"} <= set(jax_presets)
    assert sorted(results["training"]) == jax_presets
    problems = [p for name, result in results["training"].items()
                for p in _training_problems(name, result)]

    for name, kinds in results["outputs"].items():
        if "error" in kinds:
            problems.append(f"{name} outputs: {kinds['error']}")
        for kind, difference in kinds.items():
            if kind != "error" and difference > OUTPUTS_ATOL:
                problems.append(f"{name} {kind} differ from TensorFlow's by {difference:.2g}")
    assert sum("reconstructions" in kinds for kinds in results["outputs"].values()) >= 8
    assert sum("samples" in kinds for kinds in results["outputs"].values()) >= 5

    refused = results["refused"]
    assert len(refused) >= 1
    for name, error in refused.items():
        if not (error and error.startswith("NotImplementedError")
                and "KERAS_BACKEND=tensorflow" in error and "'jax'" in error):
            problems.append(f"{name} on JAX: {error}")

    model = keras.saving.load_model(tmp_path / "model.keras")  # here: TensorFlow
    reconstructions = model.reconstruct(np.load(tmp_path / "inputs.npy"))
    difference = float(np.max(np.abs(reconstructions - np.load(tmp_path /
                                                              "reconstructions.npy"))))
    if difference > 1e-5:
        problems.append(f"a VAE trained on JAX reconstructs {difference:.2g} apart on TF")
    gan = keras.saving.load_model(tmp_path / "gan.keras")
    difference = float(np.max(np.abs(gan.generate(4, seed=6) -
                                     np.load(tmp_path / "gan_samples.npy"))))
    if difference > 1e-5:
        problems.append(f"a DCGAN trained on JAX generates {difference:.2g} apart on TF")
    assert not problems, "\n".join(problems)
