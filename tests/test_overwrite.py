"""Nothing of the user's is deleted or replaced without asking.

Every writer whose target a user names (`kg.zoo.save_preset`, `kg.export.export`,
`SampleGrid`, `keras-gen export --out`, `keras-gen sample/plot --out`) x {missing /
empty target, its own artefact, a foreign folder, an existing file}: each either
works or refuses with an error naming the path and `overwrite`, and no byte of
the user's files is lost (with `overwrite=True` they are moved to a `.bak`).
"""

import os
import warnings

import keras
import numpy as np
import pytest
from PIL import Image

import keras_gen as kg
from keras_gen import cli
from keras_gen.core import safe_io
from keras_gen.testing.models import TinyAutoencoder

NOTES = b"my notes \x00\xff keep me"


class Refused(Exception):
    """A command-line verb exited with code 2 (its message is the error it printed)."""


@pytest.fixture(scope="module")
def autoencoder():
    keras.utils.set_random_seed(0)
    return TinyAutoencoder()


@pytest.fixture(scope="module")
def gan():
    model = kg.models.DCGAN((8, 8, 1), latent_dim=4, generator_filters=(4,),
                            discriminator_filters=(4,), seed=0)
    model.compile()
    return model


@pytest.fixture(scope="module")
def presets(tmp_path_factory, autoencoder, gan):
    """Preset folders the command-line verbs read."""
    root = tmp_path_factory.mktemp("presets")
    kg.zoo.save_preset(autoencoder, root / "ae")
    kg.zoo.save_preset(gan, root / "gan")
    return root


def _cli(argv, capsys):
    capsys.readouterr()
    code = cli.main(argv)
    err = capsys.readouterr().err
    if code == 2:
        raise Refused(err)
    assert code == 0, err


@pytest.fixture
def folder_writer(request, autoencoder, presets, capsys):
    """`write(path, overwrite)` for one folder writer; `artefact` names a file it writes."""
    kind = request.param

    def write(path, overwrite=False):
        if kind == "save_preset":
            kg.zoo.save_preset(autoencoder, path, overwrite=overwrite)
        elif kind == "export":
            kg.export.export(autoencoder, path, formats=("tflite",), functions=("reconstruct",),
                             verbose=False, overwrite=overwrite)
        else:
            _cli(["export", str(presets / "ae"), "--out", str(path), "--tflite",
                  "--no-saved-model"] + (["--overwrite"] if overwrite else []), capsys)

    write.kind = kind
    write.artefact = "model.weights.h5" if kind == "save_preset" else "reconstruct.tflite"
    return write


FOLDER_WRITERS = ["save_preset", "export", "cli_export"]


@pytest.fixture
def file_writer(request, gan, presets, capsys):
    """`write(path, overwrite)` for one PNG writer."""
    kind = request.param

    def write(path, overwrite=False):
        if kind == "sample_grid":  # the callback as `fit` drives it, without training
            grid = kg.callbacks.SampleGrid(str(path), n=4, scale=1, overwrite=overwrite)
            grid.set_model(gan)
            grid.set_params({"epochs": 1, "steps": 1, "verbose": 0})
            grid.on_train_begin()
            grid.on_epoch_end(0)
            grid.on_train_end()
        else:
            command = ["sample"] if kind == "cli_sample" else ["plot", "--kind", "samples"]
            _cli(command + [str(presets / "gan"), "--n", "4", "--out", str(path)]
                 + (["--overwrite"] if overwrite else []), capsys)

    write.kind = kind
    return write


FILE_WRITERS = ["sample_grid", "cli_sample", "cli_plot"]


def _refused(write, path, overwrite=False):
    """Run `write`, expect a refusal naming `path` and the overwrite option; return it."""
    with pytest.raises((safe_io.TargetExistsError, Refused)) as info:
        write(path, overwrite)
    message = str(info.value)
    assert str(path) in message and "overwrite" in message, message
    if info.type is Refused:
        assert "--overwrite" in message and "Traceback" not in message, message
    else:
        assert isinstance(info.value, ValueError) and isinstance(info.value, FileExistsError)
    return message


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _siblings(path):
    return sorted(p.name for p in path.parent.iterdir() if not p.name.startswith("."))


# -- folder writers -----------------------------------------------------------------------
@pytest.mark.parametrize("folder_writer", FOLDER_WRITERS, indirect=True)
def test_folder_writer_writes_a_missing_path_or_an_empty_folder(folder_writer, tmp_path):
    folder_writer(tmp_path / "new")
    assert (tmp_path / "new" / folder_writer.artefact).is_file()
    (tmp_path / "empty").mkdir()
    folder_writer(tmp_path / "empty")
    assert (tmp_path / "empty" / folder_writer.artefact).is_file()
    assert _siblings(tmp_path / "new") == ["empty", "new"]
    assert [p for p in os.listdir(tmp_path) if p.startswith(".")] == []  # no temporary left


@pytest.mark.parametrize("folder_writer", FOLDER_WRITERS, indirect=True)
def test_folder_writer_replaces_its_own_artefact_only_with_overwrite(folder_writer, tmp_path):
    target = tmp_path / "out"
    folder_writer(target)
    before = _snapshot(target)
    message = _refused(folder_writer, target)
    assert "written by keras_gen" in message
    assert _snapshot(target) == before
    with warnings.catch_warnings():
        warnings.simplefilter("error", safe_io.BackupKeptWarning)  # nothing of the user's to keep
        folder_writer(target, overwrite=True)
    assert (target / folder_writer.artefact).is_file()
    assert _siblings(target) == ["out"]  # the .bak is gone once the new one is complete


@pytest.mark.parametrize("folder_writer", FOLDER_WRITERS, indirect=True)
def test_folder_writer_keeps_user_files_found_in_its_own_artefact(folder_writer, tmp_path):
    target = tmp_path / "out"
    folder_writer(target)
    (target / "notes.txt").write_bytes(NOTES)
    message = _refused(folder_writer, target)
    assert "notes.txt" in message
    assert (target / "notes.txt").read_bytes() == NOTES
    with pytest.warns(safe_io.BackupKeptWarning, match="notes.txt"):
        folder_writer(target, overwrite=True)
    assert not (target / "notes.txt").exists() and (target / folder_writer.artefact).is_file()
    assert (tmp_path / "out.bak" / "notes.txt").read_bytes() == NOTES


@pytest.mark.parametrize("folder_writer", FOLDER_WRITERS, indirect=True)
def test_folder_writer_never_deletes_a_foreign_folder(folder_writer, tmp_path):
    target = tmp_path / "mine"
    (target / "sub").mkdir(parents=True)
    (target / "my_notes.txt").write_bytes(NOTES)
    (target / "sub" / "data.bin").write_bytes(NOTES * 3)
    before = _snapshot(target)
    message = _refused(folder_writer, target)
    assert "my_notes.txt" in message and "not" in message
    assert _snapshot(target) == before and _siblings(target) == ["mine"]
    (tmp_path / "mine.bak").mkdir()  # an older backup is not touched either
    (tmp_path / "mine.bak" / "old.txt").write_bytes(NOTES)
    with pytest.warns(safe_io.BackupKeptWarning, match="mine.bak2"):
        folder_writer(target, overwrite=True)
    assert _snapshot(tmp_path / "mine.bak2") == before
    assert _snapshot(tmp_path / "mine.bak") == {"old.txt": NOTES}
    assert (target / folder_writer.artefact).is_file()


@pytest.mark.parametrize("folder_writer", FOLDER_WRITERS, indirect=True)
def test_folder_writer_never_replaces_a_file_by_a_folder(folder_writer, tmp_path):
    target = tmp_path / "report"
    target.write_bytes(NOTES)
    message = _refused(folder_writer, target)
    assert "file" in message
    assert target.read_bytes() == NOTES and _siblings(target) == ["report"]
    with pytest.warns(safe_io.BackupKeptWarning, match="report.bak"):
        folder_writer(target, overwrite=True)
    assert (tmp_path / "report.bak").read_bytes() == NOTES
    assert (target / folder_writer.artefact).is_file()


def test_export_refuses_before_tracing_anything(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_bytes(NOTES)

    class Untraceable(TinyAutoencoder):
        def reconstruct(self, x):
            raise AssertionError("traced before the target was checked")

    with pytest.raises(safe_io.TargetExistsError):
        kg.export.export(Untraceable(), tmp_path / "out", formats=("tflite",), verbose=False)


def test_a_failed_write_with_overwrite_leaves_the_old_folder(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "my_notes.txt").write_bytes(NOTES)
    with pytest.raises(RuntimeError):
        with safe_io.atomic_directory(target, overwrite=True) as tmp:
            (tmp / "half").write_text("x")
            raise RuntimeError("crash while writing")
    assert _snapshot(target) == {"my_notes.txt": NOTES}
    assert sorted(os.listdir(tmp_path)) == ["mine"]


def test_a_symbolic_link_is_never_followed_into(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "my_notes.txt").write_bytes(NOTES)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    with pytest.raises(safe_io.TargetExistsError, match="symbolic link"):
        kg.zoo.save_preset(TinyAutoencoder(), tmp_path / "link")
    with pytest.warns(safe_io.BackupKeptWarning):
        kg.zoo.save_preset(TinyAutoencoder(), tmp_path / "link", overwrite=True)
    assert (tmp_path / "link.bak").is_symlink() and _snapshot(real) == {"my_notes.txt": NOTES}


# -- PNG writers ----------------------------------------------------------------------------
def _foreign_png(path):
    Image.fromarray(np.full((3, 3), 7, "uint8")).save(path, format="PNG")
    return path.read_bytes()


@pytest.mark.parametrize("file_writer", FILE_WRITERS, indirect=True)
def test_png_writer_writes_a_missing_path_and_rewrites_its_own_png(file_writer, tmp_path):
    target = tmp_path / "grid.png"
    file_writer(target)
    assert safe_io.is_keras_gen_png(target) and Image.open(target).text["Software"] == "keras_gen"
    first = target.read_bytes()
    os.utime(target, (0, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", safe_io.BackupKeptWarning)
        file_writer(target)  # a picture keras_gen wrote is replaced without asking
    assert target.stat().st_mtime > 0 and target.read_bytes() == first  # same seed, same grid
    assert _siblings(target) == ["grid.png"]


@pytest.mark.parametrize("file_writer", FILE_WRITERS, indirect=True)
def test_png_writer_never_replaces_a_users_file(file_writer, tmp_path):
    target = tmp_path / "photo.png"
    before = _foreign_png(target)
    assert not safe_io.is_keras_gen_png(target)
    _refused(file_writer, target)
    assert target.read_bytes() == before and _siblings(target) == ["photo.png"]
    with pytest.warns(safe_io.BackupKeptWarning, match="photo.png.bak"):
        file_writer(target, overwrite=True)
    assert (tmp_path / "photo.png.bak").read_bytes() == before
    assert safe_io.is_keras_gen_png(target)


@pytest.mark.parametrize("file_writer", FILE_WRITERS, indirect=True)
def test_png_writer_never_replaces_a_folder(file_writer, tmp_path):
    empty, full = tmp_path / "empty.png", tmp_path / "full.png"
    empty.mkdir()
    full.mkdir()
    (full / "my_notes.txt").write_bytes(NOTES)
    assert "folder" in _refused(file_writer, empty) and empty.is_dir()
    assert "folder" in _refused(file_writer, full)
    assert _snapshot(full) == {"my_notes.txt": NOTES}
    with pytest.warns(safe_io.BackupKeptWarning):
        file_writer(full, overwrite=True)
    assert _snapshot(tmp_path / "full.png.bak") == {"my_notes.txt": NOTES}
    assert safe_io.is_keras_gen_png(full)


def test_sample_grid_refuses_at_the_start_of_fit_for_every_epoch_it_would_write(gan, tmp_path):
    (tmp_path / "grid_02.png").write_bytes(NOTES)
    grid = kg.callbacks.SampleGrid(str(tmp_path / "grid_{epoch:02d}.png"), every=2, n=4)
    with pytest.raises(safe_io.TargetExistsError, match="grid_02.png"):
        gan.fit(gan.example_data(8), batch_size=8, epochs=3, verbose=0, callbacks=[grid])
    assert grid.written == [] and (tmp_path / "grid_02.png").read_bytes() == NOTES
    assert kg.callbacks.SampleGrid("a.png", overwrite=True).get_config()["overwrite"] is True
    with pytest.raises(ValueError, match="overwrite"):
        kg.callbacks.SampleGrid("a.png", overwrite="yes")


def test_cli_refusal_is_one_clean_line_with_exit_code_2(presets, tmp_path, capsys):
    target = tmp_path / "DIR"
    target.mkdir()
    (target / "notes.txt").write_bytes(NOTES)
    capsys.readouterr()
    assert cli.main(["export", str(presets / "ae"), "--out", str(target), "--tflite"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"keras-gen export: error: {target} is a folder") and err.count("\n") == 1
    assert "--overwrite" in err and (target / "notes.txt").read_bytes() == NOTES


# -- helpers ----------------------------------------------------------------------------------
def test_png_marker_round_trip_and_backup_names(tmp_path):
    path = tmp_path / "a.png"
    Image.fromarray(np.zeros((2, 2), np.uint8)).save(path)
    plain = np.asarray(Image.open(path))
    assert not safe_io.is_keras_gen_png(path)
    safe_io.mark_png(path)
    assert safe_io.is_keras_gen_png(path)
    np.testing.assert_array_equal(np.asarray(Image.open(path)), plain)
    (tmp_path / "notes.txt").write_bytes(b"PNG? no")
    assert not safe_io.is_keras_gen_png(tmp_path / "notes.txt")
    assert safe_io.backup_path(tmp_path / "a.png").name == "a.png.bak"
    (tmp_path / "a.png.bak").write_bytes(b"")
    assert safe_io.backup_path(tmp_path / "a.png").name == "a.png.bak2"


WRITERS = {
    "save_grid": lambda path, **kw: kg.plot.save_grid(np.zeros((2, 3, 3, 1)), path, **kw),
    "save_rows": lambda path, **kw: kg.plot.save_rows([np.zeros((2, 3, 3, 1))] * 2, path, **kw),
    "latent_scatter": lambda path, **kw: kg.plot.latent_scatter(
        np.random.default_rng(0).normal(size=(20, 2)), np.arange(20) % 3, path, **kw),
    "training_curves": lambda path, **kw: kg.plot.training_curves({"loss": [2, 1]}, path, **kw),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_kg_plot_keeps_a_users_png_and_replaces_its_own(tmp_path, writer):
    """Every kg.plot writer refuses a user's picture, replaces one it wrote, and with
    overwrite=True keeps the user's as NAME.bak."""
    write = WRITERS[writer]
    users = tmp_path / "holiday.png"
    Image.fromarray(np.full((4, 4), 200, np.uint8)).save(users)
    before = users.read_bytes()
    with pytest.raises(safe_io.TargetExistsError, match="holiday.png.*overwrite"):
        write(users)
    assert users.read_bytes() == before
    ours = tmp_path / "ours.png"
    write(ours)
    assert safe_io.is_keras_gen_png(ours)
    write(ours)  # its own picture: replaced without asking, no backup
    assert not (tmp_path / "ours.png.bak").exists()
    write(users, overwrite=True)
    assert (tmp_path / "holiday.png.bak").read_bytes() == before
    assert safe_io.is_keras_gen_png(users)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holiday.png", "holiday.png.bak",
                                                          "ours.png"]
