"""What an export folder holds and says about itself.

`export` writes `saved_model/` (when asked for), one `.tflite` per serving
function and `report.json`, an `ExportReport` listing every file with its size,
largest |exported - Keras| difference and latency. That report is also how a
later export recognises a folder as its own and may replace it.
"""

import dataclasses
import json
import os
from pathlib import Path

from keras_gen.core import safe_io

REPORT_FILE = "report.json"
SAVED_MODEL_DIR = "saved_model"


@dataclasses.dataclass
class ExportedFile:
    """One exported artefact and what was measured on it."""

    function: str
    format: str
    path: str
    size_bytes: int
    max_abs_diff: float = None
    latency_ms: float = None
    quantize: str = None


@dataclasses.dataclass
class ExportReport:
    """What `export` wrote and measured; `str(report)` is a table."""

    out_dir: str
    files: list
    keras_latency_ms: dict

    def as_dict(self):
        return {"out_dir": self.out_dir, "keras_latency_ms": self.keras_latency_ms,
                "files": [dataclasses.asdict(f) for f in self.files]}

    def __str__(self):
        rows = [("function", "format", "quantize", "size", "max |diff|", "latency ms", "file")]
        for name, ms in self.keras_latency_ms.items():
            rows.append((name, "keras", "-", "-", "0", f"{ms:.3f}", "-"))
        for f in self.files:
            rows.append((f.function, f.format, f.quantize or "-", _size(f.size_bytes),
                         "-" if f.max_abs_diff is None else f"{f.max_abs_diff:.2e}",
                         "-" if f.latency_ms is None else f"{f.latency_ms:.3f}",
                         os.path.relpath(f.path, self.out_dir)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def export_files(folder):
    """The entries of `folder` that `export` wrote, or None if it is no export folder of ours.

    `export` ends every export folder with a `report.json` (`ExportReport.as_dict`)
    listing its files; those, the report and `saved_model/` are ours.
    """
    folder = Path(folder)
    report = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    if not (isinstance(report, dict) and {"out_dir", "files", "keras_latency_ms"} <= set(report)
            and isinstance(report["files"], list)):
        return None
    names = {REPORT_FILE, SAVED_MODEL_DIR}
    names.update(Path(str(entry["path"])).name for entry in report["files"]
                 if isinstance(entry, dict) and "path" in entry)
    return sorted(names)


def check_out_dir(out_dir, overwrite=False):
    """Raise `TargetExistsError` (a `ValueError`) unless `export` may write `out_dir`.

    `export` checks it before tracing anything; a caller that loads a model
    first can check sooner.
    """
    return safe_io.check_directory_target(out_dir, overwrite, ours=export_files,
                                          what="export folder")


def dir_size(path):
    """Total bytes of the files under `path` (a SavedModel folder)."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _size(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"
