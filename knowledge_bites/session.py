"""A build as the command runs it: the no-op check, the sources, the sheets, the newsletter outputs and the summary;
and the rebuilds of --watch, one after each saved change."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from .files import shown_path
from .pipeline import BuildEvents, BuildReport, Options, build, failed_sources, preparer, previous_pdf, select
from .project import Project
from .record import Record
from .workers import Workers, warm_up

if TYPE_CHECKING:
    from .render.languages import Languages
    from .sources import Series

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_SIGNAL = 128  # plus the number of the signal that stopped the command: EXIT_INTERRUPTED for Ctrl-C


class Reporter(BuildEvents):
    """What a build tells its user: the events of the sheets, and lines of text for everything else."""

    def line(self, text: str) -> None:
        """Tell one line."""


def nothing_to_do(project: Project, options: Options) -> Record | None:
    """Return the build record when the last full build is still up to date, without loading anything."""
    if options.selective or options.force or options.check or options.html:
        return None
    record = Record.load(project.output)
    same_inputs = record.clean and record.options == options.recorded() and record.stamp == project.stamp()
    return record if same_inputs and record.outputs_done and record.outputs_exist(project.output) else None


def build_once(project: Project, options: Options, reporter: Reporter, *, workers: Workers | None = None) -> int:
    """Load, check and build the series once (with these worker processes, if given); return the exit status."""
    started = time.perf_counter()
    if (record := nothing_to_do(project, options)) is not None:
        for warning in [*record.warnings, *record.notes]:
            reporter.line(warning)
        count = len(record.sheets)
        reporter.line(f"nothing to do: {count} sheets up to date ({time.perf_counter() - started:.2f} s)")
        return EXIT_OK

    from .lock import OutputBusyError, output_lock

    if not options.check and options.jobs != 1:
        warm_up()  # the layout engine loads in the background while the sources are checked
    loaded = load_checked(project, options.languages, reporter, asked_by="--lang")
    if loaded is None:
        return EXIT_USAGE
    series, languages = loaded
    for problem in sorted(series.problems):
        reporter.line(str(problem.shown_from(Path.cwd())))
    for line in series.translations.progress_lines(options.languages):  # one line per language in progress
        reporter.line(line)
    if not options.check:
        from .outputs.newsletter import derive, describe  # loaded now, while the layout engine is still loading
    try:
        with ExitStack() as held:
            if not options.check:  # --check writes nothing, so it needs no lock
                held.enter_context(output_lock(project.output))
            report = build(project, series, languages, options=options, events=reporter, workers=workers)
    except OutputBusyError:
        reporter.line(f"{shown_path(project.output)}: another build is writing to this folder; run again when it ends")
        return EXIT_USAGE
    for problem in report.problems:  # problems the build found itself, such as labels missing from a catalog
        if problem not in series.problems:
            reporter.line(str(problem.shown_from(Path.cwd())))
    for pdf in report.removed:
        reporter.line(f"removed {shown_path(pdf)} (its source was deleted)")
    outputs_ok = True
    if not options.check:
        # Thumbnails, manifest, bundles and catalogue, derived from the PDFs in the output folder.
        outputs = derive(project, series, languages, report)
        for line in describe(outputs, project.output):
            reporter.line(line)
        outputs_ok = not outputs.problems
        if outputs_ok:
            Record.outputs_written(project.output)
    for source in failed_sources(report):
        if options.check:  # nothing was written: the output folder is as the last build left it
            reporter.line(f"failed  {shown_path(source)}")
        elif (previous := previous_pdf(project, series, source)) is not None:
            kept = "previous PDF left in place is now stale; the bundles and the manifest keep it until it builds again"
            reporter.line(f"failed  {shown_path(source)}  ({shown_path(previous)}: {kept})")
        else:
            none = "no PDF yet: the bundles leave it out, and the manifest lists it as failed"
            reporter.line(f"failed  {shown_path(source)}  ({none})")
    reporter.line(summary(report))
    return EXIT_OK if report.ok and outputs_ok else EXIT_FAILED


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
        parts = [f"checked {report.count('checked')}"]
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

    roots = [str(p) for p in project.input_roots() if p.exists()]
    ready = False
    for batch in changes(  # a stop signal ends the watch as it ends a build: with KeyboardInterrupt
        *roots, watch_filter=_relevant, raise_interrupt=True, rust_timeout=300, yield_on_timeout=True
    ):
        if not ready:  # the first (empty) batch means the watcher is in place
            ready = True
            if project.stamp() != stamp:
                reporter.line("changed while building: building again")
                build_once(project, options, reporter, workers=workers)
            _get_workers_ready(project, options, workers)  # changes saved meanwhile come in the next batch
            shown = ", ".join(str(shown_path(Path(r))) for r in roots)
            reporter.line(f"watching {shown} (Ctrl-C to stop)")
            continue
        if not batch:
            continue
        names = sorted({str(shown_path(Path(path))) for _, path in batch})
        reporter.line(f"changed: {', '.join(names)}")
        build_once(project, options, reporter, workers=workers)
    return EXIT_OK


def _get_workers_ready(project: Project, options: Options, workers: Workers) -> None:
    """Have the worker processes rehearse one sheet before watching starts, so that the first rebuild is fast."""
    from .render.languages import Languages
    from .sources import load_series

    if options.check or options.jobs == 1:
        return
    try:
        series = load_series(project.content)
        languages = Languages.compile(series.settings, project.locales)
    except Exception:  # the next build reports whatever is wrong with the sources
        return
    if sheets := select(series, options):
        workers.rehearse(preparer(project, series, languages, options=options)(sheets[0]))


def _relevant(change: object, path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(".") or name.endswith((".tmp", ".pyc", "~")) or "__pycache__" in path)
