"""`kg.zoo.load` and `kg.zoo.list`: presets by name, folder, URL or `.keras` file.

`load` reads top-down: resolve what was named (a `.keras` file; a URL, fetched
into the cache by `core.downloads`; a local folder; a registered name, looked up
in the shipped catalogue), then hand the preset folder to `core.store`, which
builds the model and loads its weights, verified. Nothing below calls back up.
"""

import json
import os
import zipfile
from pathlib import Path

from keras_gen.core import downloads, integrity, store
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
    if isinstance(target, (str, os.PathLike)) and str(target).endswith(".keras"):
        return _load_keras_file(Path(target), weights, compile, overrides, safe_mode)
    folder, spec = _resolve(target, sha256)
    if folder is None:
        model = _untrained_preset(spec, weights, overrides)
    else:
        model = store.build_from_folder(folder, safe_mode=safe_mode, **overrides)
        spec = spec or _spec_named_in(folder)
        if weights is not None:
            store.load_weights_checked(model, folder,
                                       weights_path=None if weights == PRETRAINED else weights)
    return _compile(model, spec) if compile else model


def _resolve(target, sha256=None):
    """`(preset folder, registered spec)` of what `load` was given.

    A URL is downloaded into the cache (its weights checked against `sha256`
    or its own metadata); a local folder is taken as it is; anything else is a
    registered name or alias (KeyError if unknown), whose folder is its
    catalogue entry, or None when this installation has no weights for it.
    The spec is None for URLs and folders.
    """
    if downloads.is_url(target):
        return downloads.download_preset(target, sha256=sha256), None
    if Path(str(target)).is_dir():
        return Path(target), None
    spec = registry.get(target)
    folder = store.catalogue_path(spec.name)
    return (folder if store.has_config(folder) else None), spec


def _untrained_preset(spec, weights, overrides):
    """A registered preset built from its spec, for a catalogue without its weights.

    Only a fresh model (`weights=None`) or one given a weights file can be
    loaded so; "pretrained" raises FileNotFoundError with how to train them.
    """
    if weights == PRETRAINED:
        raise FileNotFoundError(
            f"preset {spec.name!r} has no pretrained weights in this installation "
            f"({store.catalogue_path(spec.name)}). Train them with "
            f"`python tools/train_zoo.py {spec.name}`, or load a fresh model with weights=None."
        )
    model = spec.build(**overrides)
    if weights is not None:
        store.load_weights_file(model, weights)
    return model


def _load_keras_file(path, weights, compile, overrides, safe_mode=True):
    """A model saved by `model.save("x.keras")`, checked before Keras reads it."""
    import keras

    integrity.check_keras_file(path)
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
    name = store.read_metadata(folder).get("preset")
    try:
        return registry.get(name) if name else None
    except KeyError:
        return None


def metadata(name):
    """The catalogue metadata of a preset (an empty dict if it is not trained yet)."""
    return store.read_metadata(store.catalogue_path(registry.get(name).name))


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
