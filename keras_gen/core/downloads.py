"""Files and preset folders from the web, sha256-checked and cached.

Everything is cached under `$KERAS_GEN_HOME` (default `~/.keras/keras_gen`):
single files under `downloads/<url key>/`, preset folders under
`presets/<url key>/`, where the key is the first 16 hex digits of the URL's
sha256. A download is written atomically, so an interrupted one leaves nothing
that looks complete.
"""

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from keras_gen.core import safe_io
from keras_gen.core.integrity import HashMismatchError, verify
from keras_gen.core.preset_folder import (
    CONFIG_FILE,
    METADATA_FILE,
    WEIGHTS_FILE,
    preset_files,
    read_json,
)

DOWNLOAD_TIMEOUT_S = 30


def home():
    """The cache folder: `$KERAS_GEN_HOME`, default `~/.keras/keras_gen`."""
    return Path(os.environ.get("KERAS_GEN_HOME", Path.home() / ".keras" / "keras_gen"))


def is_url(text):
    """True for an http(s) address (a preset to download), False for names and paths."""
    return isinstance(text, str) and urllib.parse.urlparse(text).scheme in ("http", "https")


def _fetch(url, destination, expected_sha256=None):
    """Download `url` to `destination` atomically, checking sha256 if given."""
    from keras.utils import Progbar

    destination = Path(destination)
    try:
        with safe_io.atomic_path(destination) as tmp:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, \
                    open(tmp, "wb") as out:
                total = int(response.headers.get("Content-Length") or 0) or None
                bar = Progbar(total, unit_name="B", verbose=1 if (total or 0) > 1 << 20 else 0)
                digest, done = hashlib.sha256(), 0
                for block in iter(lambda: response.read(safe_io.CHUNK), b""):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    bar.update(done)
            if expected_sha256 and digest.hexdigest() != expected_sha256:
                raise HashMismatchError(url, expected_sha256, digest.hexdigest())
    except urllib.error.URLError as error:
        raise ConnectionError(f"could not download {url}: {error.reason}") from error
    return destination


def download(url, sha256=None, cache_dir=None, filename=None):
    """Download a file into the cache once; later calls reuse the cached copy.

    Args:
        url: http(s) address.
        sha256: expected hex digest; a mismatch raises `HashMismatchError` and
            leaves nothing in the cache. A cached file is re-checked each time.
        cache_dir: defaults to `home() / "downloads"`.
        filename: defaults to the last part of the URL path.

    Returns:
        The cached file's `Path`.
    """
    name = filename or Path(urllib.parse.urlparse(url).path).name or "download"
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    destination = Path(cache_dir or home() / "downloads") / key / name
    if destination.exists():
        if sha256 is None:
            return destination
        try:
            verify(destination, sha256)
            return destination
        except HashMismatchError:
            destination.unlink()
    return _fetch(url, destination, sha256)


def download_preset(url, sha256=None):
    """Fetch a preset folder published at `url` (a folder address) into the cache.

    `config.json` and `metadata.json` come first; the weights are then checked
    against `sha256` (if given) or the digest in `metadata.json`.

    Returns:
        The local folder `Path`.
    """
    base = url if url.endswith("/") else url + "/"
    key = hashlib.sha256(base.encode()).hexdigest()[:16]
    folder = home() / "presets" / key
    staging = home() / "presets" / f".{key}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for name in (CONFIG_FILE, METADATA_FILE):
            _fetch(urllib.parse.urljoin(base, name), staging / name)
        expected = sha256 or read_json(staging / METADATA_FILE).get("sha256", {}).get(WEIGHTS_FILE)
        if not expected:
            raise ValueError(f"{base}{METADATA_FILE} gives no sha256 for {WEIGHTS_FILE}; "
                             "pass sha256= to load it.")
        cached = folder / WEIGHTS_FILE
        if cached.exists() and safe_io.sha256_file(cached) == expected:
            shutil.copy2(cached, staging / WEIGHTS_FILE)
        else:
            _fetch(urllib.parse.urljoin(base, WEIGHTS_FILE), staging / WEIGHTS_FILE, expected)
        if sha256:
            metadata = read_json(staging / METADATA_FILE)
            metadata.setdefault("sha256", {})[WEIGHTS_FILE] = sha256
            safe_io.write_text_atomic(staging / METADATA_FILE, json.dumps(metadata, indent=2))
        with safe_io.atomic_directory(folder, overwrite=True, ours=preset_files,
                                      what="preset folder") as tmp:  # the cache is ours
            for child in staging.iterdir():
                shutil.move(str(child), tmp / child.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder
