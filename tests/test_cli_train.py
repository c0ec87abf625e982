"""`keras-gen train`: a tiny preset trains, gets sample grids and is saved as a loadable
preset folder; a diverging run is stopped and not saved; bad flags are refused."""

import json

import keras

import keras_gen as kg
from keras_gen import cli


def test_train_tiny_dcgan_saves_a_loadable_preset_with_grids(tmp_path, capsys):
    code = cli.main(["train", "dcgan", "--tiny", "--epochs", "2", "--limit", "32",
                     "--batch-size", "16", "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    folder = tmp_path / "dcgan_mnist_28"
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["preset"] == "dcgan_mnist_28" and metadata["epochs"] == 2
    assert metadata["command"].startswith("keras-gen train dcgan --epochs 2 --batch-size 16")
    grids = sorted((tmp_path / "dcgan_mnist_28_samples").glob("epoch_*.png"))
    assert [g.name for g in grids] == ["epoch_001.png", "epoch_002.png"]
    model = kg.zoo.load(str(folder))
    assert model.generate(2, seed=0).shape == (2, 8, 8, 1)


def test_divergence_stops_and_saves_nothing(tmp_path, monkeypatch, capsys):
    spec = kg.zoo.get("dcgan")
    exploding = {"g_optimizer": keras.optimizers.SGD(1e30),
                 "d_optimizer": keras.optimizers.SGD(1e30)}
    monkeypatch.setattr(kg.zoo, "get", lambda name: spec.__class__(
        **{**spec.__dict__, "compile": exploding}))
    code = cli.main(["train", "dcgan", "--tiny", "--epochs", "3", "--limit", "32",
                     "--batch-size", "8", "--out", str(tmp_path)])
    assert code == 1
    assert "Nothing was saved" in capsys.readouterr().err
    assert not (tmp_path / "dcgan_mnist_28").exists()


def test_bad_flags_and_unknown_preset(tmp_path, capsys):
    assert cli.main(["train", "dcgan", "--epochs", "0", "--out", str(tmp_path)]) == 2
    assert "--epochs must be at least 1" in capsys.readouterr().err
    assert cli.main(["train", "dcgann", "--out", str(tmp_path)]) == 2
    assert "dcgan" in capsys.readouterr().err


def test_fit_recipe_overrides():
    spec = kg.zoo.get("dcgan")
    kwargs, callbacks, supervised = spec.fit_arguments(epochs=3, batch_size=8)
    assert kwargs["epochs"] == 3 and kwargs["batch_size"] == 8
    assert supervised is False and callbacks == []  # epochs replace the image budget
    kwargs, [budget], _ = spec.fit_arguments(examples=4000)
    assert kwargs["epochs"] == 30 and budget.images == 120_000  # the recipe: 120 kimg


def test_train_under_a_mirrored_strategy(tmp_path, capsys):
    code = cli.main(["train", "dcgan", "--tiny", "--epochs", "1", "--limit", "16",
                     "--no-evaluate", "--strategy", "mirrored", "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "dcgan_mnist_28" / "model.weights.h5").exists()
