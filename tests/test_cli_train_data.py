"""`keras-gen train FAMILY --data FOLDER`: every family trains on a folder of the user's
own images (tiny budget here) and ends with a preset folder `kg.zoo.load` reads; the
run's targets are checked before any training and nothing of the user's is replaced."""

import json

import numpy as np
import pytest
from PIL import Image

import keras_gen as kg
from keras_gen import cli

TINY = ["--tiny", "--epochs", "1", "--limit", "16", "--batch-size", "8"]


def _folder(root, count=16, size=64, mode="RGB"):
    """Procedural images: a bright disc of varying place and colour on a dark ground."""
    rng = np.random.default_rng(0)
    root.mkdir(parents=True, exist_ok=True)
    yy, xx = np.mgrid[:size, :size]
    for i in range(count):
        cy, cx = rng.uniform(0.3, 0.7, 2) * size
        r = rng.uniform(0.15, 0.3) * size
        disc = ((yy - cy) ** 2 + (xx - cx) ** 2 < r * r)[..., None]
        colour = rng.uniform(0.4, 1.0, 3)
        pixels = np.where(disc, colour, 0.1) * 255
        Image.fromarray(pixels.astype("uint8")).convert(mode).save(root / f"img_{i:02d}.png")
    return root


@pytest.fixture(scope="module")
def rgb64(tmp_path_factory):
    return _folder(tmp_path_factory.mktemp("data") / "discs")


FAMILIES = ["autoencoder", "convolutional", "recurrent", "vae", "conv_vae_mnist_28", "dcgan",
            "progan",
            "stylegan"]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_trains_on_a_64px_rgb_folder(family, rgb64, tmp_path, capsys):
    out = tmp_path / "mine"
    code = cli.main(["train", family, "--data", str(rgb64), "--out", str(out), *TINY])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "for 64x64x3 images" in printed.out
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["data"]["images"] == 16 and metadata["data"]["image_shape"] == [64, 64, 3]
    model = kg.zoo.load(str(out))
    if callable(getattr(model, "generate", None)):
        images = np.asarray(model.generate(2, seed=0))
        assert images.shape[0] == 2 and images.shape[-1] in (3, 64 * 3)
        assert list((tmp_path / "mine_samples").glob("epoch_*.png"))
    else:
        x = kg.data.load_arrays(str(rgb64))[0][:2]
        assert np.asarray(model.reconstruct(type(model).images_as_input(x))).shape[0] == 2
    assert not (tmp_path / "mine_backup").exists()  # BackupAndRestore cleans up after a run


@pytest.mark.parametrize("family, size", [("vae", 32), ("progan", 32), ("autoencoder", 128)])
def test_grey_and_other_sizes(family, size, tmp_path, capsys):
    data = _folder(tmp_path / "grey", count=8, size=size, mode="L")
    out = tmp_path / "grey_model"
    code = cli.main(["train", family, "--data", str(data), "--out", str(out), *TINY])
    assert code == 0, capsys.readouterr().err
    assert json.loads((out / "metadata.json").read_text())["data"]["image_shape"] == [
        size, size, 1]


def test_resolution_and_channels_convert_the_folder(rgb64, tmp_path, capsys):
    out = tmp_path / "small"
    code = cli.main(["train", "dcgan", "--data", str(rgb64), "--resolution", "32",
                     "--channels", "1", "--out", str(out), *TINY])
    assert code == 0, capsys.readouterr().err
    assert kg.zoo.load(str(out)).generate(1, seed=0).shape == (1, 32, 32, 1)


def test_an_existing_target_is_refused_before_training(rgb64, tmp_path, capsys):
    notes = tmp_path / "taken"
    notes.mkdir()
    (notes / "my_notes.txt").write_text("mine")
    code = cli.main(["train", "autoencoder", "--data", str(rgb64), "--out", str(notes), *TINY])
    assert code == 2
    err = capsys.readouterr().err
    assert str(notes) in err and "--overwrite" in err
    assert (notes / "my_notes.txt").read_text() == "mine"
    assert not (tmp_path / "taken_samples").exists()


def test_our_own_preset_is_replaced_only_with_overwrite(rgb64, tmp_path, capsys):
    out = tmp_path / "again"
    args = ["train", "autoencoder", "--data", str(rgb64), "--out", str(out), *TINY]
    assert cli.main(args) == 0
    assert cli.main(args) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert cli.main([*args, "--overwrite"]) == 0
    assert not list(tmp_path.glob("again*.bak"))


def test_an_interrupted_run_must_be_resumed_or_overwritten(rgb64, tmp_path, capsys):
    out = tmp_path / "cut"
    (tmp_path / "cut_backup").mkdir()
    args = ["train", "autoencoder", "--data", str(rgb64), "--out", str(out), *TINY]
    assert cli.main(args) == 2
    assert "--resume" in capsys.readouterr().err
    assert cli.main([*args, "--resume"]) == 0


def test_classifier_and_missing_folder_are_refused(rgb64, tmp_path, capsys):
    assert cli.main(["train", "digit_classifier", "--data", str(rgb64),
                     "--out", str(tmp_path / "c"), *TINY]) == 2
    assert "classifier" in capsys.readouterr().err
    assert cli.main(["train", "vae", "--data", str(tmp_path / "nowhere" / "x"),
                     "--out", str(tmp_path / "v"), *TINY]) == 2
    assert "no such folder" in capsys.readouterr().err
