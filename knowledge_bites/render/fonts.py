"""Which characters the project's fonts cover, and the characters of a sheet's text that none of them covers.

Every font stack of the sheet's stylesheet lists the project's fonts (styles/fonts/) before the generic family,
so a character that none of them covers would be drawn in whatever font the computer has: another look on every
machine, and a font the sheet does not ship. The build says so, once per character and sheet, at the line that
holds it; `--strict` fails the sheet.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from ..problems import Problem
from ..sources import Sheet

FONT_SUFFIXES = (".ttf", ".otf")
# Characters no font needs to draw: spaces (the layout makes them), line breaks, and the invisible format
# characters (joiners, direction marks, soft hyphens) that shape or break the text around them.
_UNDRAWN = {"Zs", "Zl", "Zp", "Cc", "Cf"}
_TAG = re.compile(r"<[^>]*>")
_PRINTED_FIELDS = ("title", "summary", "classification_reason", "project", "funder", "partners")


def covered_characters(fonts: Path) -> frozenset[int]:
    """Return the code points that some font in the folder `fonts` has a glyph for (read again when a font
    file changes)."""
    try:
        files = tuple(
            sorted(
                (str(path), stat.st_size, stat.st_mtime_ns)
                for path in fonts.iterdir()
                if path.suffix.lower() in FONT_SUFFIXES and path.is_file()
                for stat in [path.stat()]
            )
        )
    except OSError:
        return frozenset()
    return _coverage(files)


@lru_cache(maxsize=4)
def _coverage(files: tuple[tuple[str, int, int], ...]) -> frozenset[int]:
    covered: set[int] = set()
    for name, _size, _mtime in files:
        try:
            with TTFont(name, lazy=True) as font:
                covered.update(font.getBestCmap() or {})
        except (OSError, TTLibError, AssertionError, KeyError):
            continue  # not a font the layout can use either
    return frozenset(covered)


def printed_text(sheet: Sheet) -> list[tuple[str | None, str]]:
    """Return the sheet's own text as it prints, field by field (None for the body), markup left out."""
    meta = sheet.meta
    pieces: list[tuple[str | None, str]] = [(name, str(getattr(meta, name) or "")) for name in _PRINTED_FIELDS]
    pieces += [("key_figures", figure.label) for figure in meta.key_figures]
    if meta.photo is not None:
        pieces += [("photo", meta.photo.alt), ("photo", meta.photo.credit or "")]
    pieces.append((None, html.unescape(_TAG.sub(" ", sheet.html))))
    return pieces


def uncovered(sheet: Sheet, covered: frozenset[int]) -> list[Problem]:
    """Return one warning for each character of the sheet's text that no project font covers."""
    if not covered:
        return []
    found: dict[str, str | None] = {}
    for name, text in printed_text(sheet):
        for character in text:
            drawn = unicodedata.category(character) not in _UNDRAWN
            if character not in found and ord(character) not in covered and drawn:
                found[character] = name
    problems = []
    for character, name in found.items():
        line, field = _where(sheet, character, name)
        label = unicodedata.name(character, "")
        shown = f"'{character}' (U+{ord(character):04X}{', ' + label if label else ''})"
        problems.append(
            Problem(
                sheet.source,
                line,
                field,
                f"{shown} is in no font of the project (styles/fonts/), so it would print in a font of this computer: "
                "write it another way, or add a font that covers it to styles/fonts/ and styles/sheet.css",
                "warning",
            )
        )
    return problems


def _where(sheet: Sheet, character: str, name: str | None) -> tuple[int | None, str | None]:
    """Return the file line (and front-matter field) where a character is first written."""
    if name is not None:
        return sheet.line_of(name), name
    for offset, text in enumerate(sheet.body.split("\n")):
        if character in text:
            return sheet.body_line + offset, None
    return sheet.body_line, None
