"""Families are discovered: the registry, the tuning objectives, the bench rows and the floors
are all read off the family folders, so adding a family is adding its folder."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import keras_gen as kg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

import bench  # noqa: E402  (tools/ is not a package)


def _folder_of(spec):
    parts = spec.model_class.__module__.split(".")
    return parts[2] if parts[:2] == ["keras_gen", "models"] else None


def test_every_family_folder_reaches_registry_objectives_bench_and_floors():
    folders = set(kg.models.family_names())
    specs = kg.zoo.specs()
    shipped = [s for s in specs if _folder_of(s) in folders]
    assert {_folder_of(s) for s in shipped} == folders
    objectives = kg.zoo.objectives()
    assert all(objectives[s.name] == s.tuning_objective for s in shipped)
    assert objectives["vae_mnist_28"] == ("val_loss", "min")
    assert objectives["ae_mnist_28"] == ("val_reconstruction_loss", "min")
    assert objectives["dcgan_mnist_28"] == ("val_fid", "min")
    assert set(bench.headline_presets()) == {s.name for s in shipped if "speed" in s.bench}
    assert {s.family for s in shipped if bench.wants_quality(s)} == {"gan", "vae"}
    assert set(bench.profiled_presets()) == {s.name for s in shipped if "profile" in s.bench}
    assert all(s.floor is not None for s in shipped), "every shipped preset has a floor"


def test_central_modules_name_no_family():
    """Tuning, the bench and the floors tool hold no preset or family name."""
    names = set(kg.zoo.names(include_aliases=True))
    for path in ("keras_gen/zoo/tuning.py", "tools/bench.py", "tools/floors.py",
                 "keras_gen/training/pipeline.py", "keras_gen/training/floors.py"):
        source = (REPO / path).read_text()
        named = sorted(n for n in names if f'"{n}"' in source or f"'{n}'" in source)
        assert not named, f"{path} names presets {named}"


NEW_FAMILY = textwrap.dedent('''
    """A family that exists only in this test's copy of the package."""

    from keras_gen.core.registry import Bound, Floor, PresetSpec, register_presets
    from keras_gen.models.autoencoder.model import Autoencoder

    register_presets(PresetSpec(
        name="toy_ae_digits_8", family="autoencoder", model_class=Autoencoder,
        config={"input_shape": (8, 8, 1), "hidden": (8,), "code_dim": 2},
        data={"name": "digits"}, bench=("speed",),
        floor=Floor((Bound("test_mse", "<", 0.1),), minutes=1.0)))
''')

CHECK = textwrap.dedent('''
    import sys
    # an editable install finds the repository's keras_gen before PYTHONPATH does
    sys.meta_path = [f for f in sys.meta_path if "__editable__" not in repr(f)]
    sys.path.insert(0, sys.argv[1])
    import bench
    import floors
    import keras_gen as kg

    assert kg.__file__.startswith(sys.argv[2]), kg.__file__

    assert kg.zoo.get("toy_ae_digits_8").family == "autoencoder"
    assert kg.zoo.objectives()["toy_ae_digits_8"] == ("val_reconstruction_loss", "min")
    assert "toy_ae_digits_8" in bench.headline_presets()
    assert "toy_ae_digits_8" in [s.name for s in kg.zoo.specs() if s.floor is not None]
    floors.main(["--list"])
''')


def test_a_new_family_folder_is_all_it_takes(tmp_path):
    package = tmp_path / "keras_gen"
    shutil.copytree(REPO / "keras_gen", package,
                    ignore=shutil.ignore_patterns("catalogue", "__pycache__", "*_test.py"))
    (package / "catalogue").symlink_to(REPO / "keras_gen" / "catalogue")
    family = package / "models" / "toyfamily"
    family.mkdir()
    (family / "__init__.py").write_text('"""A test family."""\n')
    (family / "presets.py").write_text(NEW_FAMILY)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", CHECK, str(REPO / "tools"), str(tmp_path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "toy_ae_digits_8: test_mse < 0.1, training <= 1 min" in result.stdout
