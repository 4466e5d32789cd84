"""The build of the sheets: which are stale, rendered here and printed in worker processes, results in order."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .printing.job import Fit, PrintJob, SheetResult, Status
from .problems import Problem
from .project import PRACTICE_FILE, Project, pdf_file_name
from .record import Record, SheetRecord, digest_files
from .workers import Limits, Workers, run

if TYPE_CHECKING:
    from .render.languages import Languages
    from .sources import Series, Sheet
    from .sources.translations import Translations

__all__ = ["BuildEvents", "BuildReport", "Options", "SheetResult", "build", "failed_sources", "select"]


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

    @property
    def limits(self) -> Limits:
        """Return what the worker processes need to know: how many, and what one sheet may cost."""
        return Limits(self.jobs, self.time_limit, self.memory_limit, self.recycle)

    def recorded(self) -> dict[str, object]:
        """Return the options that change what a build produces, as kept in the build record."""
        return {"strict": self.strict, "html": self.html}


class BuildEvents:
    """What a build tells as it goes; the command line shows it, the default tells no one."""

    def start(self, to_build: int, up_to_date: int) -> None:
        """The build knows how many sheets it will print and how many are up to date."""

    def printing(self, keys: list[str]) -> None:
        """These sheets are about to be printed, in series order (called right after start)."""

    def result(self, result: SheetResult) -> None:
        """A sheet's result, in series order."""

    def finished(self, result: SheetResult) -> None:
        """A sheet was printed: its result, as soon as it is known (it is told again by result() in its turn)."""

    def stop(self) -> None:
        """No more sheets come in this build: all are done, or it was interrupted."""


@dataclass
class BuildReport:
    """Everything one build did, for the summary and the exit status."""

    results: list[SheetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # problems not tied to one printed sheet
    failed_sources: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # PDFs of practices whose source was deleted
    # Sources that failed before layout, with the record of their last good build: its PDF stays in place.
    last_good: dict[Path, SheetRecord] = field(default_factory=dict)
    seconds: float = 0.0
    translations: Translations | None = None  # where each translation stands (plain data: see its as_data())

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return len(self.failed_sources) + self.count("failed")

    @property
    def ok(self) -> bool:
        return self.failed == 0


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

    Inputs: its source, the series settings, templates, styles, fonts, the images it shows (exactly those the
    conversion of its text found), its language's catalog, the code and the layout engine, and the titles it
    lists as other practices.
    """
    from .render.languages import catalog_path

    shared = project.shared_inputs() + digest_files([project.content / "series.yaml"], project.content)
    catalogs = {lang: digest_files([catalog_path(project.locales, lang)]) for lang in series.settings.languages}
    result = {}
    for sheet in sheets:
        digest = hashlib.sha256(f"{shared}\n{catalogs[sheet.lang]}\n".encode())
        digest.update(digest_files([sheet.source, *sheet.images], project.content).encode())
        digest.update(json.dumps(series.other_practices(sheet), ensure_ascii=False).encode())
        result[sheet.key] = digest.hexdigest()
    return result


def build(
    project: Project,
    series: Series,
    languages: Languages,
    *,
    options: Options,
    events: BuildEvents | None = None,
    workers: Workers | None = None,
) -> BuildReport:
    """Build the stale sheets among those selected, keep the build record, and report what happened.

    `languages` are the series' languages with their catalogs compiled for this build. `workers` are the worker
    processes to print with, when the caller keeps them between builds (--watch).
    """
    events = events or BuildEvents()
    started = time.perf_counter()
    stamp = project.stamp()
    report = BuildReport(
        problems=[*series.problems, *languages.problems],
        failed_sources=list(series.failed_sources),
        translations=series.translations,
    )
    sheets = select(series, options)
    if options.strict:
        warned = {p.path for p in report.problems if p.severity == "warning"}
        failing = [s for s in sheets if s.source in warned or s.lang in languages.falling_back]
        report.failed_sources.extend(s.source for s in failing)
        sheets = [s for s in sheets if s not in failing]
    if options.check:
        events.start(len(sheets), 0)
        for sheet in sheets:
            result = SheetResult(sheet.key, sheet.source, "checked")
            report.results.append(result)
            events.result(result)
        events.stop()
        report.seconds = time.perf_counter() - started
        return report

    remove_stale_temporaries(project.output)
    record = Record.load(project.output)
    report.last_good = last_good_builds(project, series, record)
    series = keeping_last_good_titles(series, report.last_good.values())  # a mistake changes no other sheet
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
            fit = Fit(known.room) if known.room is not None else None
            fresh.append(
                SheetResult(
                    sheet.key,
                    sheet.source,
                    "up to date",
                    target,
                    known.pages,
                    known.bytes,
                    sha256=known.sha256,
                    fit=fit,
                )
            )
    stale_by_key = {sheet.key: sheet for sheet in stale}
    events.start(len(stale), len(fresh))
    events.printing(list(stale_by_key))
    report.results.extend(fresh)
    results = run(
        stale,
        preparer(project, series, languages, options=options),
        project=project,
        limits=options.limits,
        cost=_cost,
        workers=workers,
        on_finished=events.finished,
    )
    try:
        for result in results:
            report.results.append(result)
            if result.status == "built":
                sheet = stale_by_key[result.key]
                record.sheets[sheet.key] = SheetRecord(
                    source=str(sheet.source.relative_to(project.content)),
                    lang=sheet.lang,
                    number=sheet.meta.number,
                    fingerprint=prints[sheet.key],
                    pdf=str(result.pdf.relative_to(project.output)),
                    pages=result.pages,
                    bytes=result.size,
                    sha256=result.sha256,
                    room=result.fit.words if result.fit else None,
                    title=sheet.meta.title,
                    published=sheet.meta.published.isoformat(),
                )
            events.result(result)
    finally:
        results.close()  # interrupted: the workers stop before the record is written
        events.stop()
        # Interrupted or not, the record describes exactly the PDFs that are on disk.
        if not options.selective:
            report.removed = _forget_deleted_sources(project, record)
        record.clean = not options.selective and report.ok and len(report.results) == len(sheets)
        record.stamp = stamp
        record.options = options.recorded()
        record.warnings = sorted({str(p) for p in report.problems if p.severity == "warning"})
        notes = sorted({str(p) for p in report.problems if p.severity == "note"})
        record.notes = notes + series.translations.progress_lines(options.languages)
        record.outputs_done = False
        record.save(project.output)
        remove_stale_temporaries(project.output)  # left by a worker stopped while it wrote
        report.seconds = time.perf_counter() - started
    return report


def last_good_builds(project: Project, series: Series, record: Record) -> dict[Path, SheetRecord]:
    """Return the record of the last good build of each source that failed before layout, where there is one."""
    by_source = {project.content / known.source: known for known in record.sheets.values()}
    return {source: by_source[source] for source in series.failed_sources if source in by_source}


def keeping_last_good_titles(series: Series, last_good: Iterable[SheetRecord]) -> Series:
    """Return the series with the last good titles of its failed sources, for the other sheets to keep listing."""
    kept: dict[str, dict[int, str]] = {}
    for known in last_good:
        if known.title:
            kept.setdefault(known.lang, {})[known.number] = known.title
    return replace(series, kept_titles=kept) if kept else series


def _cost(sheet: Sheet) -> int:
    """Estimate how long a sheet takes to lay out: longer text, longer layout."""
    return len(sheet.body) + len(sheet.meta.summary) + 200 * len(sheet.meta.key_figures)


def preparer(
    project: Project, series: Series, languages: Languages, *, options: Options
) -> Callable[[Sheet], PrintJob]:
    """Return what renders a sheet into the job a worker prints (and, with --html, writes its preview)."""
    from .files import write_atomically
    from .printing.pictures import pictures_of
    from .render.sheet import Renderer

    renderer = Renderer(project.templates, project.root, series, languages)

    def prepare(sheet: Sheet) -> PrintJob:
        rendered = renderer.render_sheet(sheet, with_preview=options.html)
        name = series.pdf_name(sheet)
        if rendered.preview is not None:
            target = project.output / "html" / sheet.lang / name.replace(".pdf", ".html")
            write_atomically(target, rendered.preview.encode("utf-8"))  # a browser never sees half a preview
        target = project.output / sheet.lang / name
        return PrintJob(
            key=sheet.key,
            source=sheet.source,
            target=target,
            identity=f"{series.settings.short_name[sheet.lang]}:{sheet.key}",
            pdf_profile=series.settings.pdf_profile,
            html=rendered.full,
            short_html=rendered.short,
            sections=sheet.sections,
            locator=sheet.locator(),
            strict=options.strict,
            pictures=pictures_of(project.output, target),
        )

    return prepare


def remove_stale_temporaries(output: Path) -> None:
    """Remove temporary files that an interrupted or killed build may have left in the output folder."""
    if output.is_dir():
        for temporary in output.rglob(".*.tmp"):
            temporary.unlink(missing_ok=True)


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
    match = PRACTICE_FILE.match(source.name)
    if not match or match["lang"] not in series.settings.languages:
        return None
    name = pdf_file_name(series.file_prefix, int(match["number"]), match["slug"], match["lang"])
    target = project.output / match["lang"] / name
    return target if target.is_file() else None


def failed_sources(report: BuildReport) -> list[Path]:
    """Return every source that failed, in file order: at loading, checking or printing."""
    return sorted({*report.failed_sources, *(r.source for r in report.results if r.status == "failed")})
