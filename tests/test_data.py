"""Offline data sets: shapes, ranges, the fixed MNIST split, clear errors."""

import numpy as np
import pytest
import tensorflow as tf

import keras_gen as kg


def test_mnist_split_is_fixed_stratified_and_disjoint():
    x_train, y_train = kg.data.load_arrays("mnist", "train")
    x_test, y_test = kg.data.load_arrays("mnist", "test")
    assert x_train.shape == (4000, 28, 28, 1) and x_test.shape == (1000, 28, 28, 1)
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0 and x_train.dtype == np.float32
    train_rows = {row.tobytes() for row in x_train.reshape(4000, -1)}
    assert not any(row.tobytes() in train_rows for row in x_test.reshape(1000, -1))
    again, _ = kg.data.load_arrays("mnist", "train")
    np.testing.assert_array_equal(again, x_train)


def test_signed_range_and_padding():
    x, _ = kg.data.load_arrays("mnist", "test", size=32, value_range="signed")
    assert x.shape == (1000, 32, 32, 1)
    assert x.min() >= -1.0 and x.max() <= 1.0 and x.min() < -0.99
    np.testing.assert_array_equal(x[:, :2], -1.0)  # zero padding maps to -1


def test_resize_down():
    x, _ = kg.data.load_arrays("mnist", "test", size=(14, 14))
    assert x.shape == (1000, 14, 14, 1) and 0 <= x.min() and x.max() <= 1


def test_load_returns_batched_dataset_with_labels():
    ds = kg.data.load("mnist", "test", batch_size=64, with_labels=True)
    x, y = next(iter(ds))
    assert x.shape == (64, 28, 28, 1) and y.shape == (64,)
    assert isinstance(ds, tf.data.Dataset)


def test_digits_shapes_rows():
    x, y = kg.data.load_arrays("digits", "all")
    assert x.shape == (1797, 8, 8, 1) and x.max() == 1.0
    x, y = kg.data.load_arrays("shapes", "test", resolution=16)
    assert x.shape == (1000, 16, 16, 3) and set(np.unique(y)) == {0, 1, 2}
    x, _ = kg.data.load_arrays("mnist_rows", "test")
    assert x.shape == (1000, 28, 28)


def test_image_folder(tmp_path):
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.fromarray(np.full((10, 12), 40 * i, "uint8")).save(tmp_path / label / f"{i}.png")
    x, y = kg.data.load_arrays(str(tmp_path), "all")
    assert x.shape == (6, 10, 12, 1) and sorted(y.tolist()) == [0, 0, 0, 1, 1, 1]


def test_errors_are_clear():
    with pytest.raises(ValueError, match="did you mean"):
        kg.data.load_arrays("mnsit")
    with pytest.raises(ValueError, match="split must be one of"):
        kg.data.load_arrays("mnist", "validation")
    with pytest.raises(FileNotFoundError, match="tfds build"):
        kg.data.load_arrays("cifar10", data_dir="/nonexistent/tfds")


def _png_folder(root, count=5):
    from PIL import Image

    root.mkdir(exist_ok=True)
    for i in range(count):
        Image.fromarray(np.full((8, 8, 3), 20 * i, "uint8")).save(root / f"{i}.png")
    return root


def _truncate(file):
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])


def test_a_truncated_image_is_named_in_the_error(tmp_path):
    folder = _png_folder(tmp_path / "imgs")
    _truncate(folder / "3.png")
    with pytest.raises(OSError, match=r"3\.png"):
        kg.data.load_arrays(str(folder))


def test_skip_corrupt_skips_and_reports_how_many(tmp_path, caplog):
    folder = _png_folder(tmp_path / "imgs")
    _truncate(folder / "1.png")
    (folder / "4.png").write_bytes(b"not an image at all")
    with caplog.at_level("WARNING", logger="keras_gen"):
        x, _ = kg.data.load_arrays(str(folder), skip_corrupt=True)
    assert x.shape == (3, 8, 8, 3)
    assert "skipped 2 unreadable image file(s) of 5" in caplog.text


def test_a_folder_is_used_whole_unless_a_split_is_asked_for(tmp_path):
    folder = _png_folder(tmp_path / "imgs", count=10)
    assert len(kg.data.load_arrays(str(folder))[0]) == 10
    train = kg.data.load_arrays(str(folder), "train")[0]
    test = kg.data.load_arrays(str(folder), "test")[0]
    assert (len(train), len(test)) == (8, 2)
    batches = list(kg.data.load(str(folder), batch_size=4))
    assert sum(len(b) for b in batches) == 10
    assert len(kg.data.load_arrays("digits")[0]) < len(kg.data.load_arrays("digits", "all")[0])
