"""Small file helpers: content hashes, atomic writes, and paths as links and as the user reads them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

from .lifetime import check_command_running


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomically(target: Path, data: bytes) -> bool:
    """Write `data` to a temporary file beside `target`, then rename it into place.

    Return False, and leave the file (and its modification time) alone, when it already holds exactly these bytes.
    In a helper process of the build, raise CommandEndedError rather than rename once the build command has ended:
    a helper that outlives it, if only by a moment, replaces no file.
    """
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600 files; outputs are meant to be shared
        check_command_running()
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def relative_path(path: Path, base: Path) -> str:
    """Return the path of a file as seen from the folder `base`, with forward slashes: `../en/a.pdf`."""
    return Path(os.path.relpath(path, base)).as_posix()


def relative_link(path: Path, base: Path) -> str:
    """Return a relative link from a page in the folder `base` to a file, escaped for an address."""
    return quote(relative_path(path, base))


def shown_path(path: Path) -> Path:
    """Return a path as the user reads it: relative to the working folder when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
