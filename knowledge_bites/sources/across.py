"""Checks that involve several sources: numbering, and agreement between the languages of a practice."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problem
from .schema import Period, SeriesSettings
from .sheet import Sheet
from .translations import missing_version

# Facts the languages of a practice must agree on, besides its number and the values of its key figures.
TWIN_FIELDS = ("countries", "regions", "published", "period")


@dataclass(frozen=True)
class Agreement:
    """What the checks across languages found: the sheets that pass, the sources that fail, the problems, and the
    (number, language) of each translation that exists under another number than its reference's."""

    sheets: list[Sheet]
    failed: list[Path]
    problems: list[Problem]
    renumbered: frozenset[tuple[int, str]]


def check_across(sheets: list[Sheet], settings: SeriesSettings, *, unreadable: Collection[Path] = ()) -> Agreement:
    """Check numbering and agreement between languages. `unreadable` are the sources that failed to load: they
    exist, and their own errors say what is wrong with them. (A translation that is missing is the translation
    state's to tell: sources/translations.py.)"""
    problems: list[Problem] = []
    bad: set[Path] = set()
    renumbered: set[tuple[int, str]] = set()
    for sheet, reference in _number_disagreements(sheets, settings.reference_language, unreadable):
        problems.append(_disagreement(sheet, reference, "number"))
        bad.add(sheet.source)
        renumbered.add((reference.meta.number, sheet.lang))
    by_number: dict[int, dict[str, list[Sheet]]] = {}
    for sheet in sheets:
        if sheet.source not in bad:
            by_number.setdefault(sheet.meta.number, {}).setdefault(sheet.slug, []).append(sheet)
    for number, by_slug in sorted(by_number.items()):
        if len(by_slug) > 1:
            names = sorted(s.source.name for group in by_slug.values() for s in group)
            for group in by_slug.values():
                for sheet in group:
                    others = ", ".join(n for n in names if n != sheet.source.name)
                    problems.append(
                        Problem(sheet.source, sheet.line_of("number"), "number", f"{number} is also used by {others}")
                    )
                    bad.add(sheet.source)
            continue
        (group,) = by_slug.values()
        langs = {s.lang: s for s in group}
        reference = langs.get(settings.reference_language) or group[0]
        if settings.reference_language not in langs:  # a translation of no reference file
            twin = reference.source.with_name(reference.name.twin(settings.reference_language).file_name)
            if twin not in unreadable:  # when it exists, its own errors are reported
                problems.append(missing_version(reference.source, settings.reference_language, twin))
        for sheet in group:
            if sheet is reference:
                continue
            for name in TWIN_FIELDS:
                if getattr(sheet.meta, name) != getattr(reference.meta, name):
                    problems.append(_disagreement(sheet, reference, name))
                    bad.add(sheet.source)
            ours = [(f.value, f.as_of, f.unit) for f in sheet.meta.key_figures]
            theirs = [(f.value, f.as_of, f.unit) for f in reference.meta.key_figures]
            if ours != theirs:
                problems.append(_disagreement(sheet, reference, "key_figures"))
                bad.add(sheet.source)
    kept = [s for s in sheets if s.source not in bad]
    return Agreement(kept, sorted(bad), problems, frozenset(renumbered))


def _number_disagreements(
    sheets: list[Sheet], reference_language: str, unreadable: Collection[Path]
) -> list[tuple[Sheet, Sheet]]:
    """Return (sheet, reference) for each translation whose number differs from its reference file's."""
    found = []
    for sheet in sheets:
        if sheet.lang == reference_language:
            continue
        if sheet.source.with_name(sheet.name.twin(reference_language).file_name) in unreadable:
            continue  # its own reference file failed to load: another practice with the same slug is not it
        references = [s for s in sheets if s.slug == sheet.slug and s.lang == reference_language]
        if references and sheet.meta.number not in {r.meta.number for r in references}:
            found.append((sheet, references[0]))
    return found


def _disagreement(sheet: Sheet, reference: Sheet, name: str) -> Problem:
    mine = getattr(sheet.meta, name)
    theirs = getattr(reference.meta, name)
    if name == "key_figures":
        mine = [f.value for f in mine]
        theirs = [f.value for f in theirs]
    return Problem(
        sheet.source,
        sheet.line_of(name),
        name,
        f"{_show(mine)} disagrees with {reference.source.name} ({_show(theirs)}); the languages must agree",
    )


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "none"
    if isinstance(value, Period):
        return f"{value.start}–{value.end or ''}"
    return str(value)
