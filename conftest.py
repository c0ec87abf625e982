"""pytest configuration shared by tests/ and the per-family tests in keras_gen/."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--run-large", action="store_true", default=False,
                     help="also run tests marked large (slow training)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-large"):
        return
    skip = pytest.mark.skip(reason="large test: run with --run-large")
    for item in items:
        if "large" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep downloads and caches of every test out of the user's ~/.keras."""
    monkeypatch.setenv("KERAS_GEN_HOME", str(tmp_path_factory.mktemp("keras_gen_home")))


@pytest.fixture
def register():
    """`register(spec)` adds a preset to the registry for one test, then removes it."""
    import keras_gen as kg
    from keras_gen.core import registry

    added = []

    def add(spec):
        kg.zoo.register_presets(spec)
        added.append(spec.name)
        return spec

    yield add
    for name in added:
        registry.unregister(name)
