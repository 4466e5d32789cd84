"""A build as the command runs it: the no-op check, the sources, the sheets, the newsletter outputs and the summary;
and the rebuilds of --watch (and of the preview), one after each saved change."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import freshness
from .files import shown_path
from .names import RECORD
from .pipeline import BuildEvents, BuildReport, Options, build, failed_sources, preparer, previous_pdf, select
from .printing.engine import EngineVersionError, check_version
from .project import Project
from .record import Record
from .workers import Workers, warm_up

if TYPE_CHECKING:
    from .outputs.newsletter import OutputsReport
    from .render.languages import Languages
    from .sources import Series

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_SIGNAL = 128  # plus the number of the signal that stopped the command: 130 for Ctrl-C


@dataclass
class Outcome:
    """What one build did: its exit status, and what it loaded, printed and derived, for whoever shows it."""

    status: int
    series: Series | None = None  # None when nothing was loaded: nothing to do, or the series cannot be used
    report: BuildReport | None = None
    outputs: OutputsReport | None = None
    stopped: list[str] = field(default_factory=list)  # why nothing could be built (series.yaml, a busy folder)


class Reporter(BuildEvents):
    """What a build tells its user: the events of the sheets, and lines of text for everything else."""

    def line(self, text: str) -> None:
        """Tell one line."""

    def begin(self, changed: list[Path]) -> None:
        """A build starts, after these files were saved (none: the first build)."""

    def loaded(self, series: Series, record: Record | None) -> None:
        """The series is loaded and checked; its sheets are about to be printed. `record` is the build record
        of the output folder as this build found it (None for --check, which does not read it)."""

    def end(self, outcome: Outcome) -> None:
        """A build ended; this is what it did."""


def build_once(
    project: Project,
    options: Options,
    reporter: Reporter,
    *,
    workers: Workers | None = None,
    changed: list[Path] | None = None,
    shortcut: bool = True,
    long_running: bool = False,
) -> Outcome:
    """Load, check and build the series once (with these worker processes, if given); return what it did.

    `changed` are the files whose saving started this build: the sheets they hold are printed and told first.
    With `shortcut`, a build that would change nothing says so without loading anything; without it, the series is
    loaded and reported even then (the preview).
    A `long_running` command (--watch, the preview) waits for another build that holds the output folder, and
    builds nothing once the code on disk is not the code it runs.
    """
    reporter.begin(changed or [])
    outcome = _build(
        project, options, reporter, workers=workers, shortcut=shortcut, long_running=long_running, saved=changed or []
    )
    reporter.end(outcome)
    return outcome


def _build(
    project: Project,
    options: Options,
    reporter: Reporter,
    *,
    workers: Workers | None,
    shortcut: bool,
    long_running: bool,
    saved: list[Path],
) -> Outcome:
    started = time.perf_counter()
    try:
        check_version()  # before anything is built with a layout engine the code does not know
    except EngineVersionError as error:
        reporter.line(str(error))
        return Outcome(EXIT_USAGE, stopped=[str(error)])
    if long_running and freshness.code_changed():
        restart = (
            "the code of Knowledge Bites has changed since this command started: stop it (Ctrl-C) and start it "
            "again to build with the new code; nothing is built until then"
        )
        reporter.line(restart)
        return Outcome(EXIT_USAGE, stopped=[restart])
    stamp = freshness.stamp(project)  # before anything is read: a file saved from now on is new to the next build
    if options.check:  # --check writes nothing, so it needs no hold on the output folder
        return _load_and_build(
            project, options, reporter, workers=workers, record=None, stamp=stamp, started=started, saved=saved
        )

    from .lock import BUSY, OutputBusyError, OutputUnusableError, output_lock

    def waiting() -> None:
        reporter.line(f"{shown_path(project.output)}: another build is writing to this folder; waiting for it to end")

    try:
        with output_lock(project.output, waiting=waiting if long_running else None):
            record = Record.load(project.output)
            no_op = shortcut and not (options.selective or options.force or options.html)
            if no_op and freshness.nothing_to_do(record, project.output, stamp, options.recorded()):
                for warning in [*record.warnings, *record.notes]:
                    reporter.line(warning)
                count = len(record.sheets)
                reporter.line(f"nothing to do: {count} sheets up to date ({time.perf_counter() - started:.2f} s)")
                return Outcome(EXIT_OK)
            return _load_and_build(
                project, options, reporter, workers=workers, record=record, stamp=stamp, started=started, saved=saved
            )
    except OutputBusyError:
        busy = f"{shown_path(project.output)}: {BUSY}"
        reporter.line(busy)
        return Outcome(EXIT_USAGE, stopped=[busy])
    except OutputUnusableError as error:
        unusable = f"{shown_path(project.output)}: {error}"
        reporter.line(unusable)
        return Outcome(EXIT_USAGE, stopped=[unusable])


def _load_and_build(
    project: Project,
    options: Options,
    reporter: Reporter,
    *,
    workers: Workers | None,
    record: Record | None,
    stamp: str,
    started: float,
    saved: list[Path],
) -> Outcome:
    """Load and check the sources, print the stale sheets (those of the `saved` files first) and derive the
    newsletter outputs (the output folder held unless this is --check)."""
    if not options.check:
        warm_up()  # the layout engine loads in the background while the sources are checked
    stopped: list[str] = []
    loaded = load_checked(project, options.languages, _Noting(reporter, stopped), asked_by="--lang")
    if loaded is None:
        return Outcome(EXIT_USAGE, stopped=stopped)
    series, languages = loaded
    for problem in sorted(series.problems):
        reporter.line(str(problem.shown_from(Path.cwd())))
    for line in series.translations.progress_lines(options.languages):  # one line per language in progress
        reporter.line(line)
    reporter.loaded(series, record)
    if not options.check:
        from .outputs.newsletter import derive, describe  # loaded now, while the layout engine is still loading
    report = build(
        project,
        series,
        languages,
        options=options,
        record=record,
        stamp=stamp,
        events=reporter,
        workers=workers,
        saved=saved,
    )
    outputs = None
    if not options.check:
        # Pictures, manifest, bundles and catalogue, derived from the PDFs in the output folder, which the lock
        # keeps from another build meanwhile.
        outputs = derive(project, languages, report)
    for problem in report.problems:  # problems the build found itself, such as labels missing from a catalog
        if problem not in series.problems:
            reporter.line(str(problem.shown_from(Path.cwd())))
    for pdf in report.removed:
        reporter.line(f"removed {shown_path(pdf)} (its source was deleted)")
    if outputs is not None:
        for line in describe(outputs, project.output):
            reporter.line(line)
    for source in failed_sources(report):
        if options.check:  # nothing was written: the output folder is as the last build left it
            reporter.line(f"failed  {shown_path(source)}")
        elif (previous := previous_pdf(project.output, report, source)) is not None:
            kept = "previous PDF left in place is now stale; the bundles and the manifest keep it until it builds again"
            reporter.line(f"failed  {shown_path(source)}  ({shown_path(previous)}: {kept})")
        else:
            none = "no PDF yet: the bundles leave it out, and the manifest lists it as failed"
            reporter.line(f"failed  {shown_path(source)}  ({none})")
    if report.unsaved is not None:
        reporter.line(
            f"ERROR   {shown_path(project.output / RECORD)}: cannot be written ({report.unsaved}); "
            "the next build checks every PDF again"
        )
    report.seconds = time.perf_counter() - started
    reporter.line(summary(report))
    status = EXIT_OK if report.ok and not (outputs and outputs.problems) else EXIT_FAILED
    return Outcome(status, report.series, report, outputs)


class _Noting(Reporter):
    """Tell the lines of a reporter, and keep them too."""

    def __init__(self, reporter: Reporter, kept: list[str]) -> None:
        self.reporter, self.kept = reporter, kept

    def line(self, text: str) -> None:
        self.kept.append(text)
        self.reporter.line(text)


def load_checked(
    project: Project, languages: tuple[str, ...] | list[str], reporter: Reporter, *, asked_by: str
) -> tuple[Series, Languages] | None:
    """Load and check the series and compile its languages; check the languages asked for.

    Tell why and return None when the series cannot be used."""
    from .problems import SeriesConfigError
    from .render.languages import Languages
    from .sources import load_series  # loading and checking the sources is only needed past the no-op check

    try:
        series = load_series(project.content)
    except SeriesConfigError as error:
        for problem in error.problems:
            reporter.line(str(problem.shown_from(Path.cwd())))
        return None
    unknown = [code for code in languages if code not in series.settings.languages]
    if unknown:
        known = ", ".join(series.settings.languages)
        reporter.line(f"{asked_by}: unknown language {', '.join(unknown)} (the series has {known})")
        return None
    return series, Languages.compile(series.settings, project.locales)


def summary(report: BuildReport) -> str:
    """Return the closing line of a build."""
    warnings = sum(1 for p in report.problems if p.severity == "warning") + sum(
        1 for r in report.results for p in r.problems if p.severity == "warning"
    )
    if report.count("checked"):
        parts = [f"checked {report.count('checked') + report.failed}"]  # every file read, those that failed too
    else:
        parts = [f"built {report.count('built')}", f"up to date {report.count('up to date')}"]
    parts += [f"failed {report.failed}", f"warnings {warnings}"]
    return f"{', '.join(parts)} in {report.seconds:.1f} s"


# --- --watch ------------------------------------------------------------------------------------


def watch(project: Project, options: Options, reporter: Reporter, *, stamp: str, workers: Workers) -> int:
    """Rebuild after every saved change to the content, templates, styles or catalogs, until Ctrl-C (or another
    stop signal) raises KeyboardInterrupt.

    `stamp` fingerprints the inputs as they were when the first build started: a file saved while that
    build ran is caught as soon as the watcher is ready.
    """
    from watchfiles import watch as changes

    roots = watched_roots(project)
    ready = False
    for batch in changes(  # a stop signal ends the watch as it ends a build: with KeyboardInterrupt
        *roots, watch_filter=relevant, raise_interrupt=True, rust_timeout=300, yield_on_timeout=True
    ):
        if not ready:  # the first (empty) batch means the watcher is in place
            ready = True
            if freshness.stamp(project) != stamp:
                reporter.line("changed while building: building again")
                build_once(project, options, reporter, workers=workers, long_running=True)
            _get_workers_ready(project, options, workers)  # changes saved meanwhile come in the next batch
            shown = ", ".join(str(shown_path(Path(r))) for r in roots)
            reporter.line(f"watching {shown} (Ctrl-C to stop)")
            continue
        if not batch:
            continue
        paths = sorted({Path(path) for _, path in batch})
        reporter.line(f"changed: {', '.join(sorted(str(shown_path(path)) for path in paths))}")
        build_once(project, options, reporter, workers=workers, changed=paths, long_running=True)
    return EXIT_OK


def watched_roots(project: Project) -> list[str]:
    """Return the folders whose saved files start a rebuild: content, templates, styles, catalogs and the code."""
    return [str(p) for p in project.input_roots() if p.exists()]


def _get_workers_ready(project: Project, options: Options, workers: Workers) -> None:
    """Have the worker processes rehearse one sheet before watching starts, so that the first rebuild is fast."""
    from .render.languages import Languages
    from .sources import load_series

    if options.check or freshness.code_changed():
        return
    try:
        series = load_series(project.content)
        languages = Languages.compile(series.settings, project.locales)
    except Exception:  # the next build reports whatever is wrong with the sources
        return
    if sheets := select(series, options):
        workers.rehearse(preparer(project, series, languages, options=options)(sheets[0]))


def relevant(change: object, path: str) -> bool:
    """Tell whether a saved file can change a sheet: not an editor's hidden or temporary file, nor a cache."""
    name = Path(path).name
    return not (name.startswith(".") or name.endswith((".tmp", ".pyc", "~")) or "__pycache__" in path)
