"""The `keras-gen` command line."""

import json
import os
import subprocess
import sys
import textwrap

from keras_gen import cli


def test_help_lists_verbs(capsys):
    assert cli.main([]) == 0
    assert "list" in capsys.readouterr().out


def test_list_prints_table(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["name", "aliases", "family"]


def test_console_script_help():
    exe = os.path.join(os.path.dirname(sys.executable), "keras-gen")
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "usage: keras-gen" in result.stdout


def test_an_unsupported_backend_is_refused_and_jax_is_taken():
    code = "import keras_gen, keras; print(keras.backend.backend())"
    for backend, ok in (("torch", False), ("jax", True)):
        env = dict(os.environ, KERAS_BACKEND=backend)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env=env, timeout=120)
        if ok:
            assert result.returncode == 0 and result.stdout.split()[-1] == "jax", result.stderr
        else:
            assert result.returncode != 0 and "KERAS_BACKEND=jax" in result.stderr
            assert "'torch'" in result.stderr and "not supported yet" in result.stderr


def test_tune_prints_a_summary_and_saves_the_best(tmp_path, capsys):
    code = cli.main(["tune", "ae_mnist_28", "--max-trials", "2", "--epochs", "1", "--limit",
                     "64", "--directory", str(tmp_path / "search"), "--save",
                     str(tmp_path / "best")])
    assert code == 0
    out = capsys.readouterr().out
    assert "val_reconstruction_loss" in out and "best:" in out
    assert (tmp_path / "best" / "model.weights.h5").exists()


def test_tune_save_refuses_a_taken_folder_before_searching(tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    code = cli.main(["tune", "ae_mnist_28", "--max-trials", "1", "--epochs", "1", "--limit",
                     "16", "--directory", str(tmp_path / "search"), "--save", str(taken)])
    assert code == 2
    assert str(taken) in capsys.readouterr().err
    assert not (tmp_path / "search").exists()  # no trial ran
    assert (taken / "notes.txt").read_text() == "mine"


def _python(code, **env):
    """Run `code` in a fresh interpreter; returns the completed process."""
    environment = {k: v for k, v in os.environ.items() if k not in env}
    environment.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=environment, timeout=300)


def _python_output(code):
    """stdout of `code` (dedented) run in a fresh interpreter that must exit 0."""
    result = _python(textwrap.dedent(code))
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_help_and_list_do_not_import_tensorflow():
    out = _python_output("""
        import contextlib, io, sys
        from keras_gen import cli
        for argv in (['--help'], ['list'], ['list', 'dcgan*'], ['tune', '--help']):
            with contextlib.redirect_stdout(io.StringIO()) as out:
                try:
                    cli.main(argv)
                except SystemExit:
                    pass
            assert out.getvalue(), argv
        heavy = ('tensorflow', 'keras', 'keras_tuner')
        print('heavy:', sorted(m for m in heavy if m in sys.modules))
        """)
    assert "heavy: []" in out


def test_import_is_lazy_and_the_subpackages_still_load():
    out = _python_output("""
        import sys
        import keras_gen as kg
        assert 'tensorflow' not in sys.modules
        assert set(kg.__all__) <= set(dir(kg)) and 'zoo' in dir(kg)
        from keras_gen import models
        assert kg.models is models and 'tensorflow' not in sys.modules  # families: lazy
        assert kg.zoo.get('vae').model_class is models.VAE
        assert 'tensorflow' in sys.modules
        print(type(kg.zoo.load('vae_mnist_28')).__name__)
        """)
    assert out.split() == ["VAE"]


def test_a_keras_json_naming_another_backend_is_refused(tmp_path):
    (tmp_path / "keras.json").write_text('{"backend": "torch"}')
    result = _python("import keras_gen", KERAS_BACKEND=None, KERAS_HOME=str(tmp_path))
    assert result.returncode != 0 and "'torch'" in result.stderr and "ImportError" in result.stderr
    assert "keras.json" in result.stderr


def test_list_rows_are_those_of_the_zoo():
    import keras_gen as kg
    from keras_gen.commands import list as list_command

    assert list_command.preset_rows() == kg.zoo.list()
    assert list_command.preset_rows("dcgan*") == kg.zoo.list("dcgan*")
    assert list_command.preset_rows(family="vae") == kg.zoo.list(family="vae")


def test_preset_index_matches_the_registry():
    """`keras_gen/zoo/preset_index.py` (what `keras-gen list` reads) is current; after adding
    or changing a built-in preset, regenerate it with
    `python -c "from keras_gen.zoo import registry; registry.write_index()"`."""
    code = ("from pathlib import Path\n"
            "from keras_gen.zoo import registry\n"
            "print(Path(registry.INDEX_FILE).read_text(encoding='utf-8') == "
            "registry.index_source())\n")
    result = _python(code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["True"], (
        "keras_gen/zoo/preset_index.py is stale; regenerate it with "
        "`python -c \"from keras_gen.zoo import registry; registry.write_index()\"`")


def _tune(directory, *flags):
    return cli.main(["tune", "ae_mnist_28", "--tiny", "--epochs", "1", "--limit", "64",
                     "--directory", str(directory), *flags])


def _trial_rows(out):
    lines = out.split("trial  val_reconstruction_loss")[-1].split("\nbest:")[0]
    return [line.split()[0] for line in lines.strip().splitlines()[1:]]


def test_tune_resumes_an_earlier_search_unless_overwrite(tmp_path, capsys):
    assert _tune(tmp_path, "--max-trials", "1") == 0
    assert _trial_rows(capsys.readouterr().out) == ["0"]
    assert _tune(tmp_path, "--max-trials", "1") == 0  # finished: resumed, nothing to run
    out = capsys.readouterr().out
    assert "Resuming the search" in out and _trial_rows(out) == ["0"]
    assert _tune(tmp_path, "--max-trials", "1", "--overwrite") == 0
    out = capsys.readouterr().out
    assert "Resuming" not in out and _trial_rows(out) == ["0"]


def test_tune_tiny_resizes_the_data_to_the_tiny_model(tmp_path, capsys):
    code = cli.main(["tune", "dcgan", "--tiny", "--max-trials", "1", "--epochs", "1", "--limit",
                     "40", "--directory", str(tmp_path)])
    assert code == 0
    assert "val_fid" in capsys.readouterr().out


def test_backend_flag_trains_and_samples_on_jax(tmp_path):
    """`keras-gen --backend jax train ...` trains there and writes a preset TensorFlow loads."""
    result = _python(textwrap.dedent(f"""
        from keras_gen import cli
        code = cli.main(["--backend", "jax", "train", "vae", "--tiny", "--epochs", "1",
                         "--limit", "32", "--batch-size", "16", "--out", {str(tmp_path)!r}])
        import keras
        print(keras.backend.backend(), code)
        """), KERAS_BACKEND=None)
    assert result.returncode == 0 and result.stdout.split()[-2:] == ["jax", "0"], \
        result.stderr[-3000:]
    metadata = json.loads((tmp_path / "vae_mnist_28" / "metadata.json").read_text())
    assert metadata["preset"] == "vae_mnist_28"
    import keras_gen as kg

    model = kg.zoo.load(str(tmp_path / "vae_mnist_28"))  # on TensorFlow, in this process
    assert model.generate(2, seed=0).shape == (2, 28, 28, 1)
