"""Model bases and the families built on them.

Bases (imported by families, never the other way round): `base`
(`GenerativeModel`, `ReconstructionModel`), `serving` (export signatures),
`gan` (two-phase adversarial training) and `progressive` (growing GANs).

A family is a subfolder with a `presets.py`; it is found by `discover()`, which
imports every family (registering its presets and its Keras classes). Nothing
central names a family: adding one is adding its folder. Importing this
package imports no family; `kg.models.VAE` and `from keras_gen.models import
VAE` discover them on first use.
"""

import importlib
import pkgutil
from pathlib import Path

BASES = ("base", "serving", "gan", "progressive")
_BASE_EXPORTS = {"GenerativeModel": "base", "ReconstructionModel": "base", "GAN": "gan",
                 "ProgressiveGAN": "progressive"}


def family_names():
    """Names of the family folders here (each holds a `presets.py`), sorted."""
    here = Path(__file__).parent
    return sorted(info.name for info in pkgutil.iter_modules([str(here)])
                  if info.ispkg and info.name not in BASES
                  and (here / info.name / "presets.py").exists())


def discover():
    """Import every family and its `presets` (which register themselves); returns
    `{name: family package}`."""
    families = {}
    for name in family_names():
        families[name] = importlib.import_module(f"{__name__}.{name}")
        importlib.import_module(f"{__name__}.{name}.presets")
    return families


def _exports():
    """`{public name: module}` of the bases and of every discovered family."""
    names = {name: importlib.import_module(f"{__name__}.{module}")
             for name, module in _BASE_EXPORTS.items()}
    for module in discover().values():
        names.update({name: module for name in getattr(module, "__all__", ())})
    return names


def __getattr__(name):
    if name == "__all__":
        return sorted(_exports())
    if name.startswith("__"):
        raise AttributeError(name)
    exports = _exports()
    if name not in exports:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(exports[name], name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_exports()))
