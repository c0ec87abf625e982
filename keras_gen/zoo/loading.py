"""`kg.zoo.load` and `kg.zoo.list`: presets by name, folder, URL or `.keras` file."""

import json
import os
import zipfile
from pathlib import Path

from keras_gen.core import store
from keras_gen.zoo import registry

PRETRAINED = "pretrained"


def _compile(model, spec):
    model.compile(**(spec.compile if spec is not None else {}))
    return model


def load(name_or_path_or_url, weights=PRETRAINED, compile=True, sha256=None, safe_mode=True,
         **overrides):
    """Load a preset: a registered name or alias, a local preset folder, a URL,
    or a `.keras` file.

    Truncated or corrupted files raise `kg.zoo.CorruptedFileError` (a
    `ValueError`) naming the file and what is wrong with it. A preset folder
    without `metadata.json` loads with a `kg.zoo.store.UnverifiedPresetWarning`:
    its weights have no sha256 to be checked against.

    Args:
        name_or_path_or_url: e.g. "vae", "dcgan_mnist_28", "path/to/preset",
            "https://host/presets/vae/", "path/to/model.keras".
        weights: "pretrained" (the preset's sha256-checked weights, or a
            `.keras` file's own), `None` (a fresh, untrained model of the same
            architecture), or a path to a `.weights.h5` file.
        compile: compile with the preset's compile settings, so `fit` works at once.
        sha256: for URLs, the expected digest of the weights file.
        safe_mode: False lets a preset's config or a `.keras` file hold Python
            lambdas (a `Lambda` layer), which Keras refuses by default because
            loading one runs its code. Pass False only for files you trust.
        **overrides: constructor arguments to change (`None` values are ignored).
            Changing the architecture requires `weights=None`.

    Returns:
        A built (and compiled) `keras.Model`.
    """
    if weights not in (PRETRAINED, None) and not Path(str(weights)).exists():
        raise FileNotFoundError(
            f"weights must be 'pretrained', None, or an existing .weights.h5 file; got {weights!r}."
        )
    target = name_or_path_or_url
    spec = None
    if isinstance(target, (str, os.PathLike)) and str(target).endswith(".keras"):
        return _load_keras_file(Path(target), weights, compile, overrides, safe_mode)
    if store.is_url(target):
        folder = store.download_preset(target, sha256=sha256)
    elif Path(str(target)).is_dir():
        folder = Path(target)
    else:
        spec = registry.get(target)
        folder = store.catalogue_path(spec.name)
        if not (folder / store.CONFIG_FILE).exists():
            if weights == PRETRAINED:
                raise FileNotFoundError(
                    f"preset {spec.name!r} has no pretrained weights in this installation "
                    f"({folder}). Train them with `python tools/train_zoo.py {spec.name}`, or "
                    "load a fresh model with weights=None."
                )
            model = spec.build(**overrides)
            if weights is not None:
                store.load_weights_file(model, weights)
            return _compile(model, spec) if compile else model
    config_file = folder / store.CONFIG_FILE
    if not config_file.exists():
        raise FileNotFoundError(f"{folder} is not a preset folder: it has no {store.CONFIG_FILE}.")
    model = store.build_from_config(store.read_json(config_file), safe_mode=safe_mode,
                                    **overrides)
    family_spec = spec or _spec_named_in(folder)
    if weights == PRETRAINED:
        store.load_weights_checked(model, folder)
    elif weights is not None:
        store.load_weights_checked(model, folder, weights_path=weights)
    return _compile(model, family_spec) if compile else model


def _load_keras_file(path, weights, compile, overrides, safe_mode=True):
    """A model saved by `model.save("x.keras")`, checked before Keras reads it."""
    import keras

    store.check_keras_file(path)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    try:
        if weights == PRETRAINED and not overrides:
            model = keras.saving.load_model(str(path), compile=compile, safe_mode=safe_mode)
        else:
            with zipfile.ZipFile(path) as archive:
                config = json.loads(archive.read("config.json").decode("utf-8"))
            config.setdefault("config", {}).update(overrides)
            if not compile:
                config["compile_config"] = None
            model = keras.saving.deserialize_keras_object(config, safe_mode=safe_mode)
            if weights == PRETRAINED:
                model.load_weights(str(path))
    except (OSError, ValueError, TypeError, KeyError) as error:
        hint = (" If you changed the architecture with overrides, load with weights=None."
                if overrides else "")
        raise ValueError(f"could not load {path}: {error}.{hint}") from error
    if weights not in (PRETRAINED, None):
        store.load_weights_file(model, weights)
    if compile and not getattr(model, "compiled", False):
        model.compile()
    return model


def _spec_named_in(folder):
    """The registered spec a preset folder was made from (its compile settings)."""
    meta_path = Path(folder) / store.METADATA_FILE
    name = store.read_json(meta_path).get("preset") if meta_path.exists() else None
    try:
        return registry.get(name) if name else None
    except KeyError:
        return None


def metadata(name):
    """The catalogue metadata of a preset (an empty dict if it is not trained yet)."""
    spec = registry.get(name)
    path = store.catalogue_path(spec.name) / store.METADATA_FILE
    return store.read_json(path) if path.exists() else {}


def list_presets(pattern=None, family=None):
    """Rows describing every preset: name, aliases, family, data, pretrained, metric.

    Args:
        pattern: optional glob on names and aliases, e.g. "dcgan*".
        family: optional family filter, e.g. "vae".

    Returns:
        A list of dicts, one per preset, sorted by name.
    """
    rows = []
    for spec in registry.specs(pattern, family):
        meta = metadata(spec.name)
        rows.append({
            "name": spec.name,
            "aliases": list(spec.aliases),
            "family": spec.family,
            "data": spec.data.get("name"),
            "pretrained": bool(meta),
            "parameters": meta.get("parameters"),
            "metrics": meta.get("metrics", {}),
            "description": spec.description,
        })
    return rows
