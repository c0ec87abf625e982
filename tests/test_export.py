"""Export: SavedModel signatures and builtin-op TFLite files, checked against Keras."""

import json

import keras
import numpy as np
import pytest

import keras_gen as kg
from keras_gen.testing.models import TinyAutoencoder


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return TinyAutoencoder()


def test_float32_export_matches_keras(model, tmp_path):
    report = kg.export.export(model, tmp_path / "out", verbose=False)
    tflite = {f.function: f for f in report.files if f.format == "tflite"}
    assert set(tflite) == {"encode", "decode", "reconstruct"}
    for f in report.files:
        assert f.max_abs_diff < 1e-4, f
        assert f.size_bytes > 0 and f.latency_ms > 0
    assert (tmp_path / "out" / "saved_model" / "saved_model.pb").exists()
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert len(saved["files"]) == 6
    assert "reconstruct" in str(report)


def test_tflite_runs_on_builtin_interpreter(model, tmp_path):
    kg.export.export(model, tmp_path / "out", formats=("tflite",), verbose=False)
    x = np.random.default_rng(1).uniform(size=(1, 4, 4, 1)).astype("float32")
    out = kg.export.run_tflite(tmp_path / "out" / "reconstruct.tflite", x=x)
    np.testing.assert_allclose(out, model(x), atol=1e-5)
    assert not (tmp_path / "out" / "saved_model").exists()


def test_float16_and_int8(model, tmp_path):
    half = kg.export.export(model, tmp_path / "f16", formats=("tflite",), quantize="float16",
                            verbose=False)
    assert all(f.max_abs_diff < 1e-2 for f in half.files)
    data = np.random.default_rng(2).uniform(size=(50, 4, 4, 1)).astype("float32")
    q = kg.export.export(model, tmp_path / "int8", formats=("tflite",), quantize="int8",
                         representative_data=data, verbose=False)
    assert {f.quantize for f in q.files} == {"int8"}
    assert all(np.isfinite(f.max_abs_diff) for f in q.files)


def test_bad_arguments_and_unexportable(tmp_path):
    with pytest.raises(ValueError, match="quantize must be one of"):
        kg.export.export(TinyAutoencoder(), tmp_path / "x", quantize="int4")
    with pytest.raises(ValueError, match="formats must be"):
        kg.export.export(TinyAutoencoder(), tmp_path / "x", formats=("onnx",))
    with pytest.raises(ValueError, match="names no serving functions"):
        kg.export.export(keras.Sequential([keras.layers.Dense(1)]), tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_exporter_keeps_the_names_callers_import_from_it():
    """`keras_gen.export.exporter` still offers what the CLI and tools import from it."""
    from keras_gen.export import calibration, conversion, digests, export_folder, exporter

    assert exporter.check_out_dir is export_folder.check_out_dir
    assert exporter.preset_calibration_data is calibration.preset_calibration_data
    assert exporter.tflite_ops is conversion.tflite_ops
    assert exporter.TFLITE_DIGEST_NAME == digests.TFLITE_DIGEST_NAME
    assert kg.export.export is exporter.export and kg.export.TFLiteRunner is exporter.TFLiteRunner
