"""The worker's print job: lay a sheet out, hold it to its two-page contract, and write its PDF."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..problems import Problem
from .contract import assess, lay_out
from .job import PrintJob, SheetResult, peak_memory_mb
from .pictures import draw, is_current
from .printer import log_line, printer_for


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
    started = time.perf_counter()
    printer = printer_for(styles, asset_roots, job.pdf_profile)  # one per worker process
    problems: list[Problem] = []
    base_url = root.as_uri() + "/"
    layout = lay_out(printer, job, base_url)
    document = layout.document
    pdf, drawing = printer.draw(document, job.identity)  # a character no font has shows only when drawing
    logs = [*layout.logs, *drawing]
    for url in printer.fetcher.refused:
        problems.append(Problem(job.source, None, None, f"'{url}' is outside the project and was not read"))
    for record in logs:
        message = log_line(record)
        if any(url in message for url in printer.fetcher.refused):
            continue  # already reported above, in one line
        severity = "error" if record.levelname in ("ERROR", "CRITICAL") else "warning"
        problems.append(Problem(job.source, None, None, f"layout: {message}", severity))
    assessment = assess(printer, job, layout, base_url)
    problems += assessment.problems
    pages = len(document.pages)
    if any(p.severity == "error" or job.strict for p in problems):
        seconds = time.perf_counter() - started
        return SheetResult(
            job.key,
            job.source,
            "failed",
            pages=pages,
            problems=tuple(problems),
            seconds=seconds,
            fit=assessment.fit,
        )
    before_writing()
    size, sha256 = printer.save(pdf, job.target)
    pictures = draw_pictures(pdf, sha256, job)
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
        fit=assessment.fit,
        pictures=pictures,
    )


def draw_pictures(pdf: bytes, sha256: str, job: PrintJob) -> tuple[Path, ...]:
    """Draw the pictures of the pages of a PDF just written, unless they already show exactly this PDF; return the
    pictures drawn. One that cannot be drawn is left to the output stage, which tries again and tells why."""
    if not job.pictures or is_current(job.pictures, sha256):
        return ()
    try:
        draw(pdf, sha256, job.pictures)
    except Exception:  # the PDF is written and sound: its pictures are the output stage's to report
        return ()
    return tuple(picture.path for picture in job.pictures)


def rehearse(job: PrintJob, *, root: Path, styles: Path, asset_roots: list[Path]) -> None:
    """Lay out and draw a sheet without writing it, so that this process has its fonts and stylesheet ready."""
    printer = printer_for(styles, asset_roots, job.pdf_profile)
    printer.draw(lay_out(printer, job, root.as_uri() + "/").document, job.identity)
