"""The command line: `python build.py [options]` builds the series; `python build.py COMMAND` runs another command.

Exit status: 0 all went well, 1 a sheet failed, 2 the command line or the series settings cannot be used,
128 + N stopped by signal N (130: Ctrl-C, 143: SIGTERM, 129: the terminal was closed).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from .files import shown_path
from .freshness import code_version, stamp
from .importing.options import TEXTS as IMPORT_TEXTS
from .importing.options import add_options as add_import_options
from .limits import DEFAULTS, Limits
from .names import MAX_NUMBER
from .pipeline import Options, SheetResult
from .project import Project
from .releasing import options as releasing
from .session import EXIT_SIGNAL, EXIT_USAGE, Reporter, build_once, watch


def _numbers(text: str) -> list[int]:
    numbers: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise argparse.ArgumentTypeError(f"'{text}' is not a practice number or range such as 3,5-7")
        low, high = int(first), int(last or first)
        if high > MAX_NUMBER:
            raise argparse.ArgumentTypeError(f"'{text}': practice numbers go up to {MAX_NUMBER}")
        if low > high:
            raise argparse.ArgumentTypeError(f"'{text}': write a range from the lower number, e.g. {high}-{low}")
        numbers.update(range(low, high + 1))
    return sorted(numbers)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number such as 2")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 1e6:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds such as 30")
    return seconds


def _languages(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def _add_folders(p: argparse.ArgumentParser, default: object = None) -> None:
    p.add_argument("--content", type=Path, default=default, metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, default=default, metavar="DIR", help="output folder (default: output/)")


def _add_languages(command: argparse.ArgumentParser, what: str) -> None:
    """Add a command's --lang option (also accepted before the command's name)."""
    command.add_argument(
        "--lang", type=_languages, action="extend", default=argparse.SUPPRESS, metavar="CODE", help=what
    )


def parser() -> argparse.ArgumentParser:
    """Return the argument parser: the build's options, and the other commands."""
    p = argparse.ArgumentParser(
        prog="python build.py",
        usage="%(prog)s [options]\n       %(prog)s COMMAND [options]",
        description="Build the Knowledge Bites series: every practice, in every language, as a two-page PDF.",
        epilog="`python build.py COMMAND --help` tells the options of a command.",
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
    p.add_argument(
        "--jobs", "-j", type=_count, default=DEFAULTS.jobs, metavar="N", help="worker processes (default: all cores)"
    )
    p.add_argument(
        "--time-limit",
        type=_seconds,
        default=DEFAULTS.time_limit,
        metavar="S",
        help=f"stop the layout of a sheet after this many seconds (default: {DEFAULTS.time_limit:g})",
    )
    p.add_argument(
        "--memory-limit",
        type=_count,
        default=DEFAULTS.memory_limit,
        metavar="MB",
        help=f"memory a worker process may use (default: {DEFAULTS.memory_limit})",
    )
    _add_folders(p)
    p.set_defaults(command=None)

    commands = p.add_subparsers(title="commands", metavar="COMMAND")
    announce = _command(
        commands,
        "announce",
        help="write the newsletter announcement of a practice",
        description="Write the newsletter announcement of a practice (HTML and plain text) to output/announcements/.",
    )
    announce.add_argument("number", nargs="?", type=int, help="practice number (default: the newest practice)")
    _add_languages(announce, "only this language (repeat or separate with commas)")

    serve = _command(
        commands,
        "serve",
        help="show the whole series in your browser, rebuilt as you save",
        description="Build what is stale, then show every sheet in your browser at http://127.0.0.1:8000/ and "
        "rebuild what each saved change affects; every open page follows. Ctrl-C stops it.",
    )
    serve.add_argument("--port", type=int, default=8000, metavar="N", help="port to listen on (default: 8000)")
    serve.add_argument(
        "--host",
        default=None,
        metavar="ADDRESS",
        help="address to listen on (default: 127.0.0.1, this computer only); another one opens the preview to the "
        "network",
    )
    serve.add_argument(
        "--jobs",
        "-j",
        type=_count,
        default=argparse.SUPPRESS,
        metavar="N",
        help="worker processes (default: all cores)",
    )

    translations = _command(
        commands,
        "translations",
        help="tell which translations are out of date or missing; mark one up to date, or start one",
        description="Tell where every translation stands against its reference-language file: one line per "
        "source that is out of date (with what changed) or missing, then a total per language. It is a report: "
        "it exits with status 0 whatever it finds.",
        epilog="Once a translation follows its reference file again: python build.py translations --mark 9 "
        "--lang es. To start a translation from the reference file: python build.py translations --start 9 "
        "--lang fr (then translate the new file's text).",
    )
    _add_languages(translations, "only these languages (one language with --mark and --start)")
    edits = translations.add_mutually_exclusive_group()
    edits.add_argument(
        "--mark",
        type=_numbers,
        metavar="N",
        help="record that the translations of these practices follow their reference file as it is now, "
        "e.g. --mark 9 --lang es",
    )
    edits.add_argument(
        "--start",
        type=_numbers,
        metavar="N",
        help="start the translation of these practices as a copy of the reference file that records its version, "
        "e.g. --start 9 --lang fr",
    )
    from .translating.options import add_options

    add_options(translations, edits, _numbers)  # --export, --import, --allow-partial: a kit for a CAT tool
    add_import_options(_command(commands, "import", **IMPORT_TEXTS))
    releasing.add_release_options(_command(commands, "release", **releasing.RELEASE))
    releasing.add_review_options(_command(commands, "review", **releasing.REVIEW))
    return p


def _command(commands: argparse._SubParsersAction, name: str, **texts: str) -> argparse.ArgumentParser:
    """Add a command to the parser: `python build.py NAME`, which reads and writes the usual folders too."""
    command = commands.add_parser(name, prog=f"python build.py {name}", **texts)
    _add_folders(command, default=argparse.SUPPRESS)  # also accepted before the command's name
    command.set_defaults(command=name)
    return command


class Progress(Reporter):
    """Result lines in series order, with a progress bar on a terminal and plain lines elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = None
        self.interactive = out.isatty() and sys.stderr.isatty()
        self.counted: set[str] = set()  # sheets the bar has counted
        self.lost = False  # nothing can be shown any more

    def start(self, to_build: int, up_to_date: int) -> None:
        self.counted.clear()
        if up_to_date:
            self.line(f"{up_to_date} sheet{'s' if up_to_date != 1 else ''} up to date")
        if self.interactive and to_build > 1:
            from tqdm import tqdm

            self.bar = tqdm(total=to_build, unit="sheet", file=sys.stderr, leave=False, dynamic_ncols=True)

    def line(self, text: str) -> None:
        if self.lost:
            return
        try:
            if self.bar is not None:
                self.bar.write(text, file=self.out)
            else:
                print(text, file=self.out, flush=True)
        except OSError:  # the terminal was closed, or the reader of a pipe has gone: the build goes on unheard
            self.lost = True

    def result(self, result: SheetResult) -> None:
        if result.status == "up to date":
            return
        shown = shown_path(result.pdf or result.source)
        if result.status == "built":
            facts = f"{result.pages} pages, {result.size / 1024:.0f} KB, {result.seconds:.1f} s"
            self.line(f"built   {shown}  ({facts}{f'; {result.fit}' if result.fit else ''})")
        elif result.status == "checked":
            self.line(f"ok      {shown}")
        else:
            self.line(f"FAILED  {shown}")
        for problem in result.problems:
            self.line(f"  {problem.shown_from(Path.cwd())}")
        if result.status != "checked":
            self.finished(result)

    def finished(self, result: SheetResult) -> None:
        """Count a sheet on the bar as soon as it is printed, though its line waits for its turn in the log."""
        if self.bar is not None and result.key not in self.counted:
            self.counted.add(result.key)
            self.bar.update()

    def stop(self) -> None:
        if self.bar is not None:
            with suppress(OSError):  # the terminal was closed
                self.bar.close()
            self.bar = None


# Ctrl-C, `kill` and a closed terminal all stop a command the same way: cleanly, and with status 128 + the signal.
STOP_SIGNALS = {signal.SIGINT: "", signal.SIGTERM: " by SIGTERM", signal.SIGHUP: " by SIGHUP"}


@contextmanager
def stopped_by_signals() -> Iterator[list[int]]:
    """Turn the first stop signal into KeyboardInterrupt, as Ctrl-C is, and yield the list of it once received.

    Later ones are ignored while the command stops. A signal ignored when the command started (`nohup`) stays so.
    """
    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if not received:
            received.append(signum)
            raise KeyboardInterrupt

    installed = {}
    if threading.current_thread() is threading.main_thread():  # only the main thread may handle signals
        for signum in STOP_SIGNALS:
            if signal.getsignal(signum) is not signal.SIG_IGN:
                installed[signum] = signal.signal(signum, stop)
    try:
        yield received
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)


def main(argv: list[str] | None = None, *, root: Path | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    code_version()  # the code this command runs, noted before it reads anything (see freshness.py)
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)  # exits with status 2 on a usage error
    project = Project.at(root or Path.cwd(), args.content, args.output)
    progress = Progress(out)
    with stopped_by_signals() as received:
        try:
            return run_command(args, project, progress)
        except KeyboardInterrupt:
            signum = received[0] if received else signal.SIGINT
            progress.stop()
            progress.line(
                f"interrupted{STOP_SIGNALS[signum]}: the PDFs already written are complete and recorded; "
                "no partial file is left"
            )
            return EXIT_SIGNAL + signum


def run_command(args: argparse.Namespace, project: Project, progress: Progress) -> int:
    """Run the command the arguments ask for; return the exit status."""
    if args.command == "announce":
        from .commands import announce

        return announce(project, progress, number=args.number, languages=args.lang)
    if args.command == "translations" and (args.export or args.kits):
        from .commands import translator_kits

        return translator_kits(project, progress, args)
    if args.command == "translations":
        from .commands import translations

        return translations(project, progress, languages=args.lang, mark=args.mark, start=args.start)
    if args.command == "import":
        from .importing.command import run

        return run(project.content, progress.line, args)
    if args.command in ("release", "review"):
        from .releasing.command import review
        from .releasing.making import Where, release

        where = Where.of(project, args.releases)
        if args.command == "release":
            return release(where, progress, name=args.name)
        return review(where, progress, against=args.against, strict=args.strict)
    options = Options(
        languages=tuple(args.lang),
        only=tuple(args.only),
        check=args.check,
        html=args.html,
        strict=args.strict,
        force=args.force,
        limits=Limits(jobs=args.jobs, time_limit=args.time_limit, memory_limit=args.memory_limit),
    )
    if args.command == "serve":
        from .preview.server import serve

        # The preview shows the sheets as they print: it always prints them, and writes no HTML beside them.
        return serve(project, replace(options, check=False, html=False), progress, host=args.host, port=args.port)
    if not args.watch:
        return build_once(project, options, progress).status
    from .workers import Workers

    before = stamp(project)
    with Workers(project, options.limits) as workers:  # kept ready between the builds of the session
        status = build_once(project, options, progress, workers=workers, long_running=True).status
        return status if status == EXIT_USAGE else watch(project, options, progress, stamp=before, workers=workers)
