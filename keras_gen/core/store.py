"""Preset folders on disk: write one, and read one back with its weights verified.

The folder's format (file names, JSON, what keras_gen wrote) is `preset_folder`;
downloading and caching a published preset is `downloads`. The catalogue of
pretrained presets ships inside the package (`keras_gen/catalogue/<name>/`).
Nothing here resolves names: `kg.zoo.load` does, then calls down into this module.
The names of `preset_folder`, `downloads` and `integrity` that callers reach
through `store` are re-exported.
"""

import json
import warnings
from pathlib import Path

import keras
import numpy as np

from keras_gen.core import integrity, safe_io
from keras_gen.core.downloads import (  # noqa: F401  (the store's API)
    DOWNLOAD_TIMEOUT_S,
    download,
    download_preset,
    home,
    is_url,
)
from keras_gen.core.integrity import (  # noqa: F401  (CorruptedFileError etc.: the store's API)
    READ_ERRORS,
    WEIGHTS_DIGEST_ATTR,
    CorruptedFileError,
    HashMismatchError,
    check_keras_file,
    check_weights_file,
    dataset_names,
    describe_start,
    embed_weights_digest,
    has_weights_digest,
    verify,
)
from keras_gen.core.preset_folder import (  # noqa: F401  (the store's API)
    CONFIG_FILE,
    METADATA_FILE,
    PRESET_FILES,
    WEIGHTS_FILE,
    has_config,
    preset_files,
    read_json,
    read_metadata,
)

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"


def catalogue_path(name):
    """Folder of the shipped pretrained preset `name` (may not exist)."""
    return CATALOGUE_DIR / name


def model_config(model):
    """`{"class_name", "config"}` for a registered keras_gen model."""
    return {
        "class_name": keras.saving.get_registered_name(type(model)),
        "config": model.get_config(),
    }


def build_from_config(config_json, safe_mode=True, **overrides):
    """Instantiate the model described by a preset's `config.json` content.

    `safe_mode=False` lets the config's nested Keras objects hold Python
    lambdas (a `Lambda` layer), as in `keras.saving.load_model`; only for
    presets you trust, since loading a lambda runs its code. `True` keeps
    Keras' default (refused, unless `keras.config.enable_unsafe_deserialization()`).
    """
    class_name = config_json["class_name"]
    cls = keras.saving.get_registered_object(class_name)
    if cls is None:
        raise ValueError(
            f"preset class {class_name!r} is not registered; import the module that defines it."
        )
    config = dict(config_json["config"])
    config.update({k: v for k, v in overrides.items() if v is not None})
    if safe_mode:
        return cls.from_config(config)
    from keras.src.saving.serialization_lib import SafeModeScope

    with SafeModeScope(False):
        return cls.from_config(config)


def build_from_folder(folder, safe_mode=True, **overrides):
    """The model a preset folder's `config.json` describes, built without weights.

    Raises FileNotFoundError if `folder` has no `config.json`; `safe_mode` and
    `overrides` as in `build_from_config`.
    """
    folder = Path(folder)
    if not has_config(folder):
        raise FileNotFoundError(f"{folder} is not a preset folder: it has no {CONFIG_FILE}.")
    return build_from_config(read_json(folder / CONFIG_FILE), safe_mode=safe_mode, **overrides)


STORAGE_DTYPES = ("float32", "float16")


def round_weights(model, storage_dtype):
    """Round a model's float32 weights to what `storage_dtype` can hold, in place.

    Lets a caller measure a model exactly as it will be after a float16 save.
    """
    if storage_dtype == "float32":
        return model
    model.set_weights([w.astype(storage_dtype).astype(w.dtype) if w.dtype == np.float32 else w
                       for w in model.get_weights()])
    return model


def _store_as(weights_path, storage_dtype):
    """Rewrite a `.weights.h5` file with float32 arrays stored as `storage_dtype`.

    Keras casts them back to each variable's dtype when loading; float16 halves
    the catalogue's size for a rounding error below 1e-3 relative.
    """
    import h5py

    with h5py.File(weights_path, "r+") as handle:
        handle.attrs.pop(WEIGHTS_DIGEST_ATTR, None)  # the values change: it would be stale
        for name in dataset_names(handle):
            if handle[name].dtype == np.float32:
                data = handle[name][()].astype(storage_dtype)
                del handle[name]
                handle.create_dataset(name, data=data)
    # h5py does not reclaim freed space in place: copy into a compact file.
    with safe_io.atomic_path(weights_path) as compact:
        with h5py.File(weights_path, "r") as source, h5py.File(compact, "w") as target:
            for key in source.attrs:
                target.attrs[key] = source.attrs[key]
            for key in source:
                source.copy(source[key], target, name=key)


def check_preset_target(path, overwrite=False):
    """Raise `TargetExistsError` (a `ValueError`) unless `save_preset` may write `path`.

    For callers that should refuse before a long training run rather than at
    its end; `save_preset` runs the same check itself.
    """
    return safe_io.check_directory_target(path, overwrite, ours=preset_files, what="preset folder")


def save_preset(model, path, metadata=None, storage_dtype="float32", overwrite=False):
    """Write `model` as a preset folder at `path`, atomically.

    `metadata.json` gets the weights' sha256 added to the given metadata.

    What is already at `path` is never deleted unless keras_gen wrote it:

    - nothing, or an empty folder: the preset is written there.
    - anything else, without `overwrite`: `kg.zoo.TargetExistsError` (a
      `ValueError`) naming `path`; nothing is written.
    - `overwrite=True` and a preset folder `save_preset` wrote: replaced; the
      old one is renamed `path.bak` until the new one is complete, then
      removed (kept, with a `BackupKeptWarning`, if it also held files of
      yours, e.g. notes).
    - `overwrite=True` and anything else (a folder of other files, a file):
      moved to `path.bak` (or the first free `path.bakN`) and kept, with a
      `BackupKeptWarning`; the preset is written at `path`.

    Args:
        storage_dtype: "float32", or "float16" to store float weights at half
            size (they load back as float32; measure the model after
            `round_weights(model, "float16")` to report what users get).
        overwrite: replace an existing target as above.

    Returns:
        The metadata written (a dict).
    """
    if storage_dtype not in STORAGE_DTYPES:
        raise ValueError(f"storage_dtype must be one of {STORAGE_DTYPES}, got {storage_dtype!r}.")
    metadata = dict(metadata or {})
    with safe_io.atomic_directory(path, overwrite, ours=preset_files, what="preset folder") as tmp:
        safe_io.write_text_atomic(tmp / CONFIG_FILE, json.dumps(model_config(model), indent=2))
        model.save_weights(str(tmp / WEIGHTS_FILE))
        if storage_dtype != "float32":
            _store_as(tmp / WEIGHTS_FILE, storage_dtype)  # drops the (stale) digest
            metadata["weights_storage"] = storage_dtype
        if not has_weights_digest(tmp / WEIGHTS_FILE):  # keras_gen models embed it on save
            embed_weights_digest(tmp / WEIGHTS_FILE)  # the file checks itself when copied alone
        metadata["sha256"] = {WEIGHTS_FILE: safe_io.sha256_file(tmp / WEIGHTS_FILE)}
        metadata.setdefault("parameters", int(model.count_params()))
        safe_io.write_text_atomic(tmp / METADATA_FILE,
                                  json.dumps(metadata, indent=2, sort_keys=True))
    return metadata


class UnverifiedPresetWarning(UserWarning):
    """A preset's weights were loaded without a published sha256 to check them against."""


def load_weights_file(model, path):
    """`model.load_weights(path)` after `check_weights_file`; errors say what went wrong.

    keras_gen models run the check in their own `load_weights` (also what
    `BackupAndRestore` calls), so it is run here only for other models.
    """
    if not integrity.checks_weights_file(model, path):
        check_weights_file(path)
    try:
        model.load_weights(str(path))
    except (CorruptedFileError, FileNotFoundError):  # from keras_gen's own check
        raise
    except READ_ERRORS as error:
        raise ValueError(
            f"could not load weights {path} into {type(model).__name__}: {error}. "
            "If you changed the architecture with overrides, load with weights=None."
        ) from error


def load_weights_checked(model, folder, weights_path=None):
    """Load `model.weights.h5` from a preset folder after checking its sha256.

    The folder's `metadata.json` digest applies to the folder's own weights
    file; any weights file is also checked by `check_weights_file`. A folder
    without `metadata.json`, or one that gives no digest for its weights,
    loads with an `UnverifiedPresetWarning`: nothing shows the weights are
    the ones the preset was published with.
    """
    folder = Path(folder)
    weights_path = Path(weights_path or folder / WEIGHTS_FILE)
    metadata_path = folder / METADATA_FILE
    if not weights_path.exists():
        raise FileNotFoundError(f"no weights file at {weights_path}.")
    if weights_path.resolve().parent == folder.resolve():
        expected = None
        if metadata_path.exists():
            digests = read_json(metadata_path).get("sha256")
            expected = digests.get(weights_path.name) if isinstance(digests, dict) else None
            missing = f"{metadata_path} gives no sha256 for {weights_path.name}"
        else:
            missing = f"{folder} has no {METADATA_FILE}"
        if expected:
            verify(weights_path, expected)
        else:
            warnings.warn(f"{missing}, so the weights {weights_path} are unverified: they "
                          "are loaded without a sha256 check. Save presets with "
                          "kg.zoo.save_preset to record one.", UnverifiedPresetWarning,
                          stacklevel=3)
    load_weights_file(model, weights_path)
