"""What was built from what: the build record kept in output/build-record.json.

The record tells, for each sheet, the fingerprint of the inputs its PDF was made from and the PDF's SHA-256, and
lists every other file the build wrote to the output folder: those are the files a build may replace or remove,
and no others. A build reads the record as untrusted input, like a source: an entry whose paths lead anywhere but
to a file the build itself would write is left out, as if it had never been recorded.

This module imports nothing heavy, so that a build with nothing to do finishes in a blink.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import FileState, state_of, write_atomically
from .names import RECORD, SourceName, is_plain_relative, recorded_pdf
from .printing.job import Fit

FORMAT = 3


@dataclass
class SheetRecord:
    """The last good PDF of one sheet and the fingerprint of the inputs it was made from."""

    source: str  # relative to the content folder: practices/NN-slug.LANG.md
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
    state: FileState | None = None  # of the PDF file as last seen whole, for the no-op check

    @property
    def fit(self) -> Fit | None:
        """Return how full the sheet's pages were, as measured when it was built."""
        return Fit(self.room) if self.room is not None else None

    def as_data(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["state"] = self.state.as_list() if self.state else None
        return data

    @classmethod
    def from_data(cls, key: str, data: object) -> SheetRecord | None:
        """Return the record of one sheet read from the file, or None when it is not one the build could have
        written: wrong types, or paths that lead elsewhere than this sheet's own source and PDF."""
        name = SourceName.of_key(key)
        if name is None or not isinstance(data, dict):
            return None
        fields = {n: data.get(n) for n in cls.__dataclass_fields__ if n in data}
        fields["state"] = FileState.from_list(data.get("state"))
        try:
            record = cls(**fields)
        except TypeError:
            return None
        texts = (
            record.source,
            record.lang,
            record.fingerprint,
            record.pdf,
            record.sha256,
            record.title,
            record.published,
        )
        numbers = (record.number, record.pages, record.bytes)
        if not all(isinstance(t, str) for t in texts) or not all(type(n) is int for n in numbers):
            return None
        if record.room is not None and type(record.room) is not int:
            return None
        if (record.source, record.lang, record.number) != (str(name.source), name.lang, name.number):
            return None
        return record if recorded_pdf(key, record.pdf) else None


@dataclass
class Record:
    """The build record kept in output/build-record.json."""

    stamp: str = ""  # fingerprint of every input file's name and state, taken before the build read any of them
    clean: bool = False  # the last build built everything it was asked to, without failures
    options: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sheets: dict[str, SheetRecord] = field(default_factory=dict)
    outputs_done: bool = False  # the newsletter outputs were derived from exactly these PDFs
    notes: list[str] = field(default_factory=list)  # lines that only inform, such as how far a language has come
    # Every other file the build wrote to the output folder (pictures, bundles, fonts, catalogue, manifest,
    # announcements, HTML), relative to it, with its state when written.
    files: dict[str, FileState | None] = field(default_factory=dict)
    found: bool = False  # an earlier build left a record in this folder (of this format or another)

    @classmethod
    def load(cls, output: Path) -> Record:
        """Read the record of an output folder; an unreadable or missing record means nothing was built."""
        path = output / RECORD
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(found=path.is_file())
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls(found=True)
        sheets = data.get("sheets") if isinstance(data.get("sheets"), dict) else {}
        files = data.get("files") if isinstance(data.get("files"), dict) else {}

        def strings(value: object) -> list[str]:
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        return cls(
            stamp=data["stamp"] if isinstance(data.get("stamp"), str) else "",
            clean=data.get("clean") is True,
            options=data["options"] if isinstance(data.get("options"), dict) else {},
            warnings=strings(data.get("warnings")),
            sheets={key: known for key, value in sheets.items() if (known := SheetRecord.from_data(key, value))},
            outputs_done=data.get("outputs_done") is True,
            notes=strings(data.get("notes")),
            files={name: FileState.from_list(state) for name, state in files.items() if is_plain_relative(name)},
            found=True,
        )

    def save(self, output: Path) -> None:
        """Write the record atomically: a reader sees the old record or the new one, never a mix."""
        data = {
            "format": FORMAT,
            "stamp": self.stamp,
            "clean": self.clean,
            "options": self.options,
            "warnings": self.warnings,
            "sheets": {key: value.as_data() for key, value in sorted(self.sheets.items())},
            "outputs_done": self.outputs_done,
            "notes": self.notes,
            "files": {name: state.as_list() if state else None for name, state in sorted(self.files.items())},
        }
        write_atomically(output / RECORD, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))

    def owned(self, output: Path) -> set[Path]:
        """Return every file of the output folder that the record says a build wrote: PDFs and other files."""
        return {output / known.pdf for known in self.sheets.values()} | {output / name for name in self.files}

    def other_files(self, output: Path) -> set[Path]:
        """Return the files the record lists besides the PDFs."""
        return {output / name for name in self.files}

    def note_files(self, output: Path, paths: set[Path]) -> None:
        """Record these files (inside the output folder) as the build's, and only these besides the PDFs, with their
        state as they are now."""
        self.files = {}
        self.add_files(output, paths)

    def add_files(self, output: Path, paths: set[Path]) -> None:
        """Record these files (inside the output folder) as the build's too, with their state as they are now."""
        for path in sorted(paths):
            if path.is_relative_to(output):
                self.files[path.relative_to(output).as_posix()] = state_of(path)

    def unchanged(self, output: Path) -> bool:
        """Tell whether every file the record lists is still as the build left it (by its state: no reading)."""
        recorded = [(output / known.pdf, known.state) for known in self.sheets.values()]
        recorded += [(output / name, state) for name, state in self.files.items()]
        return all(state is not None and state_of(path) == state for path, state in recorded)
