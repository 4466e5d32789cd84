"""Checks that involve several sources: numbering, and agreement between the languages of a practice."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..problems import Problem
from .schema import Period, SeriesSettings
from .translations import FIELD, Translations

if TYPE_CHECKING:
    from .loading import Sheet

# Facts the languages of a practice must agree on, besides its number and the values of its key figures.
TWIN_FIELDS = ("countries", "regions", "published", "period")


def check_across(
    sheets: list[Sheet], settings: SeriesSettings, *, unreadable: Collection[Path] = ()
) -> tuple[list[Sheet], list[Path], list[Problem]]:
    """Check numbering and agreement between languages; return the sheets that pass, the sources that fail and
    the problems found (errors and warnings). `unreadable` are the sources that failed to load: they exist, and
    their own errors say what is wrong with them."""
    problems: list[Problem] = []
    bad: set[Path] = set()
    renumbered: set[tuple[str, str]] = set()  # (slug, language) of translations that exist, but disagree
    for sheet, reference in _number_disagreements(sheets, settings.reference_language, unreadable):
        problems.append(_disagreement(sheet, reference, "number"))
        bad.add(sheet.source)
        renumbered.add((sheet.slug, sheet.lang))
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
        for lang in settings.languages:
            # A language in progress lacks practices on purpose: the build sums it up in one line instead.
            if lang not in langs and (reference.slug, lang) not in renumbered and not settings.in_progress(lang):
                twin = reference.source.with_name(reference.name.twin(lang).file_name)
                if twin in unreadable:
                    continue  # it exists, and its own errors are reported
                problems.append(
                    Problem(
                        reference.source,
                        None,
                        None,
                        f"no '{lang}' version ({twin.name}); the other languages are still built",
                        "warning",
                    )
                )
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
    return [s for s in sheets if s.source not in bad], sorted(bad), problems


def translation_problems(translations: Translations, sheets: list[Sheet]) -> list[Problem]:
    """Report each translation that is out of date with its reference file: a warning in a complete language
    (so that --strict fails it), a note in a language in progress; and a reference file that claims to translate."""
    in_progress = {p.lang for p in translations.languages if p.in_progress}
    problems = [
        Problem(
            state.source,
            state.line,
            FIELD,
            f"out of date: {state.why}; {state.advice()}",
            "note" if state.lang in in_progress else "warning",
        )
        for state in translations.states
        if state.status == "out of date"
    ]
    problems += [
        Problem(
            sheet.source,
            sheet.line_of(FIELD),
            FIELD,
            f"'{sheet.lang}' is the reference language, whose files translate no other file: remove this line",
            "warning",
        )
        for sheet in sheets
        if sheet.lang == translations.reference and sheet.meta.translated_from is not None
    ]
    return problems


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
