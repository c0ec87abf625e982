"""Corrupted files give a clear error (issue #14).

Every model file the library loads (`.keras` archives and preset folders via
`kg.zoo.load`, `.weights.h5` via `kg.zoo.load(..., weights=...)`, `.tflite` via
`kg.export.TFLiteRunner`) is truncated to half its bytes or has bytes flipped
in the middle; loading must raise `kg.zoo.CorruptedFileError` (a `ValueError`)
that names the file and says what is wrong, never load silently changed
weights, and never surface a raw h5py / zipfile / LiteRT error.
"""

import json
import shutil

import h5py
import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.export import digests
from keras_gen.testing.models import TinyAutoencoder, register_test_preset

CorruptedFileError = kg.zoo.CorruptedFileError
X = np.random.default_rng(1).uniform(size=(1, 4, 4, 1)).astype("float32")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """An intact tiny model in every format: `.keras`, `.weights.h5`, preset, `.tflite`."""
    root = tmp_path_factory.mktemp("intact")
    keras.utils.set_random_seed(0)
    model = TinyAutoencoder(seed=0)
    model.compile()
    model.fit(np.random.default_rng(0).uniform(size=(8, 4, 4, 1)).astype("float32"),
              epochs=1, verbose=0)
    model.save(root / "model.keras")
    model.save_weights(root / "model.weights.h5")  # atomic, digest of the values inside
    kg.zoo.save_preset(model, root / "preset")  # digest in metadata.json and in the file
    kg.export.export(model, root / "export", formats=("tflite",), verbose=False)
    return {"root": root, "model": model, "weights": model.get_weights(),
            "keras": root / "model.keras", "h5": root / "model.weights.h5",
            "preset": root / "preset", "preset_h5": root / "preset" / "model.weights.h5",
            "tflite": root / "export" / "reconstruct.tflite"}


def truncated(source, target):
    """A copy of `source` with only the first half of its bytes."""
    data = source.read_bytes()
    target.write_bytes(data[:len(data) // 2])
    return target


def flipped(source, target, at=0.5, count=16):
    """A copy of `source` with `count` bytes inverted from fraction `at` of the file."""
    data = bytearray(source.read_bytes())
    start = min(int(len(data) * at), len(data) - count)
    for i in range(start, start + count):
        data[i] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def raises_clear_error(target, words, call):
    """`call()` raises a `CorruptedFileError` naming `target` and holding every word."""
    with pytest.raises(CorruptedFileError) as info:
        call()
    message = str(info.value)
    assert str(target) in message, message
    for word in words:
        assert word in message, message
    assert isinstance(info.value, ValueError)
    return info.value


def same_weights(model, weights):
    return all(np.array_equal(a, b) for a, b in zip(model.get_weights(), weights))


# -- .keras ---------------------------------------------------------------------------------

def test_intact_keras_file_loads_through_zoo(files):
    model = kg.zoo.load(files["keras"])
    assert type(model) is TinyAutoencoder and same_weights(model, files["weights"])
    assert model.compiled
    fresh = kg.zoo.load(str(files["keras"]), weights=None, code_dim=2)
    assert fresh.code_dim == 2
    reweighted = kg.zoo.load(files["keras"], weights=files["h5"], compile=False)
    assert same_weights(reweighted, files["weights"]) and not reweighted.compiled


def test_truncated_keras_file(files, tmp_path):
    bad = truncated(files["keras"], tmp_path / "half.keras")
    error = raises_clear_error(bad, ["truncated", "central directory"],
                               lambda: kg.zoo.load(bad))
    assert f"{bad.stat().st_size:,} bytes" in error.found


@pytest.mark.parametrize("at", [0.02, 0.5, 0.9])
def test_flipped_keras_file(files, tmp_path, at):
    bad = flipped(files["keras"], tmp_path / "flipped.keras", at=at)
    raises_clear_error(bad, ["corrupted"], lambda: kg.zoo.load(bad))


def test_keras_file_that_is_not_a_zip(files, tmp_path):
    bad = tmp_path / "weights.keras"
    shutil.copy(files["h5"], bad)
    error = raises_clear_error(bad, ["not a valid .keras file", "zip archive"],
                               lambda: kg.zoo.load(bad))
    assert error.found == "an HDF5 file"
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    raises_clear_error(empty, ["not a valid .keras file", "empty file"],
                       lambda: kg.zoo.load(empty))


def test_missing_keras_file_is_not_taken_for_a_preset_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="no .keras file"):
        kg.zoo.load(tmp_path / "absent.keras")


# -- .weights.h5 ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_preset():
    return register_test_preset().name  # registered, no pretrained folder: bare weights path


def test_truncated_bare_weights_file(files, tmp_path, tiny_preset):
    bad = truncated(files["h5"], tmp_path / "half.weights.h5")
    size = files["h5"].stat().st_size
    error = raises_clear_error(bad, ["truncated", f"{size:,} bytes", f"{size // 2:,} bytes"],
                               lambda: kg.zoo.load(tiny_preset, weights=bad))
    assert "superblock" in error.expected


def test_truncated_weights_in_a_preset_folder_without_hash(files, tmp_path):
    folder = tmp_path / "preset"
    shutil.copytree(files["preset"], folder)
    (folder / "metadata.json").unlink()  # no sha256 to compare with
    truncated(files["preset_h5"], folder / "model.weights.h5")
    raises_clear_error(folder / "model.weights.h5", ["truncated"], lambda: kg.zoo.load(folder))


def test_flipped_weights_in_a_preset_folder_with_hash(files, tmp_path):
    folder = tmp_path / "preset"
    shutil.copytree(files["preset"], folder)
    flipped(files["preset_h5"], folder / "model.weights.h5")
    error = raises_clear_error(folder / "model.weights.h5", ["corrupted"],
                               lambda: kg.zoo.load(folder))
    assert isinstance(error, kg.zoo.HashMismatchError)


def _values_middle(path):
    """File offset of the middle of the largest dataset's values in an HDF5 file."""
    with h5py.File(path, "r") as handle:
        found = []
        handle.visititems(lambda name, item: found.append(item)
                          if isinstance(item, h5py.Dataset) else None)
        largest = max(found, key=lambda d: d.nbytes)
        return largest.id.get_offset() + largest.nbytes // 2


def test_flipped_values_of_a_bare_weights_file_with_digest(files, tmp_path, tiny_preset):
    """A weights file written by `save_preset`, used on its own (no metadata.json)."""
    size = files["preset_h5"].stat().st_size
    bad = flipped(files["preset_h5"], tmp_path / "flipped.weights.h5",
                  at=_values_middle(files["preset_h5"]) / size, count=4)
    error = raises_clear_error(bad, ["corrupted", "digest", "sha256"],
                               lambda: kg.zoo.load(tiny_preset, weights=bad))
    assert error.expected != error.found


def test_weights_file_flipped_anywhere_errors_or_loads_unchanged(files, tmp_path):
    """Every flip of a digest-bearing file: a clear error, or (unused bytes) the same weights."""
    source = files["preset_h5"]
    bad = tmp_path / "flipped.weights.h5"
    outcomes = set()
    for at in np.linspace(0.0, 0.99, 34):
        flipped(source, bad, at=at, count=8)
        model = TinyAutoencoder(seed=0)
        try:
            kg.zoo.store.load_weights_file(model, bad)
        except CorruptedFileError as error:
            assert str(bad) in str(error)
            outcomes.add("error")
            continue
        assert same_weights(model, files["weights"]), f"flip at {at:.2f} changed the weights"
        outcomes.add("unchanged")
    assert "error" in outcomes


def test_model_save_weights_is_atomic_and_its_values_are_checked(files, tmp_path):
    """`model.save_weights` / `load_weights` (also what BackupAndRestore calls)."""
    assert not [p for p in files["root"].iterdir() if p.name.startswith(".")]
    size = files["h5"].stat().st_size
    bad = flipped(files["h5"], tmp_path / "flipped.weights.h5",
                  at=_values_middle(files["h5"]) / size, count=4)
    model = TinyAutoencoder(seed=0)
    raises_clear_error(bad, ["corrupted", "digest"], lambda: model.load_weights(bad))
    model.load_weights(files["h5"])
    assert same_weights(model, files["weights"])


def test_weights_file_that_is_not_hdf5(files, tmp_path, tiny_preset):
    bad = tmp_path / "model.weights.h5"
    shutil.copy(files["keras"], bad)
    error = raises_clear_error(bad, ["not a valid .weights.h5 file", "HDF5"],
                               lambda: kg.zoo.load(tiny_preset, weights=bad))
    assert "zip archive" in error.found
    header = flipped(files["h5"], tmp_path / "header.weights.h5", at=0.0, count=4)
    raises_clear_error(header, ["not a valid .weights.h5 file"],
                       lambda: kg.zoo.load(tiny_preset, weights=header))


def test_intact_weights_files_load(files, tiny_preset):
    for path in (files["h5"], files["preset_h5"]):
        model = kg.zoo.load(tiny_preset, weights=path, compile=False)
        assert same_weights(model, files["weights"])
    assert same_weights(kg.zoo.load(files["preset"]), files["weights"])


def test_corrupted_preset_config(files, tmp_path):
    folder = tmp_path / "preset"
    shutil.copytree(files["preset"], folder)
    flipped(files["preset"] / "config.json", folder / "config.json", count=4)
    with pytest.raises(ValueError, match="config.json is not valid JSON"):
        kg.zoo.load(folder)


# -- .tflite --------------------------------------------------------------------------------

def test_intact_tflite_runs_and_checks_its_digest(files):
    runner = kg.export.TFLiteRunner(files["tflite"])
    assert runner.has_digest
    np.testing.assert_allclose(runner(x=X), files["model"](X), atol=1e-5)


@pytest.mark.parametrize("as_bytes", [False, True], ids=["path", "bytes"])
def test_truncated_tflite(files, tmp_path, as_bytes):
    bad = truncated(files["tflite"], tmp_path / "half.tflite")
    source = bad.read_bytes() if as_bytes else bad
    raises_clear_error("<bytes>" if as_bytes else bad,
                       ["truncated or corrupted", "not a valid TFLite flatbuffer"],
                       lambda: kg.export.TFLiteRunner(source))


def test_flipped_tflite(files, tmp_path):
    bad = flipped(files["tflite"], tmp_path / "flipped.tflite")
    raises_clear_error(bad, ["corrupted"], lambda: kg.export.run_tflite(bad, x=X))


def test_tflite_flipped_anywhere_is_refused(files, tmp_path):
    """The embedded sha256 catches what the flatbuffer verifier cannot (weights, shapes)."""
    bad = tmp_path / "flipped.tflite"
    reasons = set()
    for at in np.linspace(0.0, 0.99, 40):
        flipped(files["tflite"], bad, at=at, count=4)
        reasons.add(raises_clear_error(bad, ["corrupted"],
                                       lambda: kg.export.TFLiteRunner(bad)).problem)
    assert any("digest" in reason for reason in reasons)  # some flips pass the verifier


def test_file_that_is_not_tflite(files, tmp_path):
    bad = tmp_path / "model.tflite"
    shutil.copy(files["h5"], bad)
    error = raises_clear_error(bad, ["not a valid TFLite model", "TFL3"],
                               lambda: kg.export.TFLiteRunner(bad))
    assert error.found == "an HDF5 file"


def test_tflite_without_digest_still_loads(files):
    """Files from other tools (or older exports) carry no digest: verifier checks only."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    content = files["tflite"].read_bytes()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAs(content, 0))
    model.metadata = [m for m in model.metadata
                      if m.name not in (digests.TFLITE_DIGEST_NAME,
                                        digests.TFLITE_DIGEST_NAME.encode())]
    builder = flatbuffers.Builder(len(content))
    builder.Finish(model.Pack(builder), file_identifier=digests.TFLITE_IDENTIFIER)
    runner = kg.export.TFLiteRunner(bytes(builder.Output()))
    assert not runner.has_digest
    np.testing.assert_allclose(runner(x=X), files["model"](X), atol=1e-5)


def test_export_report_sizes_include_the_digest(files):
    report = json.loads((files["root"] / "export" / "report.json").read_text())
    for entry in report["files"]:
        path = files["root"] / "export" / entry["path"].split("/")[-1]
        assert entry["size_bytes"] == path.stat().st_size
