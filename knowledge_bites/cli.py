"""Command line: `python build.py [options]` builds the series; exit 0 ok, 1 a sheet failed, 2 usage or settings."""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .pipeline import BuildReport, Options, Project, SheetResult
from .record import Record

if TYPE_CHECKING:
    from .content import Series
    from .pipeline import Workers

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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
    p.add_argument("--force", action="store_true", help="rebuild every sheet, even those that are up to date")
    p.add_argument("--watch", action="store_true", help="after building, rebuild what each saved change affects")
    p.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: all cores)")
    p.add_argument(
        "--time-limit",
        type=float,
        default=120.0,
        metavar="S",
        help="stop the layout of a sheet after this many seconds (default: 120)",
    )
    p.add_argument(
        "--memory-limit", type=int, default=2048, metavar="MB", help="memory a worker process may use (default: 2048)"
    )
    p.add_argument("--content", type=Path, metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: output/)")
    return p


def shown_path(path: Path) -> Path:
    """Return a path as the user reads it: relative to the working folder when inside it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


class Progress:
    """Result lines in series order, with a progress bar on a terminal and plain lines elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = None
        self.interactive = out.isatty() and sys.stderr.isatty()
        self.counted: set[str] = set()  # sheets the bar has counted

    def start(self, to_build: int, up_to_date: int) -> None:
        if up_to_date:
            self.line(f"{up_to_date} sheet{'s' if up_to_date != 1 else ''} up to date")
        if self.interactive and to_build > 1:
            from tqdm import tqdm

            self.bar = tqdm(total=to_build, unit="sheet", file=sys.stderr, leave=False, dynamic_ncols=True)

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=self.out)
        else:
            print(text, file=self.out, flush=True)

    def result(self, result: SheetResult) -> None:
        if result.status == "up to date":
            return
        shown = shown_path(result.pdf or result.source)
        if result.status == "built":
            self.line(f"built   {shown}  ({result.pages} pages, {result.size / 1024:.0f} KB, {result.seconds:.1f} s)")
        elif result.status == "checked":
            self.line(f"ok      {shown}")
        else:
            self.line(f"FAILED  {shown}")
        for problem in result.problems:
            self.line(f"  {problem.shown_from(Path.cwd())}")
        if result.status != "checked":
            self.finished(result.key)

    def finished(self, key: str) -> None:
        """Count a sheet on the bar as soon as it is printed, though its line waits for its turn in the log."""
        if self.bar is not None and key not in self.counted:
            self.counted.add(key)
            self.bar.update()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def main(argv: list[str] | None = None, *, root: Path | None = None, out: TextIO | None = None) -> int:
    """Run the build command; return the exit status."""
    out = out or sys.stdout
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["announce"]:  # `python build.py announce [N] [--lang CODE]`: the newsletter text of a practice
        from .newsletter import announce

        return announce(argv[1:], root=root or Path.cwd(), out=out)
    args = parser().parse_args(argv)  # exits with status 2 on a usage error
    project = Project.at(root or Path.cwd(), args.content, args.output)
    options = Options(
        tuple(args.lang),
        tuple(args.only),
        args.check,
        args.html,
        args.strict,
        args.jobs,
        args.force,
        args.time_limit,
        args.memory_limit,
    )
    try:
        if not args.watch:
            return build_once(project, options, out)
        from .pipeline import Workers

        before = project.stamp()
        with Workers(project, options) as workers:  # kept ready between the builds of the session
            status = build_once(project, options, out, workers)
            return status if status == EXIT_USAGE else watch(project, options, out, before, workers)
    except KeyboardInterrupt:
        print("interrupted: the PDFs already written are complete and recorded; no partial file is left", file=out)
        return EXIT_INTERRUPTED


def nothing_to_do(project: Project, options: Options) -> Record | None:
    """Return the build record when the last full build is still up to date, without loading anything."""
    if options.selective or options.force or options.check or options.html:
        return None
    record = Record.load(project.output)
    same_inputs = record.clean and record.options == options.recorded() and record.stamp == project.stamp()
    return record if same_inputs and record.outputs_done and record.outputs_exist(project.output) else None


def build_once(project: Project, options: Options, out: TextIO, workers: Workers | None = None) -> int:
    """Load, check and build the series once (with these worker processes, if given); return the exit status."""
    started = time.perf_counter()
    if (record := nothing_to_do(project, options)) is not None:
        for warning in record.warnings:
            print(warning, file=out)
        count = len(record.sheets)
        print(f"nothing to do: {count} sheets up to date ({time.perf_counter() - started:.2f} s)", file=out, flush=True)
        return EXIT_OK

    from .lock import OutputBusyError, output_lock
    from .pipeline import build, failed_sources, previous_pdf, warm_up

    if not options.check and options.jobs != 1:
        warm_up()  # the layout engine loads in the background while the sources are checked
    series = load_checked(project, options.languages, out, "--lang")
    if series is None:
        return EXIT_USAGE

    for problem in sorted(series.problems):
        print(problem.shown_from(Path.cwd()), file=out)
    if not options.check:
        from .newsletter import write_outputs  # loaded now, while the layout engine is still loading
    progress = Progress(out)
    try:
        with ExitStack() as held:
            if not options.check:  # --check writes nothing, so it needs no lock
                held.enter_context(output_lock(project.output))
            report = build(project, series, options, progress.result, progress.start, workers, progress.finished)
    except OutputBusyError:
        busy = f"{shown_path(project.output)}: another build is writing to this folder; run again when it ends"
        print(busy, file=out)
        return EXIT_USAGE
    finally:
        progress.close()
    for problem in report.problems:  # problems the build found itself, such as missing translations
        if problem not in series.problems:
            print(problem.shown_from(Path.cwd()), file=out)
    for pdf in report.removed:
        print(f"removed {shown_path(pdf)} (its source was deleted)", file=out)
    outputs_ok = True
    if not options.check:
        # Thumbnails, manifest, bundles and catalogue, derived from the PDFs in the output folder.
        outputs_ok = write_outputs(project, series, report, out)
        if outputs_ok:
            Record.outputs_written(project.output)
    for source in failed_sources(report):
        line = f"failed  {shown_path(source)}"
        if (previous := previous_pdf(project, series, source)) is not None:
            line += f"  ({shown_path(previous)}: previous PDF left in place is now stale)"
        print(line, file=out)
    print(summary(report), file=out, flush=True)
    return EXIT_OK if report.ok and outputs_ok else EXIT_FAILED


def load_checked(project: Project, languages: tuple[str, ...] | list[str], out: TextIO, asked_by: str) -> Series | None:
    """Load and check the series, and the languages asked for; print why and return None if it cannot be used."""
    from .content import load_series  # loading and checking the sources is only needed past the no-op check
    from .problems import SeriesConfigError

    try:
        series = load_series(project.content)
    except SeriesConfigError as error:
        for problem in error.problems:
            print(problem.shown_from(Path.cwd()), file=out)
        return None
    unknown = [code for code in languages if code not in series.settings.languages]
    if unknown:
        known = ", ".join(series.settings.languages)
        print(f"{asked_by}: unknown language {', '.join(unknown)} (the series has {known})", file=out)
        return None
    return series


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


def watch(project: Project, options: Options, out: TextIO, stamp: str, workers: Workers) -> int:
    """Rebuild after every saved change to the content, templates, styles or catalogs, until Ctrl-C.

    `stamp` fingerprints the inputs as they were when the first build started: a file saved while that
    build ran is caught as soon as the watcher is ready.
    """
    from watchfiles import watch as changes

    from .record import input_roots

    roots = [str(p) for p in input_roots(project.content, project.root) if p.exists()]
    ready = False
    for batch in changes(
        *roots, watch_filter=_relevant, raise_interrupt=False, rust_timeout=300, yield_on_timeout=True
    ):
        if not ready:  # the first (empty) batch means the watcher is in place
            ready = True
            if project.stamp() != stamp:
                print("changed while building: building again", file=out, flush=True)
                build_once(project, options, out, workers)
            _get_workers_ready(project, options, workers)  # changes saved meanwhile come in the next batch
            shown = ", ".join(str(shown_path(Path(r))) for r in roots)
            print(f"watching {shown} (Ctrl-C to stop)", file=out, flush=True)
            continue
        if not batch:
            continue
        names = sorted({str(shown_path(Path(path))) for _, path in batch})
        print(f"changed: {', '.join(names)}", file=out, flush=True)
        build_once(project, options, out, workers)
    return EXIT_OK


def _get_workers_ready(project: Project, options: Options, workers: Workers) -> None:
    """Have the worker processes rehearse one sheet before watching starts, so that the first rebuild is fast."""
    from .content import load_series
    from .pipeline import preparer, select

    if options.check or options.jobs == 1:
        return
    try:
        series = load_series(project.content)
    except Exception:  # the next build reports whatever is wrong with the sources
        return
    if sheets := select(series, options):
        workers.rehearse(preparer(project, series, options)(sheets[0]))


def _relevant(change: object, path: str) -> bool:
    name = Path(path).name
    return not (name.startswith(".") or name.endswith((".tmp", ".pyc", "~")) or "__pycache__" in path)
