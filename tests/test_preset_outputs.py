"""Every shipped preset gives bit-identical outputs to the stored reference:
a refactor of the library must not change a single sample or reconstruction.
The reference is written by `tools/record_preset_outputs.py` (only when a
change is meant to alter outputs). On a machine of another kind than the one
that wrote it (other CPU features or versions), TensorFlow's kernels round
differently in the last bits, and the outputs must agree within
`CROSS_MACHINE_ATOL` instead."""

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
PRESET_KEYS = [key for key in REFERENCE.files if key != record.SIGNATURE_KEY]
SAME_MACHINE = (record.SIGNATURE_KEY in REFERENCE.files
                and str(REFERENCE[record.SIGNATURE_KEY]) == record.machine_signature())


def test_the_reference_covers_every_shipped_preset():
    recorded = sorted({key.split("/")[0] for key in PRESET_KEYS})
    assert recorded == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_outputs_are_bit_identical_to_the_reference(name):
    outputs = record.preset_outputs(name)
    assert sorted(outputs) == sorted(k.split("/")[1] for k in PRESET_KEYS
                                     if k.split("/")[0] == name)
    for kind, value in outputs.items():
        expected = REFERENCE[f"{name}/{kind}"]
        if SAME_MACHINE:
            np.testing.assert_array_equal(value, expected, err_msg=f"{name} {kind}")
        else:
            np.testing.assert_allclose(value, expected, rtol=0, atol=record.CROSS_MACHINE_ATOL,
                                       err_msg=f"{name} {kind} (reference from another machine)")
