"""Small file helpers: whether a file changed, content hashes, atomic writes, and paths as the user reads them.

"Has this file changed?" has one answer, `state_of`: its size, modification time and inode, read without
following the file's content. A file replaced by a rename (as every file the build writes is) gets a new inode;
one edited in place gets a new time or size.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .lifetime import check_command_running
from .names import TEMPORARY_PREFIX, TEMPORARY_SUFFIX


@dataclass(frozen=True)
class FileState:
    """What tells one version of a file from another without reading it."""

    size: int
    mtime_ns: int
    inode: int

    def as_list(self) -> list[int]:
        return [self.size, self.mtime_ns, self.inode]

    @classmethod
    def from_list(cls, value: object) -> FileState | None:
        """Return the state kept in a record as a list of three numbers, or None when it is not one."""
        if isinstance(value, list) and len(value) == 3 and all(type(n) is int and n >= 0 for n in value):
            return cls(*value)
        return None


def state_of(path: Path) -> FileState | None:
    """Return the state of a regular file (following links), or None when there is none: missing, a dangling link,
    a folder or a device, or a name no file can have (a NUL character)."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return FileState(info.st_size, info.st_mtime_ns, info.st_ino)


def input_files(root: Path) -> Iterator[Path]:
    """Yield the files under `root` that can change a sheet, in a stable order (no hidden files or caches).

    Links are listed as they are; a link to nothing is a file whose state is None."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith((".pyc", ".mo")):
                yield Path(folder, name)


def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomically(target: Path, data: bytes, *, like: os.stat_result | None = None) -> bool:
    """Write `data` to a temporary file beside `target`, then rename it into place.

    Return False, and leave the file (and its modification time) alone, when it already holds exactly these bytes.
    In a helper process of the build, raise CommandEndedError rather than rename once the build command has ended:
    a helper that outlives it, if only by a moment, replaces no file. The new file gets the permissions (and, where
    allowed, the owner) of `like`, or else rw-r--r--.
    """
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=TEMPORARY_PREFIX, suffix=f".{target.name}{TEMPORARY_SUFFIX}", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, stat.S_IMODE(like.st_mode) if like else 0o644)  # mkstemp makes 0600 files
        if like is not None and (like.st_uid, like.st_gid) != (os.getuid(), os.getgid()):
            with suppress(PermissionError):
                os.chown(temporary, like.st_uid, like.st_gid)
        check_command_running()
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(target)  # a full disk shows when writing, where Python names no file
        raise
    return True


def is_temporary(path: Path) -> bool:
    """Tell whether a file is a temporary file of write_atomically's, left by a build that was stopped."""
    return path.name.startswith(TEMPORARY_PREFIX) and path.name.endswith(TEMPORARY_SUFFIX)


def rewrite(path: Path, data: bytes) -> None:
    """Replace the text of a file the user owns (a source), keeping what makes it theirs: the file a link points
    to is the one rewritten, its permissions stay, and a file with several hard links is rewritten in place, so
    that every link still shows the new text. Otherwise the new text is renamed into place (see write_atomically).
    """
    real = path.resolve()
    try:
        info = real.stat()
    except FileNotFoundError:  # a new file
        write_atomically(real, data)
        return
    if info.st_nlink > 1:
        with real.open("r+b") as stream:  # one write of a few kilobytes, then the length: the links stay one file
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
        return
    write_atomically(real, data, like=info)


def relative_path(path: Path, base: Path) -> str:
    """Return the path of a file as seen from the folder `base`, with forward slashes: `../en/a.pdf`."""
    return Path(os.path.relpath(path, base)).as_posix()


def relative_link(path: Path, base: Path) -> str:
    """Return a relative link from a page in the folder `base` to a file, escaped for an address."""
    return quote(relative_path(path, base))


def shown_path(path: Path) -> Path:
    """Return a path as the user reads it: relative to the working folder when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
