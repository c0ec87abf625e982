"""The `keras-gen` command line."""

import os
import subprocess
import sys

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


def test_non_tensorflow_backend_is_refused():
    code = "import keras_gen"
    env = dict(os.environ, KERAS_BACKEND="jax")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode != 0 and "KERAS_BACKEND" in result.stderr


def test_tune_prints_a_summary_and_saves_the_best(tmp_path, capsys):
    code = cli.main(["tune", "ae_mnist_28", "--max-trials", "2", "--epochs", "1", "--limit",
                     "64", "--directory", str(tmp_path / "search"), "--save",
                     str(tmp_path / "best")])
    assert code == 0
    out = capsys.readouterr().out
    assert "val_reconstruction_loss" in out and "best:" in out
    assert (tmp_path / "best" / "model.weights.h5").exists()
