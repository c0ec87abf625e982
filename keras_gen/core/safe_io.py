"""File helpers: sha256 digests, atomic writes, and targets a user may own.

Everything keras_gen writes (presets, checkpoints, exports, PNGs, downloads)
goes to a temporary path in the destination directory first and is renamed into
place, so a crash or Ctrl-C never leaves a half-written file behind.

Writers whose target a user names (`save_preset`, `export`, `SampleGrid`,
`--out`) go through `atomic_directory` / `atomic_file`: an existing target
that is not an empty folder is refused with a `TargetExistsError` unless the
caller passes `overwrite=True`, and even then nothing keras_gen did not write
is deleted: it is moved to a `NAME.bak` sibling and kept.
"""

import contextlib
import dataclasses
import hashlib
import os
import shutil
import tempfile
import warnings
import zlib
from pathlib import Path

CHUNK = 1 << 20


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _publish_mode(path, directory=False):
    """Give a temp file/dir the mode a normal create would have (mkstemp uses 0600)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def sha256_file(path):
    """Hex sha256 digest of the file at `path`."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _temporary_file(path):
    """A new empty hidden file next to `path` (same suffixes), creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp" + "".join(path.suffixes[-2:]), dir=path.parent
    )
    os.close(handle)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary file path next to `path`; rename it to `path` on success.

    The temporary file is removed if the body raises, so `path` either keeps its
    old content or gets the complete new one. No ownership check: see
    `atomic_file` for targets a user may own.
    """
    path = Path(path)
    tmp = _temporary_file(path)
    try:
        yield tmp
        _publish_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


# -- targets a user may own: refuse, or move aside; never delete ---------------------------
OVERWRITE_HINT = "pass overwrite=True (--overwrite on the command line)"
EXAMPLES_SHOWN = 3


class TargetExistsError(FileExistsError, ValueError):
    """A writer's target exists and may not be replaced without asking.

    Raised before anything is written. A `ValueError` too, so the command line
    prints it as a plain error. Attributes: `path`, `state` ("ours": an artefact
    keras_gen wrote, "foreign": anything else).
    """

    def __init__(self, path, state, message):
        super().__init__(message)
        self.path, self.state = str(path), state


class BackupKeptWarning(UserWarning):
    """An overwritten target held something keras_gen did not write: it was kept as `.bak`."""


@dataclasses.dataclass
class Target:
    """What is at a writer's target path now.

    state: "absent", "empty" (an empty folder, written into), "ours" (an
    artefact of this writer) or "foreign" (anything else).
    foreign: for "ours", the entries keras_gen did not write (kept on overwrite).
    what: the existing thing, in words, for messages.
    """

    path: Path
    state: str
    foreign: tuple = ()
    what: str = ""


def backup_path(path):
    """The first free sibling name `NAME.bak`, `NAME.bak2`, ... of `path`."""
    path = Path(path)
    candidate, number = path.with_name(path.name + ".bak"), 2
    while candidate.exists() or candidate.is_symlink():
        candidate, number = path.with_name(f"{path.name}.bak{number}"), number + 1
    return candidate


def _examples(names):
    shown = ", ".join(repr(n) for n in names[:EXAMPLES_SHOWN])
    return shown + (f" and {len(names) - EXAMPLES_SHOWN} more" if len(names) > EXAMPLES_SHOWN
                    else "")


def _a(noun):
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _count(entries):
    return f"{len(entries)} {'entry' if len(entries) == 1 else 'entries'}"


def _owned(ours, path):
    """`ours(path)`, or None if there is no `ours` or it cannot read the target."""
    if ours is None:
        return None
    try:
        return ours(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def inspect_directory_target(path, ours=None, what="folder"):
    """A `Target` for a folder writer.

    `ours(path)` returns the names of the entries of an existing folder that
    this writer wrote there, or None if the folder is not its artefact.
    """
    path = Path(path)
    if path.is_symlink():
        return Target(path, "foreign", what="a symbolic link, where a folder goes")
    if not path.exists():
        return Target(path, "absent")
    if not path.is_dir():
        return Target(path, "foreign", what="an existing file, where a folder goes")
    entries = sorted(os.listdir(path))
    if not entries:
        return Target(path, "empty")
    owned = _owned(ours, path)
    if owned is None:
        return Target(path, "foreign",
                      what=f"a folder that is not {_a(what)} written by keras_gen "
                           f"(it holds {_count(entries)}: {_examples(entries)})")
    foreign = tuple(name for name in entries if name not in set(owned))
    return Target(path, "ours", foreign, what=f"{_a(what)} written by keras_gen")


def inspect_file_target(path, ours=None):
    """A `Target` for a file writer; `ours(path)` is true for a file this writer wrote."""
    path = Path(path)
    if path.is_symlink():
        return Target(path, "foreign", what="a symbolic link")
    if not path.exists():
        return Target(path, "absent")
    if path.is_dir():
        entries = os.listdir(path)
        return Target(path, "foreign", what=f"a folder ({_count(entries)}), where a file goes")
    if _owned(ours, path):
        return Target(path, "ours", what="a file written by keras_gen")
    return Target(path, "foreign", what="an existing file that keras_gen did not write")


def refusal(target, thing):
    """The `TargetExistsError` for writing `thing` over `target` without overwrite."""
    path, bak = target.path, backup_path(target.path)
    if target.state == "ours":
        kept = (f" It also holds entries keras_gen did not write ({_examples(target.foreign)}): "
                f"the old folder would then be kept as {bak.name} with them."
                if target.foreign else "")
        message = (f"{path} already holds {target.what}; nothing was written. Choose another "
                   f"path, or {OVERWRITE_HINT} to replace it (the old one is kept as {bak.name} "
                   f"until the new {thing} is complete).{kept}")
    else:
        message = (f"{path} is {target.what}; nothing was written. Choose another path, or "
                   f"{OVERWRITE_HINT} to move it aside to {bak} (nothing in it is deleted) and "
                   f"write the {thing} there.")
    return TargetExistsError(path, target.state, message)


def check_directory_target(path, overwrite=False, ours=None, what="folder"):
    """Raise `TargetExistsError` unless a folder writer may write `path`; returns its `Target`.

    Free: a missing path or an empty folder. Anything else needs `overwrite`.
    """
    target = inspect_directory_target(path, ours, what)
    if target.state in ("ours", "foreign") and not overwrite:
        raise refusal(target, what)
    return target


def check_file_target(path, overwrite=False, ours=None, what="file"):
    """Raise `TargetExistsError` unless a file writer may write `path`; returns its `Target`.

    Free: a missing path, or a file this writer wrote (`ours`). Anything else
    (a foreign file, any folder, a link) needs `overwrite`.
    """
    target = inspect_file_target(path, ours)
    if target.state == "foreign" and not overwrite:
        raise refusal(target, what)
    return target


def _move_aside_and_publish(tmp, path, keep, reason):
    """Rename `path` to a free `.bak` sibling, then `tmp` to `path`.

    The `.bak` is removed once `tmp` is in place unless `keep` (then a
    `BackupKeptWarning` says where it is and why).
    """
    bak = backup_path(path)
    os.replace(path, bak)
    try:
        os.replace(tmp, path)
    except BaseException:
        os.replace(bak, path)
        raise
    if keep:
        warnings.warn(f"{path} {reason}: it was moved to {bak}, not deleted.",
                      BackupKeptWarning, stacklevel=4)
    elif bak.is_dir() and not bak.is_symlink():
        shutil.rmtree(bak, ignore_errors=True)
    else:
        bak.unlink()
    return bak


@contextlib.contextmanager
def atomic_directory(path, overwrite=False, ours=None, what="folder"):
    """Yield a temporary directory next to `path`; move it to `path` when complete.

    Nothing at `path` is deleted that keras_gen did not write:

    - missing, or an empty folder: the new folder takes its place.
    - anything else without `overwrite`: `TargetExistsError` before the body runs.
    - with `overwrite`, an artefact of this writer (`ours(path)` names the
      entries it wrote): the old folder is renamed to `NAME.bak` once the new
      one is complete, the new one renamed into place, then the `.bak` removed,
      so a crash leaves one complete version at `path` or at `NAME.bak`. If the
      old folder also held entries keras_gen did not write, the `.bak` is kept
      with them (`BackupKeptWarning`).
    - with `overwrite`, anything else (a foreign folder, a file, a link): moved
      to `NAME.bak` (the first free `NAME.bakN`) and kept, with a
      `BackupKeptWarning`; nothing of it is deleted.

    If the body raises, the temporary folder is removed and `path` is untouched.
    """
    path = Path(path)
    check_directory_target(path, overwrite, ours, what)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        _publish_mode(tmp, directory=True)
        target = check_directory_target(path, overwrite, ours, what)  # it may have changed
        if target.state in ("absent", "empty"):
            os.replace(tmp, path)  # replaces an empty folder in one rename
        elif target.state == "ours":
            _move_aside_and_publish(
                tmp, path, keep=bool(target.foreign),
                reason=f"held entries keras_gen did not write ({_examples(target.foreign)})")
        else:
            _move_aside_and_publish(tmp, path, keep=True, reason=f"was {target.what}")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def atomic_file(path, overwrite=False, ours=None, what="file"):
    """`atomic_path` for a target a user may own (pictures, `--out FILE`).

    - missing, or a file this writer wrote (`ours(path)` true): written
      atomically, without asking (such files are regenerable pictures, rewritten
      by design).
    - anything else (a file keras_gen did not write, a folder, a link) without
      `overwrite`: `TargetExistsError` before the body runs; with `overwrite`
      it is moved to `NAME.bak` and kept (`BackupKeptWarning`).
    """
    path = Path(path)
    check_file_target(path, overwrite, ours, what)
    tmp = _temporary_file(path)
    try:
        yield tmp
        _publish_mode(tmp)
        target = check_file_target(path, overwrite, ours, what)  # it may have changed
        if target.state == "foreign":
            _move_aside_and_publish(tmp, path, keep=True, reason=f"was {target.what}")
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


# -- PNG files keras_gen wrote carry a tEXt chunk "Software: keras_gen" --------------------
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_SOFTWARE = (b"Software", b"keras_gen")
PNG_HEADER_SCAN = 1 << 16  # the marker sits right after IHDR; never read more than this


def _png_chunk(kind, data):
    return (len(data).to_bytes(4, "big") + kind + data
            + zlib.crc32(kind + data).to_bytes(4, "big"))


def mark_png(path):
    """Add the `Software: keras_gen` tEXt chunk to the PNG at `path` (rewritten atomically).

    PNG readers ignore it; `is_keras_gen_png` looks for it, so a writer can
    tell its own pictures from a user's.
    """
    path = Path(path)
    content = path.read_bytes()
    if not content.startswith(PNG_SIGNATURE) or content[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file.")
    end = 8 + 12 + int.from_bytes(content[8:12], "big")  # after the IHDR chunk
    marker = _png_chunk(b"tEXt", b"\0".join(PNG_SOFTWARE))
    with atomic_path(path) as tmp:
        tmp.write_bytes(content[:end] + marker + content[end:])
    return path


def is_keras_gen_png(path):
    """True if `path` is a PNG whose header chunks carry the keras_gen marker."""
    with open(path, "rb") as handle:
        head = handle.read(PNG_HEADER_SCAN)
    if not head.startswith(PNG_SIGNATURE):
        return False
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(head):
        length, kind = int.from_bytes(head[at:at + 4], "big"), head[at + 4:at + 8]
        if kind in (b"IDAT", b"IEND"):
            return False
        data = head[at + 8:at + 8 + length]
        if kind == b"tEXt" and data == b"\0".join(PNG_SOFTWARE):
            return True
        at += 12 + length
    return False


def write_text_atomic(path, text):
    """Write `text` to `path` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
