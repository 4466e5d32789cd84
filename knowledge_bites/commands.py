"""The commands that write into the project besides the build: the release announcement, and the translation
commands that edit a source (`translations --mark` and `--start`).

Loading and checking the series only reads; what these commands write, they write here, each file atomically and,
for a writer's own source, keeping what makes it theirs (files.rewrite).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .files import shown_path
from .lock import holding
from .names import SourceName
from .project import Project
from .record import Record
from .session import EXIT_OK, EXIT_USAGE, Reporter, load_checked
from .sources.translations import Translations, TranslationState, number_ranges, read_for_command, to_translate
from .sources.versions import VERSIONS, TranslationCommandError, keep_text, set_version, version_of


def announce(project: Project, reporter: Reporter, *, number: int | None, languages: list[str]) -> int:
    """Write the announcement of a practice (the newest by default); return the exit status."""
    loaded = load_checked(project, languages, reporter, asked_by="announce")
    if loaded is None:
        return EXIT_USAGE
    series, compiled = loaded
    numbers = sorted({sheet.meta.number for sheet in series.sheets})
    number = number if number is not None else (numbers[-1] if numbers else None)
    if number not in numbers:
        shown = f"#{number}" if number is not None else "to announce"
        reporter.line(f"announce: no practice {shown} in the series (it has {number_ranges(numbers) or 'none'})")
        return EXIT_USAGE
    sheets = {sheet.lang: sheet for sheet in series.sheets if sheet.meta.number == number}
    wanted = languages or list(series.settings.languages)
    failed = {
        name.lang for path in series.failed_sources if (name := SourceName.parse(path.name)) and name.number == number
    }
    invalid = [code for code in wanted if code not in sheets and code in failed]
    to_come = [code for code in wanted if code not in sheets and code not in failed]
    if invalid or not any(code in sheets for code in wanted):
        if invalid:
            reporter.line(
                f"announce: practice #{number} has no valid '{', '.join(invalid)}' sheet "
                f"(run `python build.py --check` to see why)"
            )
        else:
            reporter.line(f"announce: practice #{number} has no {_languages(to_come)} version yet: nothing to announce")
        return EXIT_USAGE
    from .outputs.newsletter import announce as write_announcements

    # It writes beside the build's files, and records them as the build's.
    with holding(project.output, reporter.line) as held:
        if not held:
            return EXIT_USAGE
        lines, written = write_announcements(project, series, compiled, [sheets[c] for c in wanted if c in sheets])
        _record(project, written)
    for line in lines:
        reporter.line(line)
    if to_come:  # a translation not written yet (a language in progress): announced once it is
        announced = ", ".join(code for code in wanted if code in sheets)
        reporter.line(
            f"to come  practice #{number} in {_languages(to_come)}: no translation yet (announced in {announced}); "
            f"run `python build.py announce {number} --lang {','.join(to_come)}` once it is built"
        )
    return EXIT_OK


def _languages(codes: list[str]) -> str:
    return ", ".join(f"'{code}'" for code in codes)


def translations(
    project: Project, reporter: Reporter, *, languages: list[str], mark: list[int] | None, start: list[int] | None
) -> int:
    """Report where the translations stand, or mark or start some; return the exit status."""
    loaded = load_checked(project, languages, reporter, asked_by="translations: --lang")
    if loaded is None:
        return EXIT_USAGE
    series, _ = loaded
    numbers = mark or start
    if not numbers:
        from .translating.commands import waiting

        kits = waiting(series.translations, project.output, languages)
        for line in series.translations.report_lines(languages) + kits:
            reporter.line(line)
        return EXIT_OK  # a report: what it finds is no failure
    if len(languages) != 1:
        reporter.line(f"translations: --{'mark' if mark else 'start'} needs the one language to write: add --lang CODE")
        return EXIT_USAGE
    status = EXIT_OK
    kept: set[Path] = set()
    for number in numbers:
        try:
            if mark:
                state = mark_translation(series.translations, number, languages[0])
                what = "it was up to date" if state.status == "up to date" else f"it was {state.status}"
                reporter.line(
                    f"marked  {shown_path(state.source)}  (follows {state.reference.name} as it is now; {what})"
                )
            else:
                state = start_translation(series.translations, number, languages[0])
                reporter.line(
                    f"started {shown_path(state.source)}  (a copy of {state.reference.name}: translate its text)"
                )
            kept.add(keep_text(project.content, read_for_command(state.reference)))
        except (TranslationCommandError, OSError) as error:
            reporter.line(f"translations: {getattr(error, 'strerror', None) or error}")
            status = EXIT_USAGE
    if kept:  # what "what changed" compares with later, without git: it belongs with the content
        folder = shown_path(project.content / VERSIONS)
        reporter.line(f"kept    the text each translation follows, in {folder}/ (commit it with the content)")
    return status


# --- Starting a translation, and recording that one follows its reference ------------------------------


def mark_translation(translations: Translations, number: int, lang: str) -> TranslationState:
    """Record that a translation follows its reference file as it is now; return its state before."""
    state = to_translate(translations, number, lang)
    if state.status == "missing":
        raise TranslationCommandError(
            f"practice #{number} has no '{lang}' translation to mark ({state.source.name}); "
            f"start one with: python build.py translations --start {number} --lang {lang}"
        )
    if state.status == "unreadable":
        raise TranslationCommandError(f"{state.source.name} cannot be read: python build.py --check says why")
    set_version(state.source, version_of(read_for_command(state.reference)))
    return state


def start_translation(translations: Translations, number: int, lang: str) -> TranslationState:
    """Start a translation as a copy of its reference file that records the version it copies; return its state."""
    state = to_translate(translations, number, lang)
    if state.status != "missing" or state.source.exists():
        raise TranslationCommandError(
            f"{state.source.name} already exists: translate it there, then mark it with: {state.mark_command()}"
        )
    text = read_for_command(state.reference)
    set_version(state.source, version_of(text), text)
    return state


def translator_kits(project: Project, reporter: Reporter, args: argparse.Namespace) -> int:
    """Export kits for a translator's CAT tool, or import kits that came back; return the exit status."""
    loaded = load_checked(project, args.lang, reporter, asked_by="translations: --lang")
    if loaded is None:
        return EXIT_USAGE
    from .translating.commands import export_kits, import_kits

    if args.kits:
        return import_kits(project.content, loaded[0], args.kits, reporter.line, args.lang, args.allow_partial)
    written: list[Path] = []
    # The kits go beside the build's files, and are recorded as its own.
    with holding(project.output, reporter.line) as held:
        if not held:
            return EXIT_USAGE
        status = export_kits(project.content, project.output, loaded[0], args.export, args.lang, reporter.line, written)
        _record(project, set(written))
    return status


def _record(project: Project, written: set[Path]) -> None:
    """Record files a command wrote into the output folder as the build's own (see record.py)."""
    record = Record.load(project.output)
    record.add_files(project.output, written)
    record.save(project.output)
