"""Every shipped preset gives bit-identical outputs to the stored reference:
a refactor of the library must not change a single sample or reconstruction.
The reference is written by `tools/record_preset_outputs.py` (only when a
change is meant to alter outputs)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("record_preset_outputs",
                                               ROOT / "tools" / "record_preset_outputs.py")
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)

REFERENCE = np.load(record.REFERENCE)
SHIPPED = record.shipped_presets()


def test_the_reference_covers_every_shipped_preset():
    recorded = sorted({key.split("/")[0] for key in REFERENCE.files})
    assert recorded == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_outputs_are_bit_identical_to_the_reference(name):
    outputs = record.preset_outputs(name)
    assert sorted(outputs) == sorted(k.split("/")[1] for k in REFERENCE.files
                                     if k.split("/")[0] == name)
    for kind, value in outputs.items():
        np.testing.assert_array_equal(value, REFERENCE[f"{name}/{kind}"], err_msg=f"{name} {kind}")
