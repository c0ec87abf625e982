"""The model zoo: named presets, pretrained weights, loading and saving.

    kg.zoo.list()                      # rows: name, family, data, metrics
    model = kg.zoo.load("vae")         # pretrained, sha256-checked, compiled
    fresh = kg.zoo.load("vae", weights=None, latent_dim=8)
    kg.zoo.save_preset(model, "my_vae", metadata={"data": "mnist"})
    best, hp = kg.zoo.tune("vae", x_train, max_trials=20)   # keras-tuner search
"""

from keras_gen.zoo.loading import PRETRAINED, load, metadata
from keras_gen.zoo.loading import list_presets as list  # noqa: A001 (the documented name)
from keras_gen.zoo.registry import PresetSpec, get, names, register_presets, specs
from keras_gen.zoo.tuning import OBJECTIVES, objective_for, run_search, search_space, tune
from keras_gen.zoo.store import CorruptedFileError, HashMismatchError, download, home, save_preset

register = register_presets

__all__ = ["OBJECTIVES", "objective_for", "run_search", "search_space", "tune", "PRETRAINED", "CorruptedFileError", "HashMismatchError", "PresetSpec", "download", "get", "home", "list",
           "load", "metadata", "names", "register", "register_presets", "save_preset", "specs"]
