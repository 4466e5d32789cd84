"""An edition kept in releases/NAME/: its record (release.json), read and written here and nowhere else.

A release folder holds, under the same names as the output folder, the PDF of every sheet (`LANG/…pdf`), the
pictures of both its pages (`pages/`), its newsletter picture (`thumbnails/…-600.png`), the announcements of its new
and revised practices (`announcements/`) and the bundle of the edition (`bundles/`). Its record tells, for each
sheet, its file, SHA-256, pages, title, publication date, translation state, the words of each part of its text, and
whether it is new, revised (its words changed), changed (only its look) or unchanged since the previous release.
A release folder is written once, whole, and never changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import write_atomically
from ..names import RELEASE_RECORD, SourceName, is_plain_relative, recorded_pdf

FORMAT = 1
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # a release's name: a folder name on every system
NEW, REVISED, CHANGED, UNCHANGED = "new", "revised", "changed", "unchanged"


def name_problem(name: str) -> str | None:
    """Tell what is wrong with a release name, or None when it can name a folder."""
    if NAME.match(name) and ".." not in name:
        return None
    return f"'{name}' cannot name a release: use letters, digits, '.', '-' and '_', e.g. 2026-11-23"


@dataclass(frozen=True)
class ReleasedSheet:
    """One sheet as an edition published it."""

    key: str
    number: int
    lang: str
    pdf: str  # relative to the release folder, as in the output folder: LANG/PREFIX-NN-slug-LANG.pdf
    sha256: str
    pages: int
    bytes: int
    title: str
    published: str
    revised: str | None
    source_sha256: str  # of its source file as built
    translation: str  # "reference", or its state: "up to date", "out of date", "in progress"
    change: str  # NEW, REVISED, CHANGED or UNCHANGED since the previous release
    texts: dict[str, str] = field(default_factory=dict)  # part of the text ('title', 'summary', a heading) to words

    @property
    def stem(self) -> str:
        return Path(self.pdf).stem

    def as_data(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "key"}

    @classmethod
    def from_data(cls, key: str, data: object) -> ReleasedSheet | None:
        """Return a sheet read from a release record, or None when it is not one a release could have written."""
        if not isinstance(data, dict) or SourceName.of_key(key) is None:
            return None
        try:
            sheet = cls(key=key, **{n: data[n] for n in cls.__dataclass_fields__ if n != "key"})
        except (KeyError, TypeError):
            return None
        texts_ok = isinstance(sheet.texts, dict) and all(isinstance(v, str) for v in sheet.texts.values())
        return sheet if texts_ok and recorded_pdf(key, sheet.pdf) else None


@dataclass(frozen=True)
class Release:
    """An edition: its name, place in the sequence of releases, and sheets."""

    folder: Path
    name: str
    sequence: int  # 1 for the first release, then one more each time
    edition: str  # the newest publication date of its sheets
    previous: str | None
    sheets: dict[str, ReleasedSheet]
    withdrawn: dict[str, str] = field(default_factory=dict)  # key of a sheet withdrawn since the previous: its title
    bundle: str | None = None  # relative to the release folder

    def path(self, relative: str) -> Path:
        return self.folder / relative

    def save(self) -> None:
        data = {
            "format": FORMAT,
            "name": self.name,
            "sequence": self.sequence,
            "edition": self.edition,
            "previous": self.previous,
            "bundle": self.bundle,
            "sheets": {key: sheet.as_data() for key, sheet in self.sheets.items()},
            "withdrawn": self.withdrawn,
        }
        write_atomically(self.folder / RELEASE_RECORD, json.dumps(data, indent=1, ensure_ascii=False).encode())

    @classmethod
    def load(cls, folder: Path) -> Release | None:
        """Read a release folder's record, or None when it has none a release could have written."""
        try:
            data = json.loads((folder / RELEASE_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("sheets"), dict):
            return None
        sheets = {k: s for k, v in data["sheets"].items() if (s := ReleasedSheet.from_data(k, v)) is not None}
        withdrawn = data.get("withdrawn") if isinstance(data.get("withdrawn"), dict) else {}
        bundle = data.get("bundle") if isinstance(data.get("bundle"), str) else None
        if not isinstance(data.get("sequence"), int) or not isinstance(data.get("name"), str):
            return None
        return cls(
            folder,
            data["name"],
            data["sequence"],
            str(data.get("edition", "")),
            data.get("previous") if isinstance(data.get("previous"), str) else None,
            sheets,
            {k: str(v) for k, v in withdrawn.items()},
            bundle if bundle and is_plain_relative(bundle) else None,
        )


def all_releases(releases: Path) -> list[Release]:
    """Return every release in the folder, the first first."""
    if not releases.is_dir():
        return []
    found = [r for d in releases.iterdir() if d.is_dir() and not d.name.startswith(".") and (r := Release.load(d))]
    return sorted(found, key=lambda r: r.sequence)


def find(releases: Path, name: str | None) -> Release | None:
    """Return the release of that name, or the latest one (None: there is none)."""
    if name is not None:
        return Release.load(releases / name) if name_problem(name) is None else None
    known = all_releases(releases)
    return known[-1] if known else None
