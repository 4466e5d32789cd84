"""One practice in one language, validated and converted: the Sheet every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..locations import Locator, Section
from ..names import SourceName
from .schema import PracticeMeta


@dataclass(frozen=True)
class Sheet:
    """One practice in one language, validated and converted, ready to render."""

    source: Path
    lang: str
    slug: str
    meta: PracticeMeta
    body: str  # the Markdown text, as written
    body_line: int  # file line where the Markdown body starts
    html: str  # the body as sanitised HTML sections
    sections: tuple[Section, ...]
    photo_file: Path | None  # the photo's file, checked to be inside the content folder
    images: tuple[Path, ...]  # every file of the content folder the sheet shows: its photo, then those in its text
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)  # file line of each front-matter key
    version: str = ""  # the version of the file's text (sources/versions.py), which its translations record
    digest: str = ""  # SHA-256 of the file's bytes as loaded: the build fingerprints what it read, not the disk

    def line_of(self, name: str) -> int | None:
        """Return the file line of a front-matter field."""
        return self.field_lines.get(name)

    @property
    def name(self) -> SourceName:
        """Return the name of its source: number, slug and language."""
        return SourceName(self.meta.number, self.slug, self.lang)

    @property
    def key(self) -> str:
        """Return the identifier of the sheet, e.g. `10-smes-former-returnees-afghanistan.es`."""
        return self.name.key

    def locator(self) -> Locator:
        """Return what finds a piece of printed text in this sheet's source, as plain data for a worker process."""
        fields = tuple((name, self.line_of(name), " ".join(str(_plain(value)).split())) for name, value in self.meta)
        return Locator(fields, self.body, self.body_line)


def _plain(value: Any) -> Any:
    """Return a front-matter value as plain data (models as dicts), to search its text."""
    return value.model_dump() if isinstance(value, BaseModel) else value
