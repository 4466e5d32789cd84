"""Build plan and run: which sheets to print, printed in worker processes, results in a stable order."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .content import PRACTICE_FILE, Series, Sheet
from .i18n import Language
from .problems import Problem

Status = Literal["built", "failed", "checked"]
CLOSING_IDS = ["closing-cta", "closing-fineprint"]


@dataclass(frozen=True)
class Project:
    """Where a build reads from and writes to."""

    root: Path
    content: Path
    output: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @classmethod
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None) -> Project:
        """Return the project rooted at `root`, with the usual content and output folders by default."""
        root = root.resolve()
        return cls(root, (content or root / "content").resolve(), (output or root / "output").resolve())


@dataclass(frozen=True)
class Options:
    """What the user asked the build to do."""

    languages: tuple[str, ...] = ()
    only: tuple[int, ...] = ()
    check: bool = False
    html: bool = False
    strict: bool = False
    jobs: int = 0  # 0: one worker per core


@dataclass(frozen=True)
class SheetResult:
    """What happened to one sheet."""

    key: str
    source: Path
    status: Status
    pdf: Path | None = None
    pages: int = 0
    size: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0


@dataclass
class BuildReport:
    """Everything one build did, for the summary and the exit status."""

    results: list[SheetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # problems not tied to one built sheet
    failed_sources: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failed_sources) + sum(1 for r in self.results if r.status == "failed")

    @property
    def ok(self) -> bool:
        return self.failed == 0


def pdf_name(series: Series, sheet: Sheet) -> str:
    """Return the file name of a sheet's PDF, e.g. `knowledge-bites-10-afghanistan-smes-es.pdf`."""
    return _pdf_file_name(series, sheet.meta.number, sheet.slug, sheet.lang)


def _pdf_file_name(series: Series, number: int, slug: str, lang: str) -> str:
    prefix = re.sub(r"[^a-z0-9]+", "-", series.settings.short_name[series.settings.reference_language].lower()).strip(
        "-"
    )
    return f"{prefix}-{number:02d}-{slug}-{lang}.pdf"


def select(series: Series, options: Options) -> list[Sheet]:
    """Return the sheets the options ask for, in series order."""
    return [
        sheet
        for sheet in series.sheets
        if (not options.languages or sheet.lang in options.languages)
        and (not options.only or sheet.meta.number in options.only)
    ]


# --- Worker side -------------------------------------------------------------------------------

_worker: _Worker | None = None


class _Worker:
    """Per-process state: one Jinja environment per language and one WeasyPrint set-up."""

    def __init__(self, project: Project, series: Series, options: Options) -> None:
        from .pdf import Printer  # WeasyPrint is imported only where sheets are printed
        from .render import Renderer

        languages = {code: Language.for_series(series.settings, code)[0] for code in series.settings.languages}
        self.project = project
        self.series = series
        self.options = options
        self.renderer = Renderer(project.templates, project.root, series, languages)
        self.printer = Printer(project.styles, [project.styles, project.content])

    def build(self, sheet: Sheet) -> SheetResult:
        from .pdf import describe_off_page, describe_overflow, log_line, missing_ids, off_page, overflow_of

        started = time.perf_counter()
        rendered = self.renderer.render(sheet)
        problems = list(rendered.problems)
        if self.options.html:
            preview = self.renderer.render(sheet, preview=True).html
            target = self.project.output / "html" / sheet.lang / pdf_name(self.series, sheet).replace(".pdf", ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(preview, encoding="utf-8")
        base_url = self.project.root.as_uri() + "/"
        document, logs = self.printer.layout(rendered.html, base_url)
        if len(document.pages) < 2:
            rendered = self.renderer.render(sheet, short=True)
            document, logs = self.printer.layout(rendered.html, base_url)
        identity = f"{self.series.settings.short_name[sheet.lang]}:{sheet.key}"
        pdf, drawing = self.printer.draw(document, identity)  # a character no font has shows only when drawing
        logs = [*logs, *drawing]
        for url in self.printer.fetcher.refused:
            problems.append(Problem(sheet.source, None, None, f"'{url}' is outside the project and was not read"))
        for record in logs:
            message = log_line(record)
            if any(url in message for url in self.printer.fetcher.refused):
                continue  # already reported above, in one line
            problems.append(
                Problem(
                    sheet.source,
                    None,
                    None,
                    f"layout: {message}",
                    "error" if record.levelname in ("ERROR", "CRITICAL") else "warning",
                )
            )
        if len(document.pages) > 2:
            problems.append(
                Problem(sheet.source, None, None, describe_overflow(overflow_of(document), rendered.sections))
            )
        elif dropped := missing_ids(document, [s.id for s in rendered.sections] + CLOSING_IDS):
            problems.append(Problem(sheet.source, None, None, f"the layout dropped content ({', '.join(dropped)})"))
        for item in off_page(document):  # nothing may run off the page or out of its column
            line, name = sheet.locate(item.text)
            problems.append(Problem(sheet.source, line, name, describe_off_page(item)))
        pages = len(document.pages)
        if any(p.severity == "error" or self.options.strict for p in problems):
            return SheetResult(
                sheet.key, sheet.source, "failed", None, pages, 0, tuple(problems), time.perf_counter() - started
            )
        target = self.project.output / sheet.lang / pdf_name(self.series, sheet)
        size = self.printer.write(pdf, target, identity)
        return SheetResult(
            sheet.key, sheet.source, "built", target, pages, size, tuple(problems), time.perf_counter() - started
        )


def _init_worker(project: Project, series: Series, options: Options) -> None:
    global _worker
    _worker = _Worker(project, series, options)


def _build_one(sheet: Sheet) -> SheetResult:
    assert _worker is not None
    try:
        return _worker.build(sheet)
    except Exception as error:  # an unexpected failure stays with its sheet; the others still build
        problem = Problem(sheet.source, None, None, f"internal error while printing: {type(error).__name__}: {error}")
        return SheetResult(sheet.key, sheet.source, "failed", problems=(problem,))


def run(project: Project, series: Series, sheets: list[Sheet], options: Options) -> Iterator[SheetResult]:
    """Print the sheets, in worker processes when there are several; yield results in input order."""
    jobs = min(options.jobs or os.cpu_count() or 1, len(sheets)) or 1
    if jobs == 1:
        _init_worker(project, series, options)
        for sheet in sheets:
            yield _build_one(sheet)
        return
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(project, series, options)) as pool:
        yield from pool.map(_build_one, sheets)


def build(project: Project, series: Series, options: Options, on_result: Callable[[SheetResult], None]) -> BuildReport:
    """Build the selected sheets of a loaded series and report what happened."""
    started = time.perf_counter()
    report = BuildReport(problems=list(series.problems), failed_sources=list(series.failed_sources))
    catalog_warned: set[str] = set()  # languages whose labels fall back to English somewhere
    for code in series.settings.languages:
        catalog_problems = Language.for_series(series.settings, code)[1]
        report.problems.extend(catalog_problems)
        if any(p.severity == "warning" for p in catalog_problems):
            catalog_warned.add(code)
    sheets = select(series, options)
    if options.strict:
        warned = {p.path for p in report.problems if p.severity == "warning"}
        report.failed_sources.extend(s.source for s in sheets if s.source in warned or s.lang in catalog_warned)
        sheets = [s for s in sheets if s.source not in warned and s.lang not in catalog_warned]
    if options.check:
        for sheet in sheets:
            result = SheetResult(sheet.key, sheet.source, "checked")
            report.results.append(result)
            on_result(result)
    else:
        for result in run(project, series, sheets, options):
            report.results.append(result)
            on_result(result)
    report.seconds = time.perf_counter() - started
    return report


# --- Failed sheets: what an earlier build left in the output folder ----------------------------


def previous_pdf(project: Project, series: Series, source: Path) -> Path | None:
    """Return the PDF an earlier build made from `source`, if it is still in the output folder."""
    match = PRACTICE_FILE.match(source.name)
    if not match or match["lang"] not in series.settings.languages:
        return None
    target = project.output / match["lang"] / _pdf_file_name(series, int(match["number"]), match["slug"], match["lang"])
    return target if target.is_file() else None


def failed_sources(report: BuildReport) -> list[Path]:
    """Return every source that failed, in file order: at loading, checking or printing."""
    return sorted({*report.failed_sources, *(r.source for r in report.results if r.status == "failed")})
