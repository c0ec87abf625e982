"""The input check, for every form `fit` takes x every kind of bad (or odd) data."""

import logging

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_gen as kg
from keras_gen.data import checks, fit_input

SHAPE = (8, 8, 1)
N, BATCH = 32, 8


def _images(seed=0, n=N, shape=SHAPE):
    return np.random.default_rng(seed).uniform(size=(n, *shape)).astype("float32")


class _Batches(keras.utils.PyDataset):
    def __init__(self, x, y=None):
        super().__init__()
        self.x, self.y = x, y

    def __len__(self):
        return -(-len(self.x) // BATCH)

    def __getitem__(self, i):
        x = self.x[i * BATCH:(i + 1) * BATCH]
        return x if self.y is None else (x, self.y[i * BATCH:(i + 1) * BATCH])


def _generator(x, y=None):
    for i in range(0, len(x), BATCH):
        yield x[i:i + BATCH] if y is None else (x[i:i + BATCH], y[i:i + BATCH])


FORMS = {
    "numpy": lambda x, y: ((x,) if y is None else (x, y)),
    "tuple": lambda x, y: (((x, np.zeros(len(x)) if y is None else y),)),
    "dataset": lambda x, y: ((tf.data.Dataset.from_tensor_slices(
        x if y is None else (x, y)).batch(BATCH),)),
    "generator": lambda x, y: ((_generator(x, y),)),
    "py_dataset": lambda x, y: ((_Batches(x, y),)),
}


def _model():
    keras.utils.set_random_seed(0)
    model = kg.models.Autoencoder(input_shape=SHAPE, hidden=[8], code_dim=4, seed=0)
    model.compile(loss="binary_crossentropy")
    return model


def _fit(model, form, x, y=None):
    args = FORMS[form](x, y)
    return model.fit(*args, epochs=1, verbose=0, shuffle=False)


def _refused(form, x, *needles, y=None):
    model = _model()
    with pytest.raises(checks.InputCheckError) as raised:
        _fit(model, form, x, y)
    message = str(raised.value)
    assert "Autoencoder.fit" in message
    for needle in needles:
        assert needle in message, message
    assert checks.MESSAGE_START not in message
    for weight in model.weights:
        assert np.all(np.isfinite(keras.ops.convert_to_numpy(weight)))
    return message


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_non_finite_value_is_refused_naming_the_batch(form, value):
    x = _images()
    x[2 * BATCH + 3, 1, 1, 0] = value  # in the third batch
    message = _refused(form, x, "NaN", "infinite")
    if form in ("dataset", "generator", "py_dataset"):
        assert "batch 2" in message


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("pixels", ["float", "uint8"])
def test_pixels_in_0_255_are_scaled_once_with_a_log_line(form, pixels, caplog):
    unit = np.round(_images() * 255) / 255
    x = (unit * 255).astype("uint8" if pixels == "uint8" else "float32")
    with caplog.at_level(logging.WARNING, logger="keras_gen"):
        scaled_loss = _fit(_model(), form, x).history["loss"][-1]
    notes = [r.message for r in caplog.records if "divided by 255" in r.getMessage()]
    assert len(notes) == 1
    unit_loss = _fit(_model(), form, unit.astype("float32")).history["loss"][-1]
    np.testing.assert_allclose(scaled_loss, unit_loss, rtol=1e-4)


@pytest.mark.parametrize("form", FORMS)
def test_signed_images_are_refused_with_the_fix(form):
    _refused(form, _images() * 2 - 1, "[-1, 1]", "(x + 1) / 2")


@pytest.mark.parametrize("form", FORMS)
def test_wrong_channels_are_refused_with_the_fix(form):
    _refused(form, _images(shape=(8, 8, 3)), "1 channel(s)", "has 3")


@pytest.mark.parametrize("form", FORMS)
def test_wrong_size_is_refused_with_the_fix(form):
    _refused(form, _images(shape=(6, 6, 1)), "8x8", "6x6", "resize")


@pytest.mark.parametrize("form", FORMS)
def test_empty_data_is_refused(form):
    _refused(form, _images()[:0], "empty" if form != "generator" else "no batch")


@pytest.mark.parametrize("form", FORMS)
def test_labels_are_accepted_and_ignored_by_an_unconditional_model(form):
    x, labels = _images(), np.arange(N) % 10
    with_labels = _fit(_model(), form, x, labels).history["loss"][-1]
    without = _fit(_model(), form, x).history["loss"][-1]
    np.testing.assert_allclose(with_labels, without, rtol=1e-5)


def test_a_later_batch_out_of_the_first_batchs_range_is_refused():
    x = _images()
    x[3 * BATCH:] *= 255  # the first batch sets scale 1; the last batch holds pixels
    _refused("dataset", x, "batch 3")
    _refused("generator", x, "batch 3", "same range")


def test_image_dataset_from_directory_style_data_trains_an_autoencoder_sanely():
    """(x, y) batches of float 0-255 pixels: scaled, so a cross-entropy loss stays >= 0."""
    x = (np.round(_images() * 255)).astype("float32")
    dataset = tf.data.Dataset.from_tensor_slices((x, np.zeros(N, "int32"))).batch(BATCH)
    loss = _model().fit(dataset, epochs=2, verbose=0).history["loss"]
    assert all(0 <= value < 1 for value in loss)


def test_a_gan_refuses_a_nan_batch_before_its_weights_see_it():
    model = kg.models.DCGAN(image_shape=SHAPE, latent_dim=4, generator_filters=(4,),
                            discriminator_filters=(4,), seed=0)
    model.compile()
    x = _images()
    x[0, 0, 0, 0] = np.nan
    before = [keras.ops.convert_to_numpy(w).copy() for w in model.weights]
    with pytest.raises(checks.InputCheckError, match="batch 0"):
        model.fit(tf.data.Dataset.from_tensor_slices(x).batch(BATCH), epochs=1, verbose=0)
    for old, new in zip(before, model.weights):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))


def test_validation_data_is_checked_too():
    model = _model()
    bad = _images() * 2 - 1
    with pytest.raises(checks.InputCheckError, match="validation_data"):
        model.fit(_images(), epochs=1, verbose=0, validation_data=(bad, None))
    with pytest.raises(checks.InputCheckError, match="validation_data"):
        model.fit(_images(), epochs=1, verbose=0,
                  validation_data=tf.data.Dataset.from_tensor_slices(bad).batch(BATCH))


def test_non_image_dtypes_are_refused():
    with pytest.raises(checks.InputCheckError, match="dtype"):
        checks.check_array(np.zeros((2, *SHAPE), bool), SHAPE)
    with pytest.raises(checks.InputCheckError, match="string"):
        fit_input.check_fit_input(tf.data.Dataset.from_tensor_slices(
            np.array(["a", "b"])).batch(2), SHAPE, "m")


@pytest.mark.parametrize("low,high,scale", [(0, 1, 1.0), (0, 255, 1 / 255), (0, 1.0005, 1.0),
                                            (0, 3, 1 / 255)])
def test_scale_rule(low, high, scale):
    assert checks.scale_for(low, high, False, "m") == pytest.approx(scale)


@pytest.mark.parametrize("low,high", [(-0.5, 1), (0, 1.5), (0, 300), (-1, 1)])
def test_scale_rule_refuses_other_ranges(low, high):
    with pytest.raises(checks.InputCheckError):
        checks.scale_for(low, high, False, "m")
