"""keras_gen imports only downward: every module's imports (at the top and inside
functions, read from the source) go to a lower layer, or to its own layer
without a cycle. The layers are drawn in docs/developing.md.

Importing `a.b.c` also runs the package `a.b`, so that edge counts too (the
lazy root package `keras_gen`, and a module's own packages, which are already
running when it is imported, aside). `importlib.import_module` with a string
is discovery (the CLI's verbs, the model families) and is not an edge.
"""

import ast
import fnmatch
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "keras_gen"

# Lowest first. A module belongs to the first layer with a pattern that matches it.
LAYERS = [
    ("core", ["keras_gen.core", "keras_gen.core.*"]),
    ("blocks", ["keras_gen.layers*", "keras_gen.losses*", "keras_gen.regularizers*",
                "keras_gen.noise*", "keras_gen.replay*", "keras_gen.data*", "keras_gen.plot",
                "keras_gen.distribute"]),
    ("model bases", ["keras_gen.models", "keras_gen.models.base", "keras_gen.models.serving",
                     "keras_gen.models.gan*", "keras_gen.models.progressive*"]),
    ("evaluation models", ["keras_gen.models.classifier*"]),
    ("metrics", ["keras_gen.metrics*"]),
    ("families", ["keras_gen.models.*"]),
    ("zoo", ["keras_gen.zoo*"]),
    ("export and callbacks", ["keras_gen.export*", "keras_gen.callbacks*"]),
    ("training", ["keras_gen.training*"]),
    ("command line and testing", ["keras_gen.commands*", "keras_gen.cli", "keras_gen.testing*",
                                  "keras_gen"]),
]


def module_names():
    """`{dotted name: path}` of every library module (tests beside the code left out)."""
    names = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name.endswith("_test.py"):
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


MODULES = module_names()


def layer_of(name):
    for index, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
            return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS (and docs/developing.md)")


def _known(dotted):
    """The longest prefix of `dotted` that is a keras_gen module, or None."""
    while dotted and dotted not in MODULES:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def imports_of(name):
    """`{(imported module, line)}` of module `name`, packages run on the way included."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            module = _known(target)
            while module and module != "keras_gen" and module != name:
                if not name.startswith(module + "."):  # its own packages already run
                    found.add((module, node.lineno))
                module = module.rpartition(".")[0]
    return found


EDGES = {name: imports_of(name) for name in MODULES}


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} ({LAYERS[layer_of(name)][0]}) "
              f"imports {target} ({LAYERS[layer_of(target)][0]})"
              for name, edges in EDGES.items() for target, line in edges
              if layer_of(target) > layer_of(name)]
    assert not upward, "upward imports:\n" + "\n".join(sorted(upward))


def test_imports_form_no_cycle():
    state, cycles = {}, []

    def visit(name, trail):
        state[name] = "open"
        for target in sorted({t for t, _ in EDGES[name]}):
            if state.get(target) == "open":
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(MODULES):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("source, expected", [
    ("from keras_gen.zoo import store\n", {"keras_gen.zoo"}),
    ("def f():\n    from keras_gen.callbacks import SampleGrid\n", {"keras_gen.callbacks"}),
    ("import keras_gen.models.vae.model\n",
     {"keras_gen.models.vae.model", "keras_gen.models.vae", "keras_gen.models"}),
])
def test_the_reader_sees_top_level_and_function_imports(tmp_path, monkeypatch, source, expected):
    module = tmp_path / "probe.py"
    module.write_text(source)
    monkeypatch.setitem(MODULES, "keras_gen.core.probe", module)
    assert {target for target, _ in imports_of("keras_gen.core.probe")} == expected
