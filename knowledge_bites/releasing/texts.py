"""The words of a sheet, part by part (title, summary, key figures, each section by its heading), and which words
each part gained and lost between two editions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..sources import Sheet

TITLE, SUMMARY, FIGURES = "title", "summary", "key figures"
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_MARKUP = [
    (re.compile(r"<!--.*?-->", re.S), " "),  # comments are left out of the sheet
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # an image: its alternative text
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # a link: its words
    (re.compile(r"<[^>]+>"), " "),
    (re.compile(r"(^|\s)(#{3,}|[-*+]|\d+\.|>|\|)\s"), r"\1 "),  # list marks, deeper headings, quotes, tables
    (re.compile(r"[*_`|]+"), ""),
]


def plain(text: str) -> str:
    """Return Markdown as its words, one space between them."""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def parts(sheet: Sheet) -> dict[str, str]:
    """Return the words of each part of a sheet, in reading order."""
    meta = sheet.meta
    found = {TITLE: " ".join(meta.title.split()), SUMMARY: " ".join(meta.summary.split())}
    if meta.key_figures:
        figures = [f"{f.value} {f.label}" + (f" ({f.as_of})" if f.as_of else "") for f in meta.key_figures]
        found[FIGURES] = "; ".join(figures)
    heading, lines = None, []
    for line in [*sheet.body.splitlines(), "## "]:
        match = _HEADING.match(line)
        if match or line == "## ":
            if heading is not None or plain("\n".join(lines)):
                found[heading or "(before the first heading)"] = plain("\n".join(lines))
            heading, lines = plain(match[1]) if match else None, []
        else:
            lines.append(line)
    return found


@dataclass(frozen=True)
class PartChange:
    """One part of a sheet whose words changed: the words added and removed (in order), or the whole part."""

    part: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    status: str = "edited"  # or "added", "removed"


def compare(before: dict[str, str], after: dict[str, str]) -> list[PartChange]:
    """Return the parts whose words changed between two editions, in the order of the newer one."""
    changes = []
    for part in [*after, *(p for p in before if p not in after)]:
        old, new = before.get(part), after.get(part)
        if old == new:
            continue
        if old is None or new is None:
            words = (new or old or "").split()
            status = "added" if old is None else "removed"
            changes.append(PartChange(part, tuple(words) if new else (), () if new else tuple(words), status))
            continue
        a, b = old.split(), new.split()
        added, removed = [], []
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag in ("replace", "delete"):
                removed.append(" ".join(a[i1:i2]))
            if tag in ("replace", "insert"):
                added.append(" ".join(b[j1:j2]))
        changes.append(PartChange(part, tuple(added), tuple(removed)))
    return changes
