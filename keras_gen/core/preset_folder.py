"""What a preset folder is: its file names, its JSON, and whether keras_gen wrote it.

A preset folder holds `config.json` (registered class name + constructor
arguments), `model.weights.h5` and `metadata.json` (sha256 of the weights, data,
command, measured metrics). Writing and loading one is `store`; fetching one
from the web is `downloads`.
"""

import json
from pathlib import Path

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
PRESET_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE)


def read_json(path):
    """The parsed content of a JSON file; a ValueError naming the file if it is not JSON."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not valid JSON ({error}).") from None


def has_config(folder):
    """True if `folder` holds a `config.json`, the one file every preset needs."""
    return (Path(folder) / CONFIG_FILE).exists()


def read_metadata(folder):
    """The `metadata.json` of a preset folder as a dict, or `{}` if it has none."""
    path = Path(folder) / METADATA_FILE
    return read_json(path) if path.exists() else {}


def preset_files(folder):
    """The entries of `folder` that `save_preset` wrote, or None if it is no such preset.

    A preset folder of ours has a `config.json` naming a class and its config,
    and a `metadata.json` holding the sha256 of `model.weights.h5` (every
    folder `save_preset` writes has both). Other entries in it are not ours.
    """
    folder = Path(folder)
    config = read_json(folder / CONFIG_FILE)
    metadata = read_json(folder / METADATA_FILE)
    if not (isinstance(config, dict) and {"class_name", "config"} <= set(config)
            and isinstance(metadata, dict) and isinstance(metadata.get("sha256"), dict)
            and WEIGHTS_FILE in metadata["sha256"]):
        return None
    return [name for name in PRESET_FILES if (folder / name).exists()]
