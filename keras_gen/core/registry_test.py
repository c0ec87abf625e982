"""The registry refuses specs it could not serve: a bench job it has no job for, a taken name."""

import pytest

from keras_gen.core import registry


def _spec(name, **overrides):
    return registry.PresetSpec(name=name, family="test", model_class=object, config={},
                               **overrides)


def test_an_unknown_bench_job_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"bench jobs must be of \['speed', 'quality', "
                                         r"'profile'\], got \['sped'\]"):
        registry.register_presets(_spec("registry_test_typo", bench=("sped",)))
    assert "registry_test_typo" not in registry._PRESETS


def test_a_taken_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "_PRESETS", {})
    monkeypatch.setattr(registry, "_ALIASES", {})
    registry.register_presets(_spec("registry_test_a", aliases=("rta",)))
    with pytest.raises(ValueError, match="already registered"):
        registry.register_presets(_spec("registry_test_b", aliases=("rta",)))
