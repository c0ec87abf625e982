"""int8 floor of issue #11 on the pretrained autoencoders and VAEs of the catalogue.

"int8 autoencoder reconstructions within 0.05 MSE of the float model's": each
preset's `reconstruct` is exported by name with quantize="int8" (calibrated by
default on 500 of the preset's training examples), run with the builtin-op
interpreter on 200 held-out test examples, and its reconstruction MSE against
the inputs compared with the float Keras model's. Measured differences are far
inside the floor (at most 7e-4, under 4% of the float MSE; table in
docs/export.md), so the test also asks for 10% of the float MSE:
a broken calibration would still pass the floor itself.

Also: the calibration inputs (keyed by name, real data where it fits) and the
clear refusal of graphs whose int8 calibration would crash TFLite.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gen as kg
from keras_gen.export import calibration, conversion, crash_probe

FLOOR = 0.05
TEST_EXAMPLES = 200
PRESETS = [s.name for s in kg.zoo.specs()
           if s.family in ("autoencoder", "vae") and kg.zoo.metadata(s.name)]


def _test_examples(spec):
    options = {k: v for k, v in spec.data.items() if k not in ("name", "split")}
    x, _ = kg.data.load_arrays(spec.data["name"], "test", **options)
    return np.asarray(x[:TEST_EXAMPLES], "float32")


def test_every_shipped_autoencoder_is_checked():
    assert {"ae_mnist_28", "ae_tied_mnist_28", "ae_overcomplete_mnist_28", "ae_denoising_mnist_28",
            "ae_sparse_mnist_28", "conv_ae_mnist_28", "recurrent_ae_mnist_rows"} <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_int8_reconstruction_mse_within_floor(name, tmp_path):
    spec = kg.zoo.get(name)
    x = _test_examples(spec)
    model = kg.zoo.load(name, compile=False)
    float_mse = float(np.mean((np.asarray(model(x, training=False)) - x) ** 2))

    report = kg.export.export(name, tmp_path / "int8", formats=("tflite",), quantize="int8",
                              functions=("reconstruct",), verbose=False)
    (exported,) = report.files
    assert exported.quantize == "int8" and exported.function == "reconstruct"
    content = (tmp_path / "int8" / "reconstruct_int8.tflite").read_bytes()
    ops = conversion.tflite_ops(content)
    assert "QUANTIZE" in ops and "WHILE" not in ops, ops  # int8 inside, recurrent loops unrolled

    runner = kg.export.TFLiteRunner(content)
    recon = np.concatenate([runner(x=x[i:i + 1]) for i in range(len(x))])
    assert recon.shape == x.shape and np.all(np.isfinite(recon))
    int8_mse = float(np.mean((recon - x) ** 2))
    assert abs(int8_mse - float_mse) <= FLOOR, (name, int8_mse, float_mse)
    assert abs(int8_mse - float_mse) <= 0.1 * float_mse, (name, int8_mse, float_mse)  # margin


def test_default_calibration_data_is_the_preset_training_split():
    x = calibration.preset_calibration_data("ae_mnist_28")
    train, _ = kg.data.load_arrays("mnist", "train")
    test, _ = kg.data.load_arrays("mnist", "test")
    assert x.shape == (calibration.PRESET_CALIBRATION_EXAMPLES, 28, 28, 1)
    train_rows = {row.tobytes() for row in train.astype("float32")}
    test_rows = {row.tobytes() for row in test.astype("float32")}
    assert all(row.tobytes() in train_rows and row.tobytes() not in test_rows
               for row in x.astype("float32"))
    assert calibration.preset_calibration_data("not/a/registered/preset") is None


def test_calibration_inputs_are_named_and_use_real_data():
    model = kg.zoo.get("ae_mnist_28").build(tiny=True, seed=0)
    functions = kg.export.serving_functions(model)
    data = np.random.default_rng(0).uniform(size=(7, *model.sample_shape)).astype("float32")
    rng = np.random.default_rng(1)
    samples = functions["reconstruct"].calibration_inputs(data, rng, 9)
    assert len(samples) == 9 and all(set(s) == {"x"} for s in samples)
    np.testing.assert_array_equal(samples[8]["x"], data[1:2])  # cycles through the data
    codes = functions["decode"].calibration_inputs(data, rng, 3)
    np.testing.assert_allclose(codes[2]["code"], model.encode(data[2:3]), atol=1e-5)
    # without data, or with data of another shape: the function's own draws
    other = functions["reconstruct"].calibration_inputs(data[:, :2], rng, 2)
    assert other[0]["x"].shape == (1, *model.sample_shape)


def test_bad_representative_data_and_missing_data_warning(tmp_path):
    model = kg.zoo.get("ae_mnist_28").build(tiny=True, seed=0)
    with pytest.raises(ValueError, match="representative_data"):
        kg.export.export(model, tmp_path / "a", formats=("tflite",), quantize="int8",
                         representative_data=np.full((4, *model.sample_shape), np.nan),
                         verbose=False)
    with pytest.raises(ValueError, match="representative_data"):
        kg.export.export(model, tmp_path / "b", formats=("tflite",), quantize="int8",
                         representative_data=np.array(["a", "b"]), verbose=False)
    with pytest.raises(ValueError, match="functions must be"):
        kg.export.export(model, tmp_path / "c", functions=("generate",), verbose=False)
    with pytest.warns(UserWarning, match="representative_data"):
        kg.export.export(model, tmp_path / "d", formats=("tflite",), quantize="int8",
                         functions="reconstruct", verbose=False)
    assert not (tmp_path / "a").exists() and not (tmp_path / "c").exists()


class _LoopModel(keras.Model):
    """A model whose serving function is a `tf.while_loop` (a TFLite WHILE op)."""

    def __init__(self):
        super().__init__(name="loop_model")
        self.dense = keras.layers.Dense(4)
        self.dense.build((None, 4))

    def call(self, x):
        def body(i, y):
            return i + 1, tf.tanh(self.dense(y))

        return tf.while_loop(lambda i, y: i < 3, body, [tf.constant(0), x])[1]

    def serving_functions(self, batch_size=1):
        return {"loop": kg.export.ServingFunction(lambda x: self(x), [("x", (batch_size, 4),
                                                                         "float32")])}


def test_int8_of_a_while_loop_is_refused_not_crashed(tmp_path):
    model = _LoopModel()
    report = kg.export.export(model, tmp_path / "f32", formats=("tflite",), verbose=False)
    assert report.files[0].max_abs_diff < 1e-4
    with pytest.raises(ValueError, match="WHILE"):
        kg.export.export(model, tmp_path / "int8", formats=("tflite",), quantize="int8",
                         representative_data=np.zeros((4, 4), "float32"), verbose=False)
    assert not (tmp_path / "int8").exists()


def test_always_zero_activations_are_recalibrated(tmp_path):
    # A fresh GRU (zero biases) fed blank rows keeps every activation at exactly 0:
    # int8 scales of ~1e-8 that XNNPACK cannot run (it aborted on the full-size
    # untrained recurrent_ae_mnist_rows). Random draws are added, once, to widen them.
    model = kg.zoo.get("recurrent_ae_mnist_rows").build(tiny=True, seed=0)
    blank = np.zeros((20, *model.sample_shape), "float32")
    report = kg.export.export(model, tmp_path / "int8", formats=("tflite",), quantize="int8",
                              representative_data=blank, functions="encode", verbose=False)
    content = (tmp_path / "int8" / "encode_int8.tflite").read_bytes()
    assert calibration.degenerate_int8_tensors(content) == []
    assert np.isfinite(report.files[0].max_abs_diff)


class _DeadModel(keras.Model):
    """`relu(-|x|)`: zero for every input, so no calibration data can widen it."""

    def __init__(self):
        super().__init__(name="dead_model")

    def call(self, x):
        return keras.ops.relu(-keras.ops.abs(x)) + 0.5 * x

    def serving_functions(self, batch_size=1):
        return {"dead": kg.export.ServingFunction(lambda x: self(x), [("x", (batch_size, 4),
                                                                         "float32")])}


def test_tensors_zero_on_every_input_warn_or_are_refused(tmp_path, monkeypatch):
    data = np.random.default_rng(0).uniform(size=(8, 4)).astype("float32")
    with pytest.warns(UserWarning, match="zero on every calibration input"):
        kg.export.export(_DeadModel(), tmp_path / "runs", formats=("tflite",), quantize="int8",
                         representative_data=data, verbose=False)
    # when the child process cannot run the model (XNNPACK aborted the full-size
    # untrained GRU so), the export stops with a clear error instead
    monkeypatch.setattr(crash_probe, "run_failure", lambda content: "crashed with SIGABRT")
    with pytest.raises(ValueError, match="zero on every calibration input.*SIGABRT"):
        kg.export.export(_DeadModel(), tmp_path / "aborts", formats=("tflite",), quantize="int8",
                         representative_data=data, verbose=False)
    assert not (tmp_path / "aborts").exists()


def test_run_check_in_a_child_process(tmp_path):
    model = kg.zoo.get("ae_mnist_28").build(tiny=True, seed=0)
    kg.export.export(model, tmp_path / "f32", formats=("tflite",), functions="encode",
                     verbose=False)
    assert crash_probe.run_failure((tmp_path / "f32" / "encode.tflite").read_bytes()) is None
    assert crash_probe.run_failure(b"not a flatbuffer") is not None


def test_data_of_another_shape_falls_back_to_draws_for_decode():
    model = kg.zoo.get("ae_mnist_28").build(tiny=True, seed=0)
    decode = kg.export.serving_functions(model)["decode"]
    samples = decode.calibration_inputs(np.zeros((5, 3), "float32"), np.random.default_rng(0), 4)
    assert all(s["code"].shape == decode.inputs[0][1] and np.any(s["code"]) for s in samples)
