"""The model zoo: named presets, pretrained weights, loading and saving.

    kg.zoo.list()                      # rows: name, family, data, metrics
    model = kg.zoo.load("vae")         # pretrained, sha256-checked, compiled
    fresh = kg.zoo.load("vae", weights=None, latent_dim=8)
    kg.zoo.save_preset(model, "my_vae", metadata={"data": "mnist"})
    best, hp = kg.zoo.tune("vae", x_train, max_trials=20)   # keras-tuner search

The names below are imported on first use, so `keras_gen.zoo.registry` (which
`keras-gen list` reads) stays free of Keras. Any name backed by Keras (loading,
the store, tuning) first imports the model families, so their classes are
registered with Keras before a preset is deserialized.
"""

_SUBMODULES = ("loading", "registry", "store", "tuning")
_IN_CORE = ("store", "safe_io")  # the leaf layer's preset store and writers, re-exported
_NAMES = {
    "PRETRAINED": ("loading", "PRETRAINED"), "load": ("loading", "load"),
    "metadata": ("loading", "metadata"), "list": ("loading", "list_presets"),
    "PresetSpec": ("registry", "PresetSpec"), "get": ("registry", "get"),
    "names": ("registry", "names"), "register_presets": ("registry", "register_presets"),
    "register": ("registry", "register_presets"), "specs": ("registry", "specs"),
    "objectives": ("tuning", "objectives"), "objective_for": ("tuning", "objective_for"),
    "run_search": ("tuning", "run_search"), "search_space": ("tuning", "search_space"),
    "tune": ("tuning", "tune"),
    "CorruptedFileError": ("store", "CorruptedFileError"),
    "HashMismatchError": ("store", "HashMismatchError"), "download": ("store", "download"),
    "home": ("store", "home"), "save_preset": ("store", "save_preset"),
    "UnverifiedPresetWarning": ("store", "UnverifiedPresetWarning"),
    "TargetExistsError": ("safe_io", "TargetExistsError"),
    "BackupKeptWarning": ("safe_io", "BackupKeptWarning"),
}

__all__ = ["objectives", "PRETRAINED", "BackupKeptWarning", "CorruptedFileError",
           "HashMismatchError", "PresetSpec", "TargetExistsError", "UnverifiedPresetWarning",
           "download", "get", "home", "list", "load", "metadata", "names", "objective_for",
           "register", "register_presets", "run_search", "save_preset", "search_space",
           "specs", "tune"]


def __getattr__(name):
    import importlib

    if name in _SUBMODULES:
        module_name, attribute = name, None
    elif name in _NAMES:
        module_name, attribute = _NAMES[name]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if module_name not in ("registry", "safe_io"):
        importlib.import_module("keras_gen.models").discover()
    package = "keras_gen.core" if module_name in _IN_CORE else __name__
    module = importlib.import_module(f"{package}.{module_name}")
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__():
    private = {"_NAMES", "_SUBMODULES", "_IN_CORE"}
    return sorted((set(globals()) - private) | set(__all__) | set(_SUBMODULES))
