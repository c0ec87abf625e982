"""StyleGAN export takes `truncation_psi` (issue #11); bad values raise in Python."""

import math

import numpy as np
import pytest

import keras_gen as kg


@pytest.fixture(scope="module")
def model():
    model = kg.zoo.get("stylegan_mnist_32").build(tiny=True, seed=0)
    model.skip_to_images(model.growth_images)  # final stage: no pixel replication to undo
    # a non-zero average w, so that truncation moves w somewhere visible
    model.w_avg.assign(np.random.default_rng(0).normal(size=model.w_dim).astype("float32"))
    return model


def test_generate_signature_has_truncation_psi(model):
    generate = kg.export.serving_functions(model)["generate"]
    inputs = {name: (shape, dtype) for name, shape, dtype in generate.inputs}
    assert inputs["truncation_psi"] == ((1,), "float32")
    assert list(inputs)[:2] == ["z", "truncation_psi"]


def test_exported_generate_matches_keras_for_psi(model, tmp_path):
    report = kg.export.export(model, tmp_path / "out", formats=("tflite",), verbose=False)
    assert all(f.max_abs_diff < 1e-4 for f in report.files), report.files
    path = tmp_path / "out" / "generate.tflite"
    assert "truncation_psi" in kg.export.TFLiteRunner(path).input_names
    runner = kg.export.TFLiteRunner(path)
    rng = np.random.default_rng(1)
    z = rng.standard_normal((1, model.latent_dim)).astype("float32")
    noise = [rng.standard_normal(s).astype("float32")
             for s in model.generator.synthesis.noise_shapes(1)]
    feed = {f"noise_{a.shape[1]}": a for a in noise}
    outputs = {}
    for psi in (1.0, 0.5):
        expected = model.generate_from_w(model.map(z), truncation_psi=psi, noise=noise)
        got = runner(z=z, truncation_psi=np.array([psi], "float32"), **feed)
        assert got.shape == expected.shape == (1, 8, 8, 1)
        np.testing.assert_allclose(got, expected, atol=1e-4)
        outputs[psi] = got
    assert np.max(np.abs(outputs[1.0] - outputs[0.5])) > 1e-3  # psi does something


@pytest.mark.parametrize("psi", [-0.5, math.nan, math.inf, np.float32("nan"), "0.7", True, None])
def test_bad_truncation_psi_raises(model, psi):
    with pytest.raises(ValueError, match="truncation_psi"):
        model.generate(2, seed=0, truncation_psi=psi)


def test_numpy_and_zero_psi_accepted(model):
    z = np.random.default_rng(2).standard_normal((2, model.latent_dim)).astype("float32")
    zero = model.generate_from_w(model.map(z), truncation_psi=np.float32(0.0), noise="none")
    assert np.allclose(zero[0], zero[1], atol=1e-5)  # psi = 0: every w is w_avg
    assert model.generate(1, seed=0, truncation_psi=np.float64(0.5)).shape == (1, 8, 8, 1)
