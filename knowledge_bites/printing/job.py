"""The worker's print job: a sheet's HTML, rendered by the main process, laid out and written as a PDF.

Workers receive plain data: a sheet's HTML, ready to lay out, and the few facts they need to report on it. They
never load the content model, Markdown or the templates, so they start sooner, and under --watch they live from
one build to the next whatever changed in the content. This module is imported by the main process too, to
make the jobs: WeasyPrint is loaded only by `print_sheet`, in the workers.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..locations import Locator, Section
from ..problems import Problem

Status = Literal["built", "up to date", "failed", "checked"]


@dataclass(frozen=True)
class PrintJob:
    """One sheet to lay out and, if it keeps to its two pages, to write as a PDF."""

    key: str
    source: Path
    target: Path
    identity: str  # the PDF's stable document identifier is derived from it
    pdf_profile: str
    html: str
    short_html: str  # the same sheet with its closing block on page 2, for a text too short to reach it
    sections: tuple[Section, ...]
    locator: Locator
    strict: bool = False  # a warning fails the sheet too


@dataclass(frozen=True)
class SheetResult:
    """What happened to one sheet: printed by a worker, found up to date, or only checked."""

    key: str
    source: Path
    status: Status
    pdf: Path | None = None
    pages: int = 0
    size: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    peak_memory_mb: float = 0.0  # peak resident memory of the process that printed it
    sha256: str = ""


def print_sheet(
    job: PrintJob,
    *,
    root: Path,
    styles: Path,
    asset_roots: list[Path],
    before_writing: Callable[[], None] = lambda: None,
) -> SheetResult:
    """Lay out one sheet, check it keeps its two-page contract, and write its PDF unless something is wrong.

    `root` is the project folder the sheet's relative addresses start from; `before_writing` is called right
    before the PDF is written, and may raise to stop it (a time limit that passed).
    """
    from .contract import check, lay_out
    from .printer import log_line, printer_for

    started = time.perf_counter()
    printer = printer_for(styles, asset_roots, job.pdf_profile)  # one per worker process
    problems: list[Problem] = []
    document, logs = lay_out(printer, job, root.as_uri() + "/")
    pdf, drawing = printer.draw(document, job.identity)  # a character no font has shows only when drawing
    logs = [*logs, *drawing]
    for url in printer.fetcher.refused:
        problems.append(Problem(job.source, None, None, f"'{url}' is outside the project and was not read"))
    for record in logs:
        message = log_line(record)
        if any(url in message for url in printer.fetcher.refused):
            continue  # already reported above, in one line
        severity = "error" if record.levelname in ("ERROR", "CRITICAL") else "warning"
        problems.append(Problem(job.source, None, None, f"layout: {message}", severity))
    problems += check(document, job)
    pages = len(document.pages)
    if any(p.severity == "error" or job.strict for p in problems):
        seconds = time.perf_counter() - started
        return SheetResult(job.key, job.source, "failed", pages=pages, problems=tuple(problems), seconds=seconds)
    before_writing()
    size, sha256 = printer.save(pdf, job.target)
    return SheetResult(
        job.key,
        job.source,
        "built",
        pdf=job.target,
        pages=pages,
        size=size,
        problems=tuple(problems),
        seconds=time.perf_counter() - started,
        peak_memory_mb=peak_memory_mb(),
        sha256=sha256,
    )


def rehearse(job: PrintJob, *, root: Path, styles: Path, asset_roots: list[Path]) -> None:
    """Lay out and draw a sheet without writing it, so that this process has its fonts and stylesheet ready."""
    from .contract import lay_out
    from .printer import printer_for

    printer = printer_for(styles, asset_roots, job.pdf_profile)
    printer.draw(lay_out(printer, job, root.as_uri() + "/")[0], job.identity)


def peak_memory_mb() -> float:
    """Return the peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
