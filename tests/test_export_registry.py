"""Every registered preset exports: builtin-op TFLite within the floors of issue #11.

Tiny configurations keep this fast; the pretrained presets are checked by
`tools/export.py` runs reported in docs/export.md.
"""

import pytest

import keras_gen as kg

SPECS = kg.zoo.specs()


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_float32_tflite_matches_keras(spec, tmp_path):
    model = spec.build(tiny=True, seed=0)
    report = kg.export.export(model, tmp_path / "f32", formats=("tflite",), verbose=False)
    assert report.files, "nothing exported"
    for exported in report.files:
        assert exported.max_abs_diff < 1e-4, exported


@pytest.mark.parametrize("name", [n for n in ("ae_mnist_28", "vae_mnist_28", "dcgan_mnist_28",
                                              "stylegan_mnist_32") if n in kg.zoo.names()])
def test_float16_tflite_within_1e_2(name, tmp_path):
    model = kg.zoo.get(name).build(tiny=True, seed=0)
    report = kg.export.export(model, tmp_path / "f16", formats=("tflite",), quantize="float16",
                              verbose=False)
    for exported in report.files:
        assert exported.max_abs_diff < 1e-2, exported
