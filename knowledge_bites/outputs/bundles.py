"""Zip bundles of the PDFs, byte-identical from one build to the next when the PDFs did not change."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..files import write_atomically

# Unix, regular file, rw-r--r--: the same on every machine, whatever the umask.
FILE_MODE = 0o100644
ZIP_UNIX = 3


@dataclass(frozen=True)
class Bundle:
    """One zip file and what goes in it: (name inside the zip, file on disk), in order."""

    path: Path
    language: str | None  # None: every language
    members: tuple[tuple[str, Path], ...]


def zip_bytes(members: tuple[tuple[str, Path], ...], stamp: date) -> bytes:
    """Return a zip of the members, sorted by name, each stamped with `stamp` and the same permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in sorted(members):
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
            info.create_system = ZIP_UNIX
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write(bundle: Bundle, stamp: date) -> tuple[int, str]:
    """Write a bundle atomically (left alone when it already holds these bytes); return its size and SHA-256."""
    data = zip_bytes(bundle.members, stamp)
    write_atomically(bundle.path, data)
    return len(data), hashlib.sha256(data).hexdigest()
