"""The shipped catalogue: every preset loads (sha256-checked), reproduces the
metric recorded in its metadata, and the whole catalogue stays under 50 MB."""

import pytest

import keras_gen as kg
from keras_gen.core import store

SHIPPED = [row["name"] for row in kg.zoo.list() if row["pretrained"]]
CATALOGUE_LIMIT_BYTES = 50 * 1024 * 1024
# Families whose headline metric takes minutes to measure are checked on a
# cheaper metric that the same evaluation also recorded.
CHEAP_METRIC = {"vae": "test_mse"}


def test_catalogue_is_small_enough():
    size = sum(p.stat().st_size for p in store.CATALOGUE_DIR.rglob("*") if p.is_file())
    assert size < CATALOGUE_LIMIT_BYTES, f"catalogue is {size / 1e6:.1f} MB"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_preset_reproduces_its_metric(name):
    spec = kg.zoo.get(name)
    meta = kg.zoo.metadata(name)
    assert meta["preset"] == name and len(meta["sha256"][store.WEIGHTS_FILE]) == 64
    model = kg.zoo.load(name)
    assert model.compiled
    key = CHEAP_METRIC.get(spec.family, meta.get("headline_metric") or spec.headline_metric)
    if key not in meta["metrics"] or spec.evaluate is None:
        pytest.fail(f"{name}: metadata has no {key!r} to check")
    if spec.family == "vae":
        import numpy as np

        from keras_gen.models.vae.presets import binarize

        x, _ = kg.data.load_arrays(**{**spec.data, "split": "test"})
        targets = binarize(x) if model.likelihood == "bernoulli" else x
        measured = float(np.mean((model.reconstruct(targets) - targets) ** 2))
    else:
        measured = spec.evaluate(model, spec)[key]
    assert measured == pytest.approx(meta["metrics"][key], rel=0.05, abs=1e-3), key
