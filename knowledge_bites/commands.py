"""The commands that write into the project besides the build: the release announcement, and the translation
commands that edit a source (`translations --mark` and `--start`).

Loading and checking the series only reads; what these commands write, they write here, each file atomically and,
for a writer's own source, keeping what makes it theirs (files.rewrite).
"""

from __future__ import annotations

from pathlib import Path

from .files import shown_path
from .lock import OutputBusyError, OutputUnusableError, output_lock
from .project import Project
from .record import Record
from .session import EXIT_OK, EXIT_USAGE, Reporter, load_checked
from .sources.frontmatter import read_source
from .sources.translations import Translations, TranslationState, number_ranges
from .sources.versions import TranslationCommandError, set_version, version_of
from .sources.yamltext import YamlError


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
    missing = [code for code in wanted if code not in sheets]
    if missing:
        reporter.line(
            f"announce: practice #{number} has no valid '{', '.join(missing)}' sheet "
            f"(run `python build.py --check` to see why)"
        )
        return EXIT_USAGE
    from .outputs.newsletter import announce as write_announcements

    try:
        with output_lock(project.output):  # it writes beside the build's files, and records them as the build's
            lines, written = write_announcements(project, series, compiled, [sheets[code] for code in wanted])
            record = Record.load(project.output)
            record.add_files(project.output, written)
            record.save(project.output)
    except OutputBusyError:
        reporter.line(f"{shown_path(project.output)}: another build is writing to this folder; run again when it ends")
        return EXIT_USAGE
    except OutputUnusableError as error:
        reporter.line(f"{shown_path(project.output)}: {error}")
        return EXIT_USAGE
    for line in lines:
        reporter.line(line)
    return EXIT_OK


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
        for line in series.translations.report_lines(languages):
            reporter.line(line)
        return EXIT_OK  # a report: what it finds is no failure
    if len(languages) != 1:
        reporter.line(f"translations: --{'mark' if mark else 'start'} needs the one language to write: add --lang CODE")
        return EXIT_USAGE
    status = EXIT_OK
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
        except TranslationCommandError as error:
            reporter.line(f"translations: {error}")
            status = EXIT_USAGE
    return status


# --- Starting a translation, and recording that one follows its reference ------------------------------


def mark_translation(translations: Translations, number: int, lang: str) -> TranslationState:
    """Record that a translation follows its reference file as it is now; return its state before."""
    state = _state(translations, number, lang)
    if state.status == "missing":
        raise TranslationCommandError(
            f"practice #{number} has no '{lang}' translation to mark ({state.source.name}); "
            f"start one with: python build.py translations --start {number} --lang {lang}"
        )
    if state.status == "unreadable":
        raise TranslationCommandError(f"{state.source.name} cannot be read: python build.py --check says why")
    set_version(state.source, version_of(_read(state.reference)))
    return state


def start_translation(translations: Translations, number: int, lang: str) -> TranslationState:
    """Start a translation as a copy of its reference file that records the version it copies; return its state."""
    state = _state(translations, number, lang)
    if state.status != "missing" or state.source.exists():
        raise TranslationCommandError(
            f"{state.source.name} already exists: translate it there, then mark it with: {state.mark_command()}"
        )
    text = _read(state.reference)
    set_version(state.source, version_of(text), text)
    return state


def _state(translations: Translations, number: int, lang: str) -> TranslationState:
    if lang == translations.reference:
        raise TranslationCommandError(f"'{lang}' is the reference language: its files translate no other file")
    state = translations.state(number, lang)
    if state is None:
        raise TranslationCommandError(f"no practice #{number} in the '{translations.reference}' files to translate")
    return state


def _read(path: Path) -> bytes:
    try:
        return read_source(path)
    except (OSError, YamlError) as error:
        raise TranslationCommandError(f"{path.name}: {getattr(error, 'message', None) or error}") from None
