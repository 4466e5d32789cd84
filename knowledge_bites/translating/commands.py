"""What the kit's options of `python build.py translations` do and print: --export and --import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..files import shown_path
from ..sources import Series
from ..sources.translations import TranslationCommandError
from . import exporting, importing
from .exporting import waiting

__all__ = ["export_kits", "import_kits", "waiting"]

EXIT_OK, EXIT_USAGE = 0, 2


def export_kits(
    content: Path,
    output: Path,
    series: Series,
    numbers: list[int],
    languages: list[str],
    say: Callable[[str], None],
    written: list[Path] | None = None,
) -> int:
    """Write a kit per practice and language; say where, and its word counts; return the exit status. Each kit
    written is added to `written`."""
    if not languages:
        say("translations: --export needs the language to translate into: add --lang CODE")
        return EXIT_USAGE
    status = EXIT_OK
    for lang in languages:
        for number in numbers:
            try:
                done = exporting.export(series.translations, series.settings.languages, content, output, number, lang)
            except (TranslationCommandError, OSError) as error:
                say(f"translations: {error}")
                status = EXIT_USAGE
                continue
            if written is not None:
                written.append(done.path)
            say(f"exported {shown_path(done.path)}  (into {lang}: send it to the translator)")
            say(done.line())
            for where in done.unmatched:
                say(f"  not matched with the earlier translation: {where}")
    return status


def import_kits(
    content: Path,
    series: Series,
    kits: list[Path],
    say: Callable[[str], None],
    languages: list[str],
    allow_partial: bool,
) -> int:
    """Check every kit, then write their translations, or nothing when any problem is found."""
    plans, problems = [], []
    for kit in kits:
        try:
            plans.append(
                importing.plan(kit, series.translations, content, allow_partial=allow_partial, languages=languages)
            )
        except importing.RefusedError as refused:
            problems += refused.problems
    if problems:
        for problem in problems:
            say(problem)
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        say(f"translations: nothing written ({count}): fix what each line says, then import the kit again")
        return EXIT_USAGE
    for plan in plans:
        try:
            lines = importing.write(plan, content)
        except OSError as error:
            say(f"translations: {shown_path(plan.target)} cannot be written ({error.strerror or error})")
            return EXIT_USAGE
        for line in lines:
            say(line)
    return EXIT_OK
