"""The build of the sheets: which are stale, rendered here and printed in worker processes, results in order."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .files import is_temporary, state_of
from .freshness import code_version, fingerprints, intact, up_to_date
from .limits import DEFAULTS, Limits
from .names import ANNOUNCEMENTS, BUNDLES, FONTS, HTML, PAGES, THUMBNAILS, SourceName
from .printing.job import PrintJob, SheetResult, Status
from .problems import Problem
from .project import Project
from .record import Record, SheetRecord
from .workers import Workers, run

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
    force: bool = False
    limits: Limits = DEFAULTS  # how many worker processes, and what one sheet may cost

    @property
    def selective(self) -> bool:
        """Whether only part of the series was asked for."""
        return bool(self.languages or self.only)

    def recorded(self) -> dict[str, object]:
        """Return the options that change what a build produces, as kept in the build record."""
        return {"strict": self.strict, "html": self.html}


class BuildEvents:
    """What a build tells as it goes; the command line shows it, the default tells no one."""

    def start(self, to_build: int, up_to_date: int) -> None:
        """The build knows how many sheets it will print and how many are up to date."""

    def printing(self, keys: list[str], saved: Collection[str] = ()) -> None:
        """These sheets are about to be printed, in the order their results come (called right after start): the
        sheets of the sources whose saving started the build (`saved`) first, then the others in series order."""

    def result(self, result: SheetResult) -> None:
        """A sheet's result, in series order."""

    def finished(self, result: SheetResult) -> None:
        """A sheet was printed: its result, as soon as it is known (it is told again by result() in its turn)."""

    def stop(self) -> None:
        """No more sheets come in this build: all are done, or it was interrupted."""


@dataclass
class BuildReport:
    """Everything one build did, for the summary, the exit status, the outputs and the preview."""

    series: Series  # the series as built: with the titles its failed sources last had
    record: Record  # the build record as this build left it (and saved it)
    results: list[SheetResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # problems not tied to one printed sheet
    failed_sources: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # PDFs of practices whose source was deleted
    # Sources that failed before layout, with the record of their last good build: its PDF stays in place.
    last_good: dict[Path, SheetRecord] = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the whole build, from the moment it started to read
    unsaved: str | None = None  # why the build record could not be written, if it could not

    @property
    def translations(self) -> Translations:
        """Where each translation stands (plain data: see its as_data())."""
        return self.series.translations

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return len(self.failed_sources) + self.count("failed")

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.unsaved is None


def select(series: Series, options: Options) -> list[Sheet]:
    """Return the sheets the options ask for, in series order."""
    return [
        sheet
        for sheet in series.sheets
        if (not options.languages or sheet.lang in options.languages)
        and (not options.only or sheet.meta.number in options.only)
    ]


def build(
    project: Project,
    series: Series,
    languages: Languages,
    *,
    options: Options,
    record: Record | None = None,
    stamp: str = "",
    events: BuildEvents | None = None,
    workers: Workers | None = None,
    saved: Collection[Path] = (),
) -> BuildReport:
    """Build the stale sheets among those selected, keep the build record, and report what happened.

    `languages` are the series' languages with their catalogs compiled for this build. `record` is the output
    folder's build record as the caller read it, holding the folder; `stamp` is the inputs' stamp taken before the
    sources were read (freshness.stamp). `workers` are the worker processes to print with, when the caller keeps
    them between builds (--watch). The sheets of the `saved` files (the sources whose saving started this build)
    are printed first and told first; the sheets they made stale (a new title in every "Other practices" list)
    follow, in series order.
    """
    events = events or BuildEvents()
    record = record if record is not None else Record.load(project.output)
    report = BuildReport(
        series,
        record,
        problems=[*series.problems, *languages.problems],
        failed_sources=list(series.failed_sources),
    )
    sheets = select(series, options)
    report.problems.extend(_uncovered_characters(project, sheets))
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
        return report

    remove_stale_temporaries(project.output, list(series.settings.languages))
    report.last_good = last_good_builds(project, series, record)
    series = report.series = keeping_last_good_titles(series, report.last_good.values())  # a mistake stays local
    prints = fingerprints(project, series, sheets, languages.catalogs)
    names = series.names(project.output)
    stale, fresh = [], []
    for sheet in sheets:
        known = record.sheets.get(sheet.key)
        if options.force or options.html or not up_to_date(project.output, known, prints[sheet.key]):
            stale.append(sheet)
            continue
        assert known is not None
        known.state = state_of(project.output / known.pdf)  # seen whole: the next no-op check may trust it
        pdf = names.pdf(sheet.name)
        fresh.append(
            SheetResult(
                sheet.key, sheet.source, "up to date", pdf, known.pages, known.bytes, sha256=known.sha256, fit=known.fit
            )
        )
    stale, first = saved_first(stale, saved)
    if stale and not record.found:
        claim(record, project.output)
    stale_by_key = {sheet.key: sheet for sheet in stale}
    events.start(len(stale), len(fresh))
    events.printing(list(stale_by_key), first)
    report.results.extend(fresh)
    results = run(
        stale,
        preparer(project, series, languages, options=options),
        project=project,
        limits=options.limits,
        cost=_cost,
        workers=workers,
        on_finished=events.finished,
        first=set(first),
    )
    try:
        for result in results:
            report.results.append(result)
            if result.status == "built" and result.pdf is not None:
                sheet = stale_by_key[result.key]
                record.sheets[sheet.key] = SheetRecord(
                    source=str(sheet.name.source),
                    lang=sheet.lang,
                    number=sheet.meta.number,
                    # Printed by another version of the code than this command runs: never up to date.
                    fingerprint=prints[sheet.key] if result.code == code_version() else "",
                    pdf=result.pdf.relative_to(project.output).as_posix(),
                    pages=result.pages,
                    bytes=result.size,
                    sha256=result.sha256,
                    room=result.fit.room if result.fit else None,
                    title=sheet.meta.title,
                    published=sheet.meta.published.isoformat(),
                    state=state_of(result.pdf),
                )
            events.result(result)
    finally:
        results.close()  # interrupted: the workers stop before the record is written
        if options.html:  # the HTML written beside the sheets is the build's too
            record.add_files(project.output, {p for s in stale if (p := names.html(s.name)).is_file()})
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
        save_record(record, project.output, report)
        remove_stale_temporaries(project.output, list(series.settings.languages))  # a worker stopped while it wrote
    return report


def save_record(record: Record, output: Path, report: BuildReport) -> None:
    """Save the build record; when it cannot be written, say so in the report (the next build checks every PDF
    against the record it finds, so nothing is taken for up to date that is not)."""
    try:
        record.save(output)
    except OSError as error:
        report.unsaved = f"{error.strerror or error}"


def claim(record: Record, output: Path) -> None:
    """Save the (empty) record of a new output folder before the first file is written into it: a build killed
    before it saves its record then leaves a folder that the next build knows for a build's own, not one that holds
    files no build wrote. Should it fail, the build's own writes and its record at the end say why."""
    with suppress(OSError):
        record.save(output)


def last_good_builds(project: Project, series: Series, record: Record) -> dict[Path, SheetRecord]:
    """Return the record of the last good build of each source that failed before layout, where there is one and
    its PDF is still the one recorded."""
    by_source = {project.content / known.source: known for known in record.sheets.values()}
    return {
        source: by_source[source]
        for source in series.failed_sources
        if source in by_source and intact(project.output, by_source[source])
    }


def keeping_last_good_titles(series: Series, last_good: Iterable[SheetRecord]) -> Series:
    """Return the series with the last good titles of its failed sources, for the other sheets to keep listing."""
    kept: dict[str, dict[int, str]] = {}
    for known in last_good:
        if known.title:
            kept.setdefault(known.lang, {})[known.number] = known.title
    return replace(series, kept_titles=kept) if kept else series


def _uncovered_characters(project: Project, sheets: list[Sheet]) -> list[Problem]:
    """Return a warning for each character of a sheet's text that no font of the project covers."""
    from .render.fonts import covered_characters, uncovered

    covered = covered_characters(project.styles / "fonts")
    return [problem for sheet in sheets for problem in uncovered(sheet, covered)]


def saved_first(sheets: list[Sheet], saved: Collection[Path]) -> tuple[list[Sheet], list[str]]:
    """Return the sheets with those of the saved sources first, each part in series order; and the keys of those."""
    paths = {path.resolve() for path in saved}
    first = [sheet for sheet in sheets if sheet.source.resolve() in paths] if paths else []
    keys = [sheet.key for sheet in first]
    return first + [sheet for sheet in sheets if sheet.key not in set(keys)], keys


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

    names = series.names(project.output)

    def prepare(sheet: Sheet) -> PrintJob:
        rendered = renderer.render_sheet(sheet, with_preview=options.html)
        if rendered.preview is not None:  # a browser never sees half a preview
            write_atomically(names.html(sheet.name), rendered.preview.encode("utf-8"))
        target = names.pdf(sheet.name)
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


def remove_stale_temporaries(output: Path, languages: list[str]) -> None:
    """Remove the temporary files that a build stopped while it wrote left in the folders the build writes to
    (never elsewhere, and never a file of another name)."""
    folders = [output, *(output / lang for lang in languages), *(output / HTML / lang for lang in languages)]
    folders += [output / name for name in (PAGES, THUMBNAILS, BUNDLES, FONTS, ANNOUNCEMENTS)]
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            for path in folder.iterdir():
                if is_temporary(path):
                    path.unlink(missing_ok=True)


def _forget_deleted_sources(project: Project, record: Record) -> list[Path]:
    """Remove the PDFs of practices whose source file no longer exists, and their record."""
    removed = []
    for key, known in list(record.sheets.items()):
        if not (project.content / known.source).exists():
            pdf = project.output / known.pdf  # a path the record was checked to name inside the output folder
            if intact(project.output, known):  # the PDF the build wrote, not a file put there since
                pdf.unlink(missing_ok=True)
                removed.append(pdf)
            del record.sheets[key]
    return removed


# --- Failed sheets: what an earlier build left in the output folder ----------------------------


def previous_pdf(output: Path, report: BuildReport, source: Path) -> Path | None:
    """Return the PDF an earlier build made from `source`, if it is still in the output folder as it was built."""
    name = SourceName.parse(source.name)
    known = report.record.sheets.get(name.key) if name else None
    return output / known.pdf if known is not None and intact(output, known) else None


def failed_sources(report: BuildReport) -> list[Path]:
    """Return every source that failed, in file order: at loading, checking or printing."""
    return sorted({*report.failed_sources, *(r.source for r in report.results if r.status == "failed")})
