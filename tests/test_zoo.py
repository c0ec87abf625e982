"""Preset registry, preset folders, and the URL download path against a local server."""

import functools
import http.server
import threading

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.core import store


@keras.saving.register_keras_serializable(package="keras_gen_tests")
class TinyModel(keras.Model):
    """A one-layer model standing in for a family model in registry tests."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)
        self.build((None, 4))

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.built = True

    def call(self, x):
        return self.dense(x)

    def get_config(self):
        return {"units": self.units, "name": self.name}


SPEC = kg.zoo.PresetSpec(name="tiny_test_preset", family="test", model_class=TinyModel,
                         config={"units": 3}, aliases=("tinytest",))


@pytest.fixture
def registered():
    kg.zoo.register_presets(SPEC)
    yield SPEC
    kg.zoo.registry.unregister(SPEC.name)


def test_unknown_name_suggests_close_names():
    with pytest.raises(KeyError, match="stylegan"):
        kg.zoo.load("stylegann")


def test_register_get_alias_and_fresh_load(registered):
    assert kg.zoo.get("tinytest") is registered
    model = kg.zoo.load("tiny_test_preset", weights=None, compile=False, units=5)
    assert model.units == 5
    with pytest.raises(FileNotFoundError, match="train_zoo.py tiny_test_preset"):
        kg.zoo.load("tiny_test_preset")
    assert [r["name"] for r in kg.zoo.list("tinytest")] == ["tiny_test_preset"]


def test_preset_folder_round_trip_and_hash_check(tmp_path):
    model = TinyModel(units=3)
    folder = tmp_path / "preset"
    meta = kg.zoo.save_preset(model, folder, metadata={"data": "none"})
    assert len(meta["sha256"][store.WEIGHTS_FILE]) == 64
    loaded = kg.zoo.load(str(folder), compile=False)
    x = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(model(x), loaded(x))
    weights = folder / store.WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(kg.zoo.HashMismatchError, match="expected .* got"):
        kg.zoo.load(str(folder), compile=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_preset_from_local_server(http_server):
    root, url = http_server
    model = TinyModel(units=3)
    kg.zoo.save_preset(model, root / "tiny")
    loaded = kg.zoo.load(f"{url}/tiny/", compile=False)
    x = np.ones((2, 4), "float32")
    np.testing.assert_array_equal(model(x), loaded(x))
    cached = list((kg.zoo.home() / "presets").iterdir())
    assert len(cached) == 1 and (cached[0] / store.WEIGHTS_FILE).exists()


def test_download_hash_mismatch_leaves_nothing_in_cache(http_server):
    root, url = http_server
    (root / "blob.bin").write_bytes(b"x" * 1000)
    with pytest.raises(kg.zoo.HashMismatchError) as info:
        kg.zoo.download(f"{url}/blob.bin", sha256="0" * 64)
    assert "0" * 64 in str(info.value) and "blob.bin" in str(info.value)
    leftovers = [p for p in (kg.zoo.home() / "downloads").rglob("*") if p.is_file()]
    assert leftovers == []
    good = store.safe_io.sha256_file(root / "blob.bin")
    path = kg.zoo.download(f"{url}/blob.bin", sha256=good)
    assert path.read_bytes() == b"x" * 1000


def test_preset_url_with_wrong_pinned_hash_is_refused(http_server):
    root, url = http_server
    kg.zoo.save_preset(TinyModel(units=3), root / "tiny")
    with pytest.raises(kg.zoo.HashMismatchError):
        kg.zoo.load(f"{url}/tiny/", sha256="f" * 64, compile=False)
    assert not (kg.zoo.home() / "presets").exists() or not any(
        (p / store.WEIGHTS_FILE).exists() for p in (kg.zoo.home() / "presets").iterdir())


def test_unreachable_url_is_a_clear_error():
    with pytest.raises(ConnectionError, match="could not download"):
        kg.zoo.download("http://127.0.0.1:9/nothing.bin")


def test_float16_storage_halves_the_file_and_loads_as_rounded_float32(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256), keras.layers.Dense(64)])
    full = tmp_path / "full.weights.h5"
    model.save_weights(str(full))
    half = tmp_path / "half.weights.h5"
    model.save_weights(str(half))
    store._store_as(half, "float16")
    assert half.stat().st_size < 0.6 * full.stat().st_size
    expected = [w.astype("float16").astype("float32") for w in model.get_weights()]
    model.load_weights(str(half))
    for got, want in zip(model.get_weights(), expected):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="storage_dtype"):
        kg.zoo.save_preset(TinyModel(), tmp_path / "p", storage_dtype="int8")
