"""What was built from what: the build record in output/, input fingerprints and the no-op check.

This module imports nothing heavy, so that a build with nothing to do finishes in a blink.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .files import write_atomically

RECORD_FILE = "build-record.json"
FORMAT = 2


@dataclass
class SheetRecord:
    """The last good PDF of one sheet and the fingerprint of the inputs it was made from."""

    source: str
    lang: str
    number: int
    fingerprint: str
    pdf: str  # relative to the output folder
    pages: int
    bytes: int
    sha256: str
    # Its title and publication date as built: while its source fails to load, the other sheets keep listing it
    # with that title, and the bundles keep its PDF under that edition.
    title: str = ""
    published: str = ""
    room: int | None = None  # words of body text page 2 had room for (negative: too many), when measured


@dataclass
class Record:
    """The build record kept in output/build-record.json."""

    stamp: str = ""  # fingerprint of every input file's name, size and time, for the no-op check
    clean: bool = False  # the last build built everything it was asked to, without failures
    options: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sheets: dict[str, SheetRecord] = field(default_factory=dict)
    outputs_done: bool = False  # the newsletter outputs were derived from exactly these PDFs
    notes: list[str] = field(default_factory=list)  # lines that only inform, such as how far a language has come

    @classmethod
    def load(cls, output: Path) -> Record:
        """Read the record of an output folder; an unreadable or missing record means nothing was built."""
        try:
            data = json.loads((output / RECORD_FILE).read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls()
            sheets = {key: SheetRecord(**value) for key, value in data["sheets"].items()}
            return cls(
                data["stamp"],
                data["clean"],
                data["options"],
                data["warnings"],
                sheets,
                data["outputs_done"],
                data.get("notes", []),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def save(self, output: Path) -> None:
        """Write the record atomically: a reader sees the old record or the new one, never a mix."""
        data = {
            "format": FORMAT,
            "stamp": self.stamp,
            "clean": self.clean,
            "options": self.options,
            "warnings": self.warnings,
            "sheets": {key: asdict(value) for key, value in sorted(self.sheets.items())},
            "outputs_done": self.outputs_done,
            "notes": self.notes,
        }
        write_atomically(output / RECORD_FILE, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def outputs_written(cls, output: Path) -> None:
        """Note in the record that the newsletter outputs now match the recorded PDFs."""
        record = cls.load(output)
        record.outputs_done = True
        record.save(output)

    def outputs_exist(self, output: Path) -> bool:
        """Return whether every recorded PDF is still where the record says, with its size."""
        for sheet in self.sheets.values():
            try:
                if (output / sheet.pdf).stat().st_size != sheet.bytes:
                    return False
            except OSError:
                return False
        return True


def input_files(root: Path) -> Iterator[Path]:
    """Yield the files under `root` that can change a sheet, in a stable order (no hidden files or caches)."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith((".pyc", ".mo")):
                yield Path(folder, name)


def _engine_version() -> str:
    spec = importlib.util.find_spec("weasyprint")  # finds the package without importing it
    origin = Path(spec.origin) if spec and spec.origin else None
    dist = sorted(origin.parent.parent.glob("weasyprint-*.dist-info")) if origin else []
    return f"{sys.version} {dist[-1].name if dist else 'weasyprint?'}"


def tree_stamp(roots: Iterable[Path]) -> str:
    """Fingerprint every input file under `roots` by name, size and modification time: cheap, for the no-op check."""
    digest = hashlib.sha256(_engine_version().encode())
    for folder in roots:
        for path in input_files(folder):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def digest_files(paths: Iterable[Path], base: Path | None = None) -> str:
    """Fingerprint files by content (and by name, relative to `base` when given)."""
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(base) if base and path.is_relative_to(base) else path.name
        digest.update(f"{name}\0".encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def shared_inputs(folders: Iterable[Path], leave_out: Path) -> str:
    """Fingerprint, by content, the files under `folders` but those under `leave_out`, and the layout engine."""
    parts = [_engine_version()]
    for folder in folders:
        files = [p for p in input_files(folder) if not p.is_relative_to(leave_out)]
        parts.append(digest_files(files, folder))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
