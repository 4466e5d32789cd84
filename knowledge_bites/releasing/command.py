"""`python build.py review`: compare the output folder with a release, print the summary, write the page."""

from __future__ import annotations

from pathlib import Path

from ..files import shown_path
from ..lock import holding
from ..record import Record
from ..session import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Reporter
from .edition import find
from .making import Where
from .page import write_page
from .review import CHANGED, compare


def review(where: Where, reporter: Reporter, *, against: str | None, strict: bool) -> int:
    """Compare the output folder with a release, write output/review/index.html and print the summary; return the
    exit status (with `strict`, 1 when anything changed)."""
    release = find(where.releases, against)
    if release is None:
        if against is None:
            where_to = shown_path(where.releases)
            reporter.line(f"review: no release in {where_to} yet: make one with python build.py release")
        else:
            reporter.line(f"review: --against {against}: no release of that name in {shown_path(where.releases)}")
        return EXIT_USAGE
    project = where.project
    from ..problems import SeriesConfigError
    from ..sources import load_series

    try:  # the sources, for the words of each sheet (no catalog is needed: nothing is printed)
        series = load_series(project.content)
    except SeriesConfigError as error:
        for problem in error.problems:
            reporter.line(str(problem.shown_from(Path.cwd())))
        return EXIT_USAGE
    with holding(project.output, reporter.line) as held:
        if not held:
            return EXIT_USAGE
        record = Record.load(project.output)
        result = compare(project.output, release, record, series)
        page = write_page(project.output, result, record)
    reporter.line(result.summary())
    for sheet in result.having(CHANGED):
        for part in sheet.parts:
            added = f" +'{' … '.join(part.added)}'" if part.added else ""
            removed = f" -'{' … '.join(part.removed)}'" if part.removed else ""
            reporter.line(f"  {sheet.label} '{part.part}' {part.status}:{added}{removed}"[:300])
    reporter.line(f"review  {shown_path(page)}  (compared in {result.seconds:.1f} s)")
    return EXIT_FAILED if strict and result.anything else EXIT_OK
