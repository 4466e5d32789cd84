"""Translation state: which translations follow their reference text, which are out of date, which are missing.

This is the one place that knows it: the build's lines, `python build.py translations`, the manifest, the
catalogue page and the preview all read the `Translations` that `track` returns.

A translation records the version of the reference-language file it translates, in its front matter
(`translated_from`, see versions.py). When the reference file's version is another one, the translation is out of
date; the earlier text, looked up in git, tells what changed since. Where it cannot be found, the translation is
still out of date, and its state says that what changed is unknown, and why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from ..files import shown_path
from ..names import SourceName
from ..problems import Problem
from .frontmatter import read_source
from .schema import SeriesSettings
from .sheet import Sheet
from .versions import FIELD, VERSIONS, TranslationCommandError, old_texts, what_changed
from .yamltext import YamlError

__all__ = [
    "FIELD",
    "LanguageProgress",
    "TranslationCommandError",
    "TranslationState",
    "Translations",
    "read_for_command",
    "to_translate",
    "track",
]

Status = Literal["up to date", "out of date", "missing", "unreadable"]
STATUSES: tuple[Status, ...] = ("up to date", "out of date", "missing", "unreadable")  # LanguageProgress's order


def number_ranges(numbers: list[int]) -> str:
    """Return practice numbers as ranges: 1–8, 11."""
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and n == int(parts[-1].split("–")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('–')[0]}–{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


@dataclass(frozen=True)
class TranslationState:
    """One practice in one language other than the reference: where its translation stands."""

    number: int
    lang: str
    status: Status
    source: Path  # the translation's file, or the file it would be when it is missing
    reference: Path  # the reference-language file it translates
    changes: tuple[str, ...] = ()  # what changed in the reference since it was translated, when known
    why: str = ""  # for an out-of-date translation: what changed, or why that is unknown, in a few words
    line: int | None = None  # the line of `translated_from` in the translation

    def mark_command(self) -> str:
        """Return the command that records the translation as following its reference as it is now."""
        return f"python build.py translations --mark {self.number} --lang {self.lang}"

    def advice(self) -> str:
        """Return what to do about an out-of-date translation."""
        if self.why.startswith("nothing to translate"):
            return f"mark it up to date: {self.mark_command()}"
        return f"bring it up to date, then run {self.mark_command()}"

    def as_data(self) -> dict[str, Any]:
        """Return the state as plain data (file names, no paths), for the manifest and the preview."""
        return {
            "status": self.status,
            "source": self.source.name,
            "reference": self.reference.name,
            "changes": list(self.changes),
            "why": self.why,
        }


@dataclass(frozen=True)
class LanguageProgress:
    """How far one language other than the reference has come: the practice numbers in each state."""

    lang: str
    in_progress: bool
    practices: int  # practices whose reference-language file is readable
    up_to_date: tuple[int, ...] = ()
    out_of_date: tuple[int, ...] = ()
    missing: tuple[int, ...] = ()
    unreadable: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.lang} (in progress)" if self.in_progress else self.lang

    def summary(self) -> str:
        """Return the one line a build prints for a language in progress."""
        line = f"{self.name}: {self.practices - len(self.missing)} of {self._practices} translated"
        if self.out_of_date:
            line += f", {len(self.out_of_date)} out of date"
        if self.missing:
            return f"{line}; missing: {number_ranges(list(self.missing))}"
        return f"{line}; none missing: it can leave languages_in_progress in series.yaml"

    def total(self) -> str:
        """Return the language's line in the `translations` report."""
        counts = f"{len(self.up_to_date)} up to date, {len(self.out_of_date)} out of date, {len(self.missing)} missing"
        if self.unreadable:
            counts += f", {len(self.unreadable)} unreadable"
        return f"{self.name}: {self._practices}: {counts}"

    @property
    def _practices(self) -> str:
        return f"{self.practices} practice{'s' if self.practices != 1 else ''}"

    def as_data(self) -> dict[str, Any]:
        return {
            "in_progress": self.in_progress,
            "practices": self.practices,
            "up_to_date": list(self.up_to_date),
            "out_of_date": list(self.out_of_date),
            "missing": list(self.missing),
            "unreadable": list(self.unreadable),
        }


@dataclass(frozen=True)
class Translations:
    """The translation state of a series: every language but the reference, every practice it has."""

    reference: str = ""
    languages: tuple[LanguageProgress, ...] = ()
    states: tuple[TranslationState, ...] = ()  # in language order, then practice order
    practices_in_progress: frozenset[int] = frozenset()  # being written or translated: lacking a language is no fault

    def state(self, number: int | None, lang: str | None) -> TranslationState | None:
        """Return the state of one practice in one language (None for the reference language)."""
        return self._by_key.get((number, lang))

    @cached_property
    def _by_key(self) -> dict[tuple[int | None, str | None], TranslationState]:
        return {(s.number, s.lang): s for s in self.states}

    def progress_lines(self, languages: tuple[str, ...] | list[str] = ()) -> list[str]:
        """Return the one line per build of each language in progress (of those asked for, if any)."""
        return [p.summary() for p in self.languages if p.in_progress and (not languages or p.lang in languages)]

    def report_lines(self, languages: tuple[str, ...] | list[str] = ()) -> list[str]:
        """Return the `translations` report: a line per source that needs work, then a total per language."""
        lines = []
        for state in self.states:
            if languages and state.lang not in languages:
                continue
            shown = shown_path(state.source)
            if state.status == "out of date":
                lines.append(f"out of date  {shown}  ({state.why})")
            elif state.status == "missing":
                lines.append(f"missing      {shown}")
            elif state.status == "unreadable":
                lines.append(f"unreadable   {shown}  (python build.py --check says why)")
        lines += [p.total() for p in self.languages if not languages or p.lang in languages]
        return lines

    def as_data(self) -> dict[str, Any]:
        """Return the state as plain data: per language, the practice numbers in each state."""
        return {"reference": self.reference, "languages": {p.lang: p.as_data() for p in self.languages}}


def track(
    settings: SeriesSettings, sheets: list[Sheet], failed_sources: list[Path], content_root: Path
) -> Translations:
    """Return where every translation of the series stands against its reference-language file.

    The practices are those whose reference file loaded: a reference that cannot be read is reported as such,
    and its translations are judged once it can be. Files are read only through the sheets that loaded."""
    reference = settings.reference_language
    loaded = {(sheet.meta.number, sheet.lang): sheet for sheet in sheets}
    unreadable = {(name.number, name.lang): path for path in failed_sources if (name := SourceName.parse(path.name))}
    originals = {number: sheet for (number, lang), sheet in sorted(loaded.items()) if lang == reference}
    states: list[TranslationState] = []
    for lang in settings.languages:
        if lang == reference:
            continue
        for number, original in originals.items():
            sheet = loaded.get((number, lang))
            if sheet is not None:
                recorded = sheet.meta.translated_from
                status: Status = "up to date" if recorded == original.version else "out of date"
                states.append(
                    TranslationState(number, lang, status, sheet.source, original.source, line=sheet.line_of(FIELD))
                )
            elif (number, lang) in unreadable:
                states.append(TranslationState(number, lang, "unreadable", unreadable[(number, lang)], original.source))
            else:
                twin = original.source.with_name(original.name.twin(lang).file_name)
                states.append(TranslationState(number, lang, "missing", twin, original.source))
    recorded = {
        (s.number, s.lang): loaded[(s.number, s.lang)].meta.translated_from for s in states if s.status == "out of date"
    }
    states = _explain(states, recorded, content_root)
    progress = []
    for lang in settings.languages:
        if lang != reference:
            numbers = [tuple(s.number for s in states if s.lang == lang and s.status == status) for status in STATUSES]
            progress.append(LanguageProgress(lang, settings.in_progress(lang), len(originals), *numbers))
    return Translations(reference, tuple(progress), tuple(states), frozenset(settings.practices_in_progress))


def _explain(
    states: list[TranslationState], recorded: dict[tuple[int, str], str | None], content_root: Path
) -> list[TranslationState]:
    """Say, for each out-of-date translation, what changed in its reference since, or why that is unknown."""
    texts, unavailable = old_texts(content_root, {v for v in recorded.values() if v}) if recorded else ({}, None)
    explained = []
    for state in states:
        if state.status != "out of date":
            explained.append(state)
            continue
        version, name = recorded[(state.number, state.lang)], state.reference.name
        changes: tuple[str, ...] | None = ()
        if version is None:
            why = f"it does not record which version of {name} it translates, so what changed is unknown"
        elif version not in texts:
            kept = f"its text is not kept in {shown_path(content_root / VERSIONS)}/"
            reason = f"{kept}, and {unavailable}" if unavailable else f"{kept} nor in the git history"
            why = f"{name} has changed; what changed is unknown (version {version[:7]}: {reason})"
        else:
            try:
                changes = what_changed(texts[version], read_source(state.reference), state.reference, content_root)
            except (OSError, YamlError, RecursionError):
                changes = None
            if changes is None:
                why = f"{name} has changed; what changed is unknown (its text cannot be compared)"
            elif changes:
                why = f"{name} has changed: {', '.join(changes)}"
            else:
                why = f"nothing to translate: {name} has changed only in spacing, line breaks or comments"
        explained.append(replace(state, changes=changes or (), why=why))
    return explained


def translation_problems(
    translations: Translations,
    sheets: list[Sheet],
    *,
    failed: Collection[Path] = (),
    renumbered: Collection[tuple[int, str]] = (),
) -> list[Problem]:
    """Report each translation that is out of date with its reference file: a warning in a complete language
    (so that --strict fails it), a note in a language in progress; each translation a complete language lacks (a
    warning on its reference file); and a reference file that claims to translate.

    `failed` are the sources that did not pass the checks across languages (a translation is not missing
    beside a reference file that fails), `renumbered` the (number, language) of translations that exist under
    another number, which their own errors tell."""
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
    lacking = [
        state
        for state in translations.states
        if state.status == "missing"
        and state.lang not in in_progress  # a language in progress lacks practices on purpose: one line sums it up
        and state.reference not in failed
        and (state.number, state.lang) not in renumbered
    ]
    problems += [
        missing_version(state.reference, state.lang, state.source)
        for state in lacking
        if state.number not in translations.practices_in_progress
    ]
    problems += [  # a practice being written or translated lacks languages on purpose: a note, not a warning
        Problem(
            state.reference,
            None,
            None,
            f"no '{state.lang}' version yet ({state.source.name}): practice #{state.number} is in progress "
            "(practices_in_progress in series.yaml)",
            "note",
        )
        for state in lacking
        if state.number in translations.practices_in_progress
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


def missing_version(source: Path, lang: str, twin: Path) -> Problem:
    """Return the warning that a practice has no file in a language: on the file it has (`source`)."""
    return Problem(
        source, None, None, f"no '{lang}' version ({twin.name}); the other languages are still built", "warning"
    )


def to_translate(translations: Translations, number: int, lang: str) -> TranslationState:
    """Return the state of practice `number`'s translation into `lang`, for a command that works on it (mark, start,
    export); raise TranslationCommandError, with what to do, when there is no such translation to work on."""
    if lang == translations.reference:
        raise TranslationCommandError(f"'{lang}' is the reference language: its files translate no other file")
    state = translations.state(number, lang)
    if state is None:
        raise TranslationCommandError(f"no practice #{number} in the '{translations.reference}' files to translate")
    return state


def read_for_command(path: Path) -> bytes:
    """Return a source's bytes for a translation command; raise TranslationCommandError, in one line, when it cannot
    be read."""
    try:
        return read_source(path)
    except (OSError, YamlError) as error:
        raise TranslationCommandError(f"{path.name}: {getattr(error, 'message', None) or error}") from None
