"""Reproducibility (issue #14): the same seed gives the same weights and the same samples.

For every registered preset (tiny configuration), a fresh model is built with
a seed and trained a couple of steps, twice: the weights and outputs
(`generate`, `reconstruct`, or predictions) must be bit-identical. A model
built with another seed must start from other weights and give other outputs.

"The seed" is both Keras' global seed (`keras.utils.set_random_seed`: weight
initialisers, shuffling) and the model's own `seed=` (every random draw of a
train step: noise, latents, sampling, augmentation, replay).
"""

import hashlib
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.models.progressive import ProgressiveGAN

SPECS = kg.zoo.specs()
SEED, OTHER_SEED = 11, 12
STEPS = 2
BATCH = 4


def _compile_kwargs(spec, model):
    """The preset's compile settings; no R1 penalty for the growing GANs.

    Tracing R1's second-order gradients through every resolution branch takes
    most of these GANs' time here (about 5 s of 9 per model) and draws nothing
    at random; the random draws of their train step are all still compared.
    """
    kwargs = dict(spec.compile)
    if isinstance(model, ProgressiveGAN):
        kwargs["r1_gamma"] = 0.0
    return kwargs


def _outputs(model):
    """What a user gets out of the model: samples, reconstructions or predictions."""
    outputs = {}
    if hasattr(model, "generate"):
        outputs["generate(4)"] = np.asarray(model.generate(4))  # the model's own generator
        outputs["generate(4, seed=0)"] = np.asarray(model.generate(4, seed=0))
    if hasattr(model, "reconstruct"):
        outputs["reconstruct"] = np.asarray(model.reconstruct(model.example_data(4, seed=1)))
    if not outputs:
        outputs["call"] = keras.ops.convert_to_numpy(model(model.example_call_inputs(4, seed=1)))
    return outputs


def _weights(model):
    """Every variable (trainable or not, optimizer state excluded), by position.

    Keyed by position and path, since automatic layer names differ between models.
    """
    return {f"{i}:{v.path}": keras.ops.convert_to_numpy(v) for i, v in enumerate(model.variables)}


def _run(spec, seed, train=True):
    """A fresh tiny model seeded with `seed`: its state before and after `STEPS` steps.

    Returns `{"weights", "outputs"}` at start and, if `train`, `{"trained_weights",
    "trained_outputs"}` too.
    """
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = spec.build(tiny=True, seed=seed)
    state = {"weights": _weights(model)}
    if not train:
        state["outputs"] = _outputs(model)
        return state
    model.compile(**_compile_kwargs(spec, model))
    data = model.example_data(STEPS * BATCH, seed=0)  # the same data for every seed
    if isinstance(data, np.ndarray):
        model.fit(data, batch_size=BATCH, epochs=1, verbose=0)
    else:  # a dataset (the classifier's labelled data) of one batch
        model.fit(data, epochs=STEPS, verbose=0, shuffle=False)
    state["trained_weights"] = _weights(model)
    state["trained_outputs"] = _outputs(model)
    return state


_FIRST_RUNS = {}


def _first_run(spec):
    """`_run(spec, SEED)`, computed once per test session (reused by the process test)."""
    if spec.name not in _FIRST_RUNS:
        _FIRST_RUNS[spec.name] = _run(spec, SEED)
    return _FIRST_RUNS[spec.name]


def _digest(state):
    """sha256 of the trained weights and outputs, in order (compared across processes)."""
    digest = hashlib.sha256()
    for key in ("trained_weights", "trained_outputs"):
        for array in state[key].values():
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _differences(a, b):
    """Keys (of `a`) whose arrays differ between two dicts of arrays, matched by position."""
    assert len(a) == len(b)
    return sorted(key for (key, x), y in zip(a.items(), b.values()) if not np.array_equal(x, y))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_same_seed_same_weights_and_samples(spec):
    first, second = _first_run(spec), _run(spec, SEED)
    for key in ("weights", "trained_weights", "trained_outputs"):
        differ = _differences(first[key], second[key])
        assert not differ, f"{spec.name}: the same seed gave different {key}: {differ[:5]}"
    moved = _differences(first["weights"], first["trained_weights"])
    assert moved, f"{spec.name}: training changed no variable, nothing was compared"


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_other_seed_other_weights_and_samples(spec):
    first, other = _run(spec, SEED, train=False), _run(spec, OTHER_SEED, train=False)
    assert _differences(first["weights"], other["weights"]), (
        f"{spec.name}: another seed gave identical initial weights")
    same = set(first["outputs"]) - set(_differences(first["outputs"], other["outputs"]))
    assert not same, f"{spec.name}: another seed gave identical outputs: {sorted(same)}"


# Presets whose train step draws at random (noise, latents, sampling), cheap to trace.
PROCESS_PRESETS = ("ae_denoising_mnist_28", "dcgan_mnist_28", "vae_mnist_28")


def test_same_seed_same_results_in_another_process():
    """Another Python process (another hash seed) trains to the same bits."""
    env = {**os.environ, "PYTHONHASHSEED": "123", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run([sys.executable, __file__, *PROCESS_PRESETS], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    ours = {name: _digest(_first_run(kg.zoo.get(name))) for name in PROCESS_PRESETS}
    assert theirs == ours


if __name__ == "__main__":  # used by the test above: digests of the given presets' runs
    print(json.dumps({name: _digest(_run(kg.zoo.get(name), SEED)) for name in sys.argv[1:]}))
