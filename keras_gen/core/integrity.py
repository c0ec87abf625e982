"""File integrity: sha256 checks and clear errors for truncated or corrupted model files.

`CorruptedFileError` (a `ValueError`) names the file, the problem, what a
valid file has and what this one has; `HashMismatchError` is its sha256 case.
`check_weights_file` / `check_keras_file` read a file's signature and structure
before Keras touches it, so a damaged file is refused instead of half-loaded.
"""

import hashlib
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

from keras_gen.core import safe_io


class CorruptedFileError(ValueError):
    """A model file is truncated, corrupted, or not the kind of file its name says.

    Attributes:
        path: the file.
        problem: e.g. "is truncated", "is not a valid .keras file".
        expected, found: what a valid file has there and what this one has.
    """

    def __init__(self, path, problem, expected=None, found=None):
        self.path, self.problem, self.expected, self.found = str(path), problem, expected, found
        detail = f" Expected {expected}; found {found}." if expected is not None else ""
        super().__init__(f"{self.path} {problem}.{detail} It was not loaded.")


class HashMismatchError(CorruptedFileError):
    """A file's sha256 differs from the one it was published with."""

    def __init__(self, path, expected, actual):
        self.path, self.expected, self.actual = str(path), expected, actual
        self.problem, self.found = "does not match its published sha256", actual
        ValueError.__init__(
            self,
            f"sha256 mismatch for {self.path}: expected {expected}, got {actual}. "
            "The file is corrupted or was replaced; it was not loaded."
        )


def verify(path, expected_sha256):
    """Raise `HashMismatchError` unless the file at `path` has `expected_sha256`."""
    actual = safe_io.sha256_file(path)
    if actual != expected_sha256:
        raise HashMismatchError(path, expected_sha256, actual)


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
KERAS_FILE_ENTRIES = ("config.json", "model.weights.h5")
WEIGHTS_DIGEST_ATTR = "keras_gen_sha256"
READ_ERRORS = (OSError, RuntimeError, KeyError, ValueError, TypeError, IndexError)


def describe_start(head, size):
    """What the first bytes of a file suggest it is, for error messages."""
    if size == 0:
        return "an empty file (0 bytes)"
    if head.startswith(HDF5_SIGNATURE):
        return "an HDF5 file"
    if head.startswith(ZIP_SIGNATURE):
        return "a zip archive (a .keras file?)"
    if head[4:8] == b"TFL3":
        return "a TFLite model"
    return f"{size:,} bytes starting with {head[:8]!r}"


def _head(path, count=8):
    with open(path, "rb") as handle:
        return handle.read(count)


def dataset_names(handle):
    """The paths of every dataset in an open HDF5 file."""
    import h5py

    names = []
    handle.visititems(lambda name, item: names.append(name)
                      if isinstance(item, h5py.Dataset) else None)
    return names


def has_weights_digest(path):
    import h5py

    with h5py.File(path, "r") as handle:
        return WEIGHTS_DIGEST_ATTR in handle.attrs


def _datasets_digest(handle):
    """sha256 over every dataset of an open HDF5 file: names, dtypes, shapes, values.

    Reading every dataset also surfaces damage HDF5 only finds on access.
    """
    digest = hashlib.sha256()
    for name in sorted(dataset_names(handle)):
        value = np.asarray(handle[name][()])
        digest.update(f"{name}\0{value.dtype.str}\0{value.shape}\0".encode())
        digest.update(np.ascontiguousarray(value).tobytes() if value.dtype.kind not in "OSUV"
                      else repr(value.tolist()).encode())
    return digest.hexdigest()


def embed_weights_digest(path):
    """Store a digest of a `.weights.h5` file's values in the file (a root attribute).

    `check_weights_file` then finds flipped bytes in the values, which HDF5
    itself cannot (it keeps no checksum of contiguous data).
    """
    import h5py

    with h5py.File(path, "r+") as handle:
        handle.attrs.pop(WEIGHTS_DIGEST_ATTR, None)
        handle.attrs[WEIGHTS_DIGEST_ATTR] = _datasets_digest(handle)


def check_weights_file(path):
    """Raise `CorruptedFileError` unless `path` is a whole, readable `.weights.h5` file.

    Checks the HDF5 signature, the file size the HDF5 superblock records
    (truncation), that every dataset reads, and the digest stored by
    `embed_weights_digest` when there is one (`save_preset` stores it).
    """
    import h5py

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weights file at {path}.")
    size = path.stat().st_size
    head = _head(path)
    if not head.startswith(HDF5_SIGNATURE) and not h5py.is_hdf5(str(path)):
        raise CorruptedFileError(path, "is not a valid .weights.h5 file",
                                 f"an HDF5 file (starting with {HDF5_SIGNATURE!r})",
                                 describe_start(head, size))
    try:
        with h5py.File(path, "r") as handle:
            stored = handle.attrs.get(WEIGHTS_DIGEST_ATTR)
            actual = _datasets_digest(handle)
    except READ_ERRORS as error:
        message = str(error)
        eof = re.search(r"\beof = (\d+).*stored_eof = (\d+)", message)
        if eof:
            raise CorruptedFileError(
                path, "is truncated",
                f"{int(eof.group(2)):,} bytes (the size its HDF5 superblock records)",
                f"{int(eof.group(1)):,} bytes") from None
        raise CorruptedFileError(path, "is corrupted: HDF5 cannot read it",
                                 "a readable HDF5 file of weights",
                                 f"{type(error).__name__}: {message}") from None
    if stored is not None:
        stored = stored.decode() if isinstance(stored, bytes) else str(stored)
        if stored != actual:
            raise CorruptedFileError(
                path, "is corrupted: its values differ from the digest saved in it",
                f"sha256 {stored}", f"sha256 {actual}")


def check_keras_file(path):
    """Raise `CorruptedFileError` unless `path` is a whole `.keras` archive.

    A `.keras` file is a zip archive; every entry carries a CRC-32, so any
    flipped byte in it is found here, and a missing end (the archive's index
    is written last) means the file is truncated.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no .keras file at {path}.")
    size = path.stat().st_size
    head = _head(path)
    expected = f"a zip archive (starting with {ZIP_SIGNATURE!r}) holding " \
               f"{' and '.join(KERAS_FILE_ENTRIES)}"
    if not head.startswith(ZIP_SIGNATURE):
        raise CorruptedFileError(path, "is not a valid .keras file", expected,
                                 describe_start(head, size))
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            damaged = archive.testzip()
    except zipfile.BadZipFile as error:
        raise CorruptedFileError(
            path, "is truncated or corrupted",
            "a zip archive ending with its central directory (the index of its entries)",
            f"{size:,} bytes without a readable one ({error})") from None
    except (OSError, EOFError, zlib.error) as error:
        raise CorruptedFileError(path, "is corrupted: an entry cannot be read", expected,
                                 f"{type(error).__name__}: {error}") from None
    if damaged is not None:
        raise CorruptedFileError(path, f"is corrupted: entry {damaged!r} is damaged",
                                 "the content that matches its recorded CRC-32",
                                 "other bytes (or a damaged entry header)")
    missing = [name for name in KERAS_FILE_ENTRIES if name not in names]
    if missing:
        raise CorruptedFileError(path, "is not a valid .keras file", expected,
                                 f"entries {sorted(names)}")


def checks_weights_file(model, filepath):
    """Whether `model.load_weights(filepath)` runs `check_weights_file` itself.

    keras_gen's models say so with the class attribute `CHECKS_WEIGHTS_FILE`;
    callers run the check themselves for any other model.
    """
    return bool(getattr(model, "CHECKS_WEIGHTS_FILE", False)) and str(filepath).endswith(
        ".weights.h5")
