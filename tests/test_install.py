"""A non-editable install carries the catalogue: `kg.zoo.load` works offline from
another directory, with the sha256 check, using only what the wheel installed."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    wheels = tmp_path_factory.mktemp("wheels")
    build = tmp_path_factory.mktemp("build")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), ROOT], check=True, timeout=600, cwd=build,
                   env=dict(os.environ, PIP_NO_INDEX="1"))
    wheel = next(wheels.glob("keras_gen-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    "--target", str(target), str(wheel)], check=True, timeout=600)
    return target


def test_wheel_install_loads_pretrained_presets_offline(installed, tmp_path):
    code = (
        "import keras_gen as kg, numpy as np\n"
        f"assert kg.__file__.startswith({str(installed)!r}), kg.__file__\n"
        "names = [r['name'] for r in kg.zoo.list() if r['pretrained']]\n"
        "assert 'digit_classifier' in names, names\n"
        "for name in names:\n"
        "    kg.zoo.load(name, compile=False)\n"
        "print(len(names))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(installed), KERAS_GEN_HOME=str(tmp_path / "home"))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout.strip().splitlines()[-1]) >= 1
