"""What a worker process is given to print: plain data, rendered by the main process.

Workers receive a sheet's HTML, ready to lay out, and the few facts they need to report on it. They never load
the content model, Markdown or the templates, so they start sooner, and under --watch they live from one build
to the next whatever changed in the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .problems import Problem


@dataclass(frozen=True)
class Section:
    """A `##` section of the body, as the two-page check reports it."""

    id: str
    title: str
    words: int
    line: int | None


@dataclass(frozen=True)
class Locator:
    """Where each piece of a sheet's text was written, to point a layout problem at a line of its source."""

    fields: tuple[tuple[str, int | None, str], ...]  # front-matter field, its line, its text on one line
    body: str
    body_line: int  # file line where the Markdown body starts

    def find(self, text: str) -> tuple[int | None, str | None]:
        """Return the (file line, field) where `text` (a piece of the printed sheet) was written, if found."""
        needle = " ".join(text.split())[:30]
        if not needle:
            return None, None
        for name, line, value in self.fields:
            if needle in value:
                return line, name
        for offset, body_line in enumerate(self.body.split("\n")):
            if needle in body_line:
                return self.body_line + offset, None
        return None, None


@dataclass(frozen=True)
class PrintJob:
    """One sheet to lay out and, if it keeps to its two pages, to write as a PDF."""

    key: str
    source: Path
    target: Path
    identity: str  # the PDF's stable document identifier is derived from it
    pdf_profile: str
    html: str
    short_html: str  # the same sheet with its closing block on page 2, for a text too short to reach it
    sections: tuple[Section, ...]
    problems: tuple[Problem, ...]  # what rendering noticed
    locator: Locator
