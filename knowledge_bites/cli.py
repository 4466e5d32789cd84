"""Command line: `python build.py [options]` builds the series; exit 0 ok, 1 a sheet failed, 2 usage or settings."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from .content import load_series
from .lock import OutputBusyError, output_lock
from .pipeline import BuildReport, Options, Project, SheetResult, build, failed_sources, previous_pdf
from .problems import SeriesConfigError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise argparse.ArgumentTypeError(f"'{text}' is not a practice number or range such as 3,5-7")
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def _languages(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the build command."""
    p = argparse.ArgumentParser(
        prog="python build.py",
        description="Build the Knowledge Bites series: every practice, in every language, as a two-page PDF.",
    )
    p.add_argument(
        "--lang",
        type=_languages,
        action="extend",
        default=[],
        metavar="CODE",
        help="build only these languages, e.g. --lang es (repeat or separate with commas)",
    )
    p.add_argument(
        "--only",
        type=_numbers,
        action="extend",
        default=[],
        metavar="N",
        help="build only these practices, e.g. --only 10 or --only 3,5-7",
    )
    p.add_argument("--check", action="store_true", help="validate the sources without rendering any PDF")
    p.add_argument("--html", action="store_true", help="also write each sheet's HTML to output/html/ for preview")
    p.add_argument("--strict", action="store_true", help="treat warnings as failures")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores)")
    p.add_argument("--content", type=Path, metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: output/)")
    return p


def main(argv: list[str] | None = None, *, root: Path | None = None, out: TextIO | None = None) -> int:
    """Run the build command; return the exit status."""
    out = out or sys.stdout
    args = parser().parse_args(argv)  # exits with status 2 on a usage error
    project = Project.at(root or Path.cwd(), args.content, args.output)
    try:
        series = load_series(project.content)
    except SeriesConfigError as error:
        for problem in error.problems:
            print(problem.shown_from(Path.cwd()), file=out)
        return EXIT_USAGE
    unknown = [code for code in args.lang if code not in series.settings.languages]
    if unknown:
        print(
            f"--lang: unknown language {', '.join(unknown)} (the series has {', '.join(series.settings.languages)})",
            file=out,
        )
        return EXIT_USAGE
    options = Options(tuple(args.lang), tuple(args.only), args.check, args.html, args.strict, args.jobs)

    for problem in sorted(series.problems):
        print(problem.shown_from(Path.cwd()), file=out)

    def show(result: SheetResult) -> None:
        where = result.pdf or result.source
        shown = where.relative_to(Path.cwd()) if where.is_relative_to(Path.cwd()) else where
        if result.status == "built":
            print(
                f"built   {shown}  ({result.pages} pages, {result.size / 1024:.0f} KB, {result.seconds:.1f} s)",
                file=out,
            )
        elif result.status == "checked":
            print(f"ok      {shown}", file=out)
        else:
            print(f"FAILED  {shown}", file=out)
        for problem in result.problems:
            print(f"  {problem.shown_from(Path.cwd())}", file=out)
        out.flush()

    try:
        with ExitStack() as held:
            if not options.check:  # --check writes nothing, so it needs no lock
                held.enter_context(output_lock(project.output))
            report = build(project, series, options, show)
    except OutputBusyError:
        print(f"{_shown(project.output)}: another build is writing to this folder; run again when it ends", file=out)
        return EXIT_USAGE
    for problem in report.problems:  # problems the build found itself, such as missing translations
        if problem not in series.problems:
            print(problem.shown_from(Path.cwd()), file=out)
    for source in failed_sources(report):
        line = f"failed  {_shown(source)}"
        if (previous := previous_pdf(project, series, source)) is not None:
            line += f"  ({_shown(previous)}: previous PDF left in place is now stale)"
        print(line, file=out)
    print(summary(report), file=out)
    return EXIT_OK if report.ok else EXIT_FAILED


def _shown(path: Path) -> Path:
    """Return a path as the user reads it: relative to the working folder when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def summary(report: BuildReport) -> str:
    """Return the closing line of a build."""
    built = sum(1 for r in report.results if r.status == "built")
    checked = sum(1 for r in report.results if r.status == "checked")
    warnings = sum(1 for p in report.problems if p.severity == "warning") + sum(
        1 for r in report.results for p in r.problems if p.severity == "warning"
    )
    parts = [f"built {built}"] if not checked else [f"checked {checked}"]
    parts.append(f"failed {report.failed}")
    parts.append(f"warnings {warnings}")
    return f"{', '.join(parts)} in {report.seconds:.1f} s"
