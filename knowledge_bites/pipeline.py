"""Build plan and run: which sheets are stale, printed in worker processes, results in a stable order."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import resource
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .files import write_atomically
from .jobs import PrintJob
from .problems import Problem
from .record import Record, SheetRecord, shared_inputs, tree_stamp

if TYPE_CHECKING:
    from .content import Series, Sheet
    from .i18n import Language

Status = Literal["built", "up to date", "failed", "checked"]
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

    def stamp(self) -> str:
        """Fingerprint the names, sizes and times of every input file (see record.tree_stamp)."""
        return tree_stamp(self.content, self.root)


@dataclass(frozen=True)
class Options:
    """What the user asked the build to do."""

    languages: tuple[str, ...] = ()
    only: tuple[int, ...] = ()
    check: bool = False
    html: bool = False
    strict: bool = False
    jobs: int = 0  # 0: one worker per core
    force: bool = False
    time_limit: float = 120.0  # seconds of layout per sheet
    memory_limit: int = 2048  # MB of address space per worker process
    recycle: int = 40  # sheets a worker prints before it is replaced, to keep memory bounded

    @property
    def selective(self) -> bool:
        """Whether only part of the series was asked for."""
        return bool(self.languages or self.only)

    def recorded(self) -> dict[str, object]:
        """Return the options that change what a build produces, as kept in the build record."""
        return {"strict": self.strict, "html": self.html}


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
    peak_memory_mb: float = 0.0  # peak resident memory of the process that printed it
    sha256: str = ""


@dataclass
class BuildReport:
    """Everything one build did, for the summary and the exit status."""

    results: list[SheetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # problems not tied to one printed sheet
    failed_sources: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # PDFs of practices whose source was deleted
    seconds: float = 0.0
    nothing_to_do: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return len(self.failed_sources) + self.count("failed")

    @property
    def ok(self) -> bool:
        return self.failed == 0


def pdf_name(series: Series, sheet: Sheet) -> str:
    """Return the file name of a sheet's PDF, e.g. `knowledge-bites-10-afghanistan-smes-es.pdf`."""
    return _pdf_file_name(series, sheet.meta.number, sheet.slug, sheet.lang)


def _pdf_file_name(series: Series, number: int, slug: str, lang: str) -> str:
    short_name = series.settings.short_name[series.settings.reference_language]
    prefix = re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")
    return f"{prefix}-{number:02d}-{slug}-{lang}.pdf"


def select(series: Series, options: Options) -> list[Sheet]:
    """Return the sheets the options ask for, in series order."""
    return [
        sheet
        for sheet in series.sheets
        if (not options.languages or sheet.lang in options.languages)
        and (not options.only or sheet.meta.number in options.only)
    ]


def fingerprints(project: Project, series: Series, sheets: list[Sheet]) -> dict[str, str]:
    """Fingerprint, by content, every input of each sheet: a sheet is rebuilt when its fingerprint changes.

    Inputs: its source, the series settings, templates, styles, fonts, the images it shows, its language's
    catalog, the code and the layout engine, and the titles it lists as other practices.
    """
    from .i18n import catalog_path
    from .record import digest_files

    shared = shared_inputs(project.root) + digest_files([project.content / "series.yaml"], project.content)
    catalogs = {lang: digest_files([catalog_path(lang)]) for lang in series.settings.languages}
    result = {}
    for sheet in sheets:
        digest = hashlib.sha256(f"{shared}\n{catalogs[sheet.lang]}\n".encode())
        digest.update(digest_files([sheet.source, *sheet.asset_paths(project.content)], project.content).encode())
        digest.update(json.dumps(series.other_practices(sheet), ensure_ascii=False).encode())
        result[sheet.key] = digest.hexdigest()
    return result


# --- Worker side -------------------------------------------------------------------------------
# Workers lay out HTML that this process rendered (jobs.PrintJob): they never load the content model.

_project: Project | None = None
_options: Options | None = None


class SheetTimeoutError(Exception):
    """Layout of one sheet took longer than the time limit."""


_time_is_up = False  # set by the alarm; library code that calls back into Python may swallow the exception


def _on_alarm(signum: int, frame: object) -> None:
    global _time_is_up
    _time_is_up = True
    raise SheetTimeoutError


def _check_time() -> None:
    """Raise if the time limit of the sheet passed, even if the alarm's exception was swallowed on the way."""
    if _time_is_up:
        raise SheetTimeoutError


def _print(job: PrintJob, project: Project, options: Options) -> SheetResult:
    """Lay out one sheet, check it keeps to its two pages, and write its PDF unless something is wrong."""
    from .pdf import describe_off_page, describe_overflow, log_line, missing_ids, off_page, overflow_of, printer_for

    started = time.perf_counter()
    printer = printer_for(project.styles, asset_roots(project), job.pdf_profile)  # one per worker process
    problems = list(job.problems)
    base_url = project.root.as_uri() + "/"
    document, logs = printer.layout(job.html, base_url)
    if len(document.pages) < 2:
        document, logs = printer.layout(job.short_html, base_url)
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
    if len(document.pages) > 2:
        problems.append(Problem(job.source, None, None, describe_overflow(overflow_of(document), job.sections)))
    elif dropped := missing_ids(document, [s.id for s in job.sections] + CLOSING_IDS):
        problems.append(Problem(job.source, None, None, f"the layout dropped content ({', '.join(dropped)})"))
    for item in off_page(document):  # nothing may run off the page or out of its column
        line, name = job.locator.find(item.text)
        problems.append(Problem(job.source, line, name, describe_off_page(item)))
    pages = len(document.pages)
    if any(p.severity == "error" or options.strict for p in problems):
        return SheetResult(
            job.key, job.source, "failed", None, pages, 0, tuple(problems), time.perf_counter() - started
        )
    _check_time()
    size, sha256 = printer.save(pdf, job.target)
    seconds = time.perf_counter() - started
    return SheetResult(
        job.key, job.source, "built", job.target, pages, size, tuple(problems), seconds, _peak_memory_mb(), sha256
    )


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _init_worker(project: Project, options: Options, in_pool: bool) -> None:
    global _project, _options
    if in_pool:
        if options.memory_limit:
            size = options.memory_limit * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (size, size))
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _project, _options = project, options


def _build_one(job: PrintJob) -> SheetResult:
    assert _project is not None and _options is not None
    global _time_is_up
    limit = _options.time_limit
    _time_is_up = False
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return _print(job, _project, _options)  # checks the time once more before it writes the PDF
    except SheetTimeoutError:
        message = f"layout took longer than {limit:g} s and was stopped; the sheet was not written"
    except Exception as error:  # an unexpected failure stays with its sheet; the others still build
        limit_mb = _options.memory_limit
        # Native code that cannot allocate often reports a SystemError rather than a MemoryError.
        if isinstance(error, MemoryError | SystemError) and limit_mb and _peak_memory_mb() >= 0.8 * limit_mb:
            message = f"layout needed more than {limit_mb} MB (--memory-limit) and was stopped"
        else:
            message = f"internal error while printing: {type(error).__name__}: {error}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return SheetResult(job.key, job.source, "failed", problems=(Problem(job.source, None, None, message),))


def _rehearse(job: PrintJob) -> None:
    assert _project is not None
    from .pdf import printer_for

    try:
        printer = printer_for(_project.styles, asset_roots(_project), job.pdf_profile)
        printer.draw(printer.layout(job.html, _project.root.as_uri() + "/")[0], job.identity)
    except Exception:  # a rehearsal only: the sheet's own build reports what is wrong with it
        pass


# Workers fork from a server that has already imported WeasyPrint: it is imported once per build, or once for
# a whole --watch session.
PRELOAD = ["knowledge_bites.preload"]


def asset_roots(project: Project) -> list[Path]:
    """Return the folders sheets may read files from: the styles and the content."""
    return [project.styles, project.content]


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up() -> None:
    """Start the server that workers fork from, if it is not running yet, so that it imports WeasyPrint while
    this process checks the sources. It then serves every build of this process."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


class Workers:
    """The worker processes, kept from one build to the next under --watch, so that a rebuild finds them ready.

    Each set of workers prints at most `recycle` sheets per worker and is then replaced, to keep memory bounded.
    (The executor's own max_tasks_per_child can hang on Python 3.11 when a worker retires.)
    """

    def __init__(self, project: Project, options: Options) -> None:
        self.project = project
        self.options = options
        self.size = options.jobs or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        self.left = 0  # sheets the current set of workers may still print

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self) -> tuple[ProcessPoolExecutor, int]:
        """Return the pool and how many more sheets it may take, starting a fresh one when it has done its share."""
        if self.pool is None or self.left <= 0:
            self.close()
            warm_up()
            self.pool = ProcessPoolExecutor(
                self.size,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(self.project, self.options, True),
            )
            self.left = self.size * self.options.recycle if self.options.recycle else 1 << 62
        return self.pool, self.left

    def rehearse(self, job: PrintJob) -> None:
        """Have each worker lay out and draw a sheet without writing it, so that the next build finds them with
        fonts loaded, the stylesheet parsed and hyphenation read. Waits at most the time limit of one sheet."""
        pool, _ = self.get()
        wait([pool.submit(_rehearse, job) for _ in range(self.size)], timeout=self.options.time_limit)

    def close(self) -> None:
        """Stop the workers (waiting for none of the sheets not started yet)."""
        if self.pool is not None:
            # Waiting for the workers to exit also ends the pool's threads, before anything forks this process
            # (the thumbnails' pool does): a fork while they run could copy a lock they hold.
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _cost(sheet: Sheet) -> int:
    """Estimate how long a sheet takes to lay out: longer text, longer layout."""
    return len(sheet.body) + len(sheet.meta.summary) + 200 * len(sheet.meta.key_figures)


def run(
    project: Project,
    sheets: list[Sheet],
    options: Options,
    prepare: Callable[[Sheet], PrintJob],
    workers: Workers | None = None,
    on_finished: Callable[[str], None] = lambda key: None,
) -> Iterator[SheetResult]:
    """Print the sheets in worker processes (in this process with --jobs 1); yield results in input order.

    `prepare` renders a sheet's print job, just before it is handed to a worker. The longest sheets are started
    first, so that no worker is left with a long sheet at the end. Since they do not finish in input order,
    `on_finished(key)` is called as soon as each sheet is printed, before its result's turn comes.
    """
    if options.jobs == 1:
        _init_worker(project, options, in_pool=False)
        for sheet in sheets:
            yield _build_one(prepare(sheet))
        return
    own = workers is None
    workers = workers or Workers(project, options)
    remaining = list(sheets)
    try:
        while remaining:
            pool, left = workers.get()
            batch = remaining[:left]
            workers.left -= len(batch)
            futures: dict[str, Future[SheetResult]] = {
                sheet.key: pool.submit(_build_one, prepare(sheet)) for sheet in sorted(batch, key=_cost, reverse=True)
            }
            keys = {future: key for key, future in futures.items()}
            pending = set(keys)
            for sheet in batch:
                while not futures[sheet.key].done():  # meanwhile, tell of every other sheet that is printed
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        if not future.cancelled() and future.exception() is None:
                            on_finished(keys[future])
                try:
                    result = futures[sheet.key].result()
                except BrokenProcessPool:
                    # A worker died (killed, or crashed in native code): that sheet fails, the rest go on.
                    message = "the process printing this sheet stopped unexpectedly; the sheet was not written"
                    problem = Problem(sheet.source, None, None, message)
                    remaining.remove(sheet)
                    workers.close()
                    yield SheetResult(sheet.key, sheet.source, "failed", problems=(problem,))
                    break
                remaining.remove(sheet)
                yield result
    except BaseException:
        workers.close()  # interrupted: stop the sheets not started yet
        raise
    finally:
        if own:
            workers.close()


def remove_stale_temporaries(output: Path) -> None:
    """Remove temporary files that an interrupted or killed build may have left in the output folder."""
    if output.is_dir():
        for temporary in output.rglob(".*.tmp"):
            temporary.unlink(missing_ok=True)


def build(
    project: Project,
    series: Series,
    options: Options,
    on_result: Callable[[SheetResult], None],
    on_start: Callable[[int, int], None] = lambda to_build, up_to_date: None,
    workers: Workers | None = None,
    on_finished: Callable[[str], None] = lambda key: None,
) -> BuildReport:
    """Build the stale sheets among those selected, keep the build record, and report what happened.

    `workers` are the worker processes to print with, when the caller keeps them between builds (--watch).
    `on_result` gets every result in series order; `on_finished` the key of each sheet as soon as it is printed.
    """
    from .i18n import Language

    started = time.perf_counter()
    stamp = project.stamp()
    report = BuildReport(problems=list(series.problems), failed_sources=list(series.failed_sources))
    languages: dict[str, Language] = {}  # each language's labels, compiled once for the whole build
    catalog_warned: set[str] = set()  # languages whose labels fall back to English somewhere
    for code in series.settings.languages:
        languages[code], catalog_problems = Language.for_series(series.settings, code)
        report.problems.extend(catalog_problems)
        if any(p.severity == "warning" for p in catalog_problems):
            catalog_warned.add(code)
    sheets = select(series, options)
    if options.strict:
        warned = {p.path for p in report.problems if p.severity == "warning"}
        report.failed_sources.extend(s.source for s in sheets if s.source in warned or s.lang in catalog_warned)
        sheets = [s for s in sheets if s.source not in warned and s.lang not in catalog_warned]
    if options.check:
        on_start(len(sheets), 0)
        for sheet in sheets:
            result = SheetResult(sheet.key, sheet.source, "checked")
            report.results.append(result)
            on_result(result)
        report.seconds = time.perf_counter() - started
        return report

    remove_stale_temporaries(project.output)
    record = Record.load(project.output)
    prints = fingerprints(project, series, sheets)
    stale, fresh = [], []
    for sheet in sheets:
        known = record.sheets.get(sheet.key)
        target = project.output / known.pdf if known else None
        if (
            options.force
            or options.html
            or known is None
            or known.fingerprint != prints[sheet.key]
            or not target.is_file()
            or target.stat().st_size != known.bytes
        ):
            stale.append(sheet)
        else:
            fresh.append(
                SheetResult(
                    sheet.key, sheet.source, "up to date", target, known.pages, known.bytes, sha256=known.sha256
                )
            )
    stale_by_key = {sheet.key: sheet for sheet in stale}
    on_start(len(stale), len(fresh))
    report.results.extend(fresh)
    try:
        prepare = preparer(project, series, options, languages)
        for result in run(project, stale, options, prepare, workers, on_finished):
            report.results.append(result)
            if result.status == "built":
                sheet = stale_by_key[result.key]
                record.sheets[sheet.key] = SheetRecord(
                    str(sheet.source.relative_to(project.content)),
                    sheet.lang,
                    sheet.meta.number,
                    prints[sheet.key],
                    str(result.pdf.relative_to(project.output)),
                    result.pages,
                    result.size,
                    result.sha256,
                )
            on_result(result)
    finally:
        # Interrupted or not, the record describes exactly the PDFs that are on disk.
        if not options.selective:
            report.removed = _forget_deleted_sources(project, record)
        record.clean = not options.selective and report.ok and len(report.results) == len(sheets)
        record.stamp = stamp
        record.options = options.recorded()
        record.warnings = sorted({str(p) for p in report.problems if p.severity == "warning"})
        record.outputs_done = False
        record.save(project.output)
        report.seconds = time.perf_counter() - started
    return report


def preparer(
    project: Project, series: Series, options: Options, languages: dict[str, Language] | None = None
) -> Callable[[Sheet], PrintJob]:
    """Return what renders a sheet into the job a worker prints (and, with --html, writes its preview).

    `languages` are the series' languages when the caller has them already (see `build`)."""
    from .i18n import Language
    from .render import Renderer

    if languages is None:
        languages = {code: Language.for_series(series.settings, code)[0] for code in series.settings.languages}
    renderer = Renderer(project.templates, project.root, series, languages)

    def prepare(sheet: Sheet) -> PrintJob:
        variants = [(False, False), (True, False)] + ([(False, True)] if options.html else [])
        full, short, *preview = renderer.render_variants(sheet, *variants)
        name = pdf_name(series, sheet)
        if preview:
            target = project.output / "html" / sheet.lang / name.replace(".pdf", ".html")
            write_atomically(target, preview[0].html.encode("utf-8"))  # a browser never sees half a preview
        return PrintJob(
            sheet.key,
            sheet.source,
            project.output / sheet.lang / name,
            f"{series.settings.short_name[sheet.lang]}:{sheet.key}",
            series.settings.pdf_profile,
            full.html,
            short.html,
            full.sections,
            full.problems,
            sheet.locator(),
        )

    return prepare


def _forget_deleted_sources(project: Project, record: Record) -> list[Path]:
    """Remove the PDFs of practices whose source file no longer exists, and their record."""
    removed = []
    for key, known in list(record.sheets.items()):
        if not (project.content / known.source).exists():
            pdf = project.output / known.pdf
            if pdf.is_relative_to(project.output):
                pdf.unlink(missing_ok=True)
                removed.append(pdf)
            del record.sheets[key]
    return removed


# --- Failed sheets: what an earlier build left in the output folder ----------------------------


def previous_pdf(project: Project, series: Series, source: Path) -> Path | None:
    """Return the PDF an earlier build made from `source`, if it is still in the output folder."""
    from .content import PRACTICE_FILE

    match = PRACTICE_FILE.match(source.name)
    if not match or match["lang"] not in series.settings.languages:
        return None
    target = project.output / match["lang"] / _pdf_file_name(series, int(match["number"]), match["slug"], match["lang"])
    return target if target.is_file() else None


def failed_sources(report: BuildReport) -> list[Path]:
    """Return every source that failed, in file order: at loading, checking or printing."""
    return sorted({*report.failed_sources, *(r.source for r in report.results if r.status == "failed")})
