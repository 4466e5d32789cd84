"""Where the parts of a sheet were written in its source: its sections and its text.

Plain data, made when the sources are loaded and carried to the worker processes, so that a problem found in
the laid-out sheet (a section that spilled, a word that runs off the page) points at a line of the source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """A `##` section of the body: its element id in the sheet, heading, length in words and file line."""

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
