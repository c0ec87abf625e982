"""The preset registry: what each named preset is and how it is trained.

A family declares its presets once, in its own folder, with
`register_presets(PresetSpec(...), ...)`; nothing central is edited by hand.

Importing the families imports Keras and TensorFlow (seconds), so what
`keras-gen list` shows of the built-in presets is also kept as plain data in
`keras_gen/zoo/preset_index.py`, generated from the registry by
`write_index()`; a test fails when the two differ.
"""

import dataclasses
import difflib
import fnmatch
import json
import sys
import textwrap
from pathlib import Path

_PRESETS = {}
_ALIASES = {}


FIT_TOOL_KEYS = ("callbacks", "supervised", "minutes")


@dataclasses.dataclass(frozen=True)
class PresetSpec:
    """Everything needed to build, train and test one named preset.

    Args:
        name: `<arch>_<dataset>_<resolution>`, e.g. "dcgan_mnist_28".
        family: "autoencoder", "vae", "gan", "classifier", ... (used by tuning
            and evaluation to pick objectives and metrics).
        model_class: the registered `keras.Model` subclass.
        config: constructor arguments of the full preset.
        tiny_config: overrides giving a tiny, fast version for tests.
        data: keyword arguments for `kg.data.load_arrays` (must hold "name").
        compile: keyword arguments for `model.compile` (defaults when empty).
        fit: training recipe used by `tools/train_zoo.py` and `keras-gen
            train`: `model.fit` arguments (`epochs`, `batch_size`, ...) plus
            three tool keys: "callbacks" (a callable returning a list of
            callbacks), "supervised" (fit on `(x, labels)`) and "minutes" (a
            wall-clock budget, enforced by `kg.callbacks.TimeLimit`).
        aliases: short names, e.g. ("vae",).
        description: one line for `kg.zoo.list()`.
        search_space: optional `fn(hp) -> dict` of overrides for tuning; the
            dict may hold a "compile" dict of compile overrides.
        evaluate: optional `fn(model, spec) -> dict` of measured metrics on the
            preset's test data (used by `tools/train_zoo.py` and the model card).
        headline_metric: the key of `evaluate`'s dict shown in `kg.zoo.list()`.
    """

    name: str
    family: str
    model_class: type
    config: dict
    tiny_config: dict = dataclasses.field(default_factory=dict)
    data: dict = dataclasses.field(default_factory=lambda: {"name": "mnist"})
    compile: dict = dataclasses.field(default_factory=dict)
    fit: dict = dataclasses.field(default_factory=lambda: {"epochs": 10, "batch_size": 128})
    aliases: tuple = ()
    description: str = ""
    search_space: object = None
    evaluate: object = None
    headline_metric: str = ""

    def build(self, tiny=False, **overrides):
        """A fresh model of this preset (tiny for tests), with overrides applied.

        Overrides equal to `None` are dropped, so a variant lacking an option
        keeps its default.
        """
        config = dict(self.config)
        if tiny:
            config.update(self.tiny_config)
        config.update({k: v for k, v in overrides.items() if v is not None})
        return self.model_class(**config)

    def fit_arguments(self, epochs=None, batch_size=None):
        """`(fit kwargs, callbacks, supervised)` of the recipe, with overrides.

        A "minutes" budget adds a `kg.callbacks.TimeLimit`: training ends at
        the recipe's epochs or when the budget is spent, whichever is first.
        """
        from keras_gen.callbacks import TimeLimit

        recipe = dict(self.fit)
        make_callbacks = recipe.get("callbacks")
        if make_callbacks is not None and not callable(make_callbacks):
            raise TypeError(f"{self.name}: fit['callbacks'] must be a callable returning a list "
                            f"of callbacks, got {type(make_callbacks).__name__}.")
        callbacks = list(make_callbacks()) if make_callbacks else []
        if recipe.get("minutes") is not None:
            callbacks.append(TimeLimit(recipe["minutes"]))
        kwargs = {k: v for k, v in recipe.items() if k not in FIT_TOOL_KEYS}
        if epochs is not None:
            kwargs["epochs"] = epochs
        if batch_size is not None:
            kwargs["batch_size"] = batch_size
        return kwargs, callbacks, bool(recipe.get("supervised", False))


def register_presets(*specs):
    """Add presets to the registry; a name or alias may be registered only once."""
    for spec in specs:
        if not isinstance(spec, PresetSpec):
            raise TypeError(f"expected PresetSpec, got {type(spec).__name__}.")
        taken = [n for n in (spec.name, *spec.aliases) if n in _PRESETS or n in _ALIASES]
        existing = _PRESETS.get(spec.name)
        if taken and existing is not None and existing == spec:
            continue  # module re-imported (e.g. by a test runner)
        if taken:
            raise ValueError(f"preset name(s) {taken} already registered.")
        _PRESETS[spec.name] = spec
        for alias in spec.aliases:
            _ALIASES[alias] = spec.name


def unregister(name):
    """Remove a preset and its aliases (mainly for tests)."""
    spec = _PRESETS.pop(name)
    for alias in spec.aliases:
        _ALIASES.pop(alias, None)


def _ensure_families_imported():
    import keras_gen.models  # noqa: F401  (each family registers its presets)


def names(include_aliases=False):
    """Sorted preset names (and aliases, if asked)."""
    _ensure_families_imported()
    found = sorted(_PRESETS)
    return sorted(found + list(_ALIASES)) if include_aliases else found


def get(name):
    """The `PresetSpec` for a name or alias; unknown names list the closest ones."""
    _ensure_families_imported()
    if name in _ALIASES:
        name = _ALIASES[name]
    if name in _PRESETS:
        return _PRESETS[name]
    candidates = sorted(_PRESETS) + sorted(_ALIASES)
    close = difflib.get_close_matches(name, candidates, n=5, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(
        f"unknown preset {name!r}.{hint} `kg.zoo.list()` shows all {len(_PRESETS)} presets."
    )


def _matches(name, aliases, family, pattern=None, wanted_family=None):
    if pattern and not (fnmatch.fnmatch(name, pattern)
                        or any(fnmatch.fnmatch(a, pattern) for a in aliases)):
        return False
    return not wanted_family or family == wanted_family


def specs(pattern=None, family=None):
    """Registered specs, optionally filtered by a glob `pattern` and `family`."""
    _ensure_families_imported()
    return [spec for spec in (_PRESETS[n] for n in sorted(_PRESETS))
            if _matches(spec.name, spec.aliases, spec.family, pattern, family)]


INDEX_FILE = Path(__file__).with_name("preset_index.py")


def summary(spec):
    """The plain-data fields of a spec: name, aliases, family, data set name, description."""
    return {"name": spec.name, "aliases": list(spec.aliases), "family": spec.family,
            "data": spec.data.get("name"), "description": spec.description}


def summaries(pattern=None, family=None):
    """`summary` dicts of the presets, filtered like `specs`, sorted by name.

    Reads the built-in presets from `preset_index.py` while the families are
    not imported, so no Keras or TensorFlow is loaded; presets registered by
    other code are included either way. Once the families are imported, the
    registry itself answers.
    """
    if "keras_gen.models" in sys.modules:
        found = {spec.name: summary(spec) for spec in specs()}
    else:
        from keras_gen.zoo import preset_index

        found = {row["name"]: dict(row) for row in preset_index.PRESETS}
        found.update((name, summary(spec)) for name, spec in _PRESETS.items())
    return [row for _, row in sorted(found.items())
            if _matches(row["name"], row["aliases"], row["family"], pattern, family)]


def _literal(value, indent, prefix):
    """`value` as Python source after `prefix`; long strings are split in parentheses."""
    text = "None" if value is None else json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str) or indent + len(prefix) + len(text) < 99:
        return text
    chunks = textwrap.wrap(value, width=80, drop_whitespace=False, break_on_hyphens=False)
    if "".join(chunks) != value:
        return text
    pad = " " * (indent + 4)
    inner = "\n".join(pad + json.dumps(chunk, ensure_ascii=False) for chunk in chunks)
    return f"(\n{inner}\n{' ' * indent})"


def index_source():
    """The text of `preset_index.py` for the presets the families register."""
    lines = ["PRESETS = ["]
    for spec in specs():
        lines.append("    {")
        for key, value in summary(spec).items():
            prefix = f"{json.dumps(key)}: "
            lines.append(f"        {prefix}{_literal(value, 8, prefix)},")
        lines.append("    },")
    lines.append("]")
    return ('"""What `keras-gen list` shows of the built-in presets, as plain data (no Keras).\n\n'
            "Generated by `keras_gen.zoo.registry.write_index()` in a fresh interpreter; do not\n"
            'edit by hand. `tests/test_cli.py` checks it against the registry.\n"""\n\n'
            + "\n".join(lines) + "\n")


def write_index(path=INDEX_FILE):
    """Rewrite `preset_index.py` after adding or changing a built-in preset.

    Run it in a fresh interpreter, so that only the built-in presets are
    registered:

        python -c "from keras_gen.zoo import registry; registry.write_index()"
    """
    Path(path).write_text(index_source(), encoding="utf-8")
    return Path(path)
