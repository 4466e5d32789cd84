"""The command line: `python build.py [options]` builds the series; `python build.py COMMAND` runs another command.

Exit status: 0 all went well, 1 a sheet failed, 2 the command line or the series settings cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from .files import shown_path
from .pipeline import Options, SheetResult
from .project import Project
from .session import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Reporter, build_once, load_checked, watch


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


def _add_folders(p: argparse.ArgumentParser, default: object = None) -> None:
    p.add_argument("--content", type=Path, default=default, metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, default=default, metavar="DIR", help="output folder (default: output/)")


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
    _add_folders(p)
    p.set_defaults(command=None)

    commands = p.add_subparsers(title="commands", metavar="COMMAND")
    announce = commands.add_parser(
        "announce",
        prog="python build.py announce",
        help="write the newsletter announcement of a practice",
        description="Write the newsletter announcement of a practice (HTML and plain text) to output/announcements/.",
    )
    announce.add_argument("number", nargs="?", type=int, help="practice number (default: the newest practice)")
    announce.add_argument(
        "--lang",
        type=_languages,
        action="extend",
        default=argparse.SUPPRESS,
        metavar="CODE",
        help="only this language (repeat or separate with commas)",
    )
    _add_folders(announce, default=argparse.SUPPRESS)  # also accepted before the command's name
    announce.set_defaults(command="announce")

    serve = commands.add_parser(
        "serve",
        prog="python build.py serve",
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
        "--jobs", "-j", type=int, default=argparse.SUPPRESS, metavar="N", help="worker processes (default: all cores)"
    )
    _add_folders(serve, default=argparse.SUPPRESS)  # also accepted before the command's name
    serve.set_defaults(command="serve")
    return p


class Progress(Reporter):
    """Result lines in series order, with a progress bar on a terminal and plain lines elsewhere."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.bar = None
        self.interactive = out.isatty() and sys.stderr.isatty()
        self.counted: set[str] = set()  # sheets the bar has counted

    def start(self, to_build: int, up_to_date: int) -> None:
        self.counted.clear()
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
            self.bar.close()
            self.bar = None


def main(argv: list[str] | None = None, *, root: Path | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    out = out or sys.stdout
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)  # exits with status 2 on a usage error
    project = Project.at(root or Path.cwd(), args.content, args.output)
    progress = Progress(out)
    if args.command == "announce":
        return announce(project, progress, number=args.number, languages=args.lang)
    options = Options(
        languages=tuple(args.lang),
        only=tuple(args.only),
        check=args.check,
        html=args.html,
        strict=args.strict,
        jobs=args.jobs,
        force=args.force,
        time_limit=args.time_limit,
        memory_limit=args.memory_limit,
    )
    try:
        if args.command == "serve":
            from .preview.server import serve

            # The preview shows the sheets as they print: it always prints them, and writes no HTML beside them.
            options = replace(options, check=False, html=False)
            return serve(project, options, progress, host=args.host, port=args.port)
        if not args.watch:
            return build_once(project, options, progress).status
        from .workers import Workers

        before = project.stamp()
        with Workers(project, options.limits) as workers:  # kept ready between the builds of the session
            status = build_once(project, options, progress, workers=workers).status
            return status if status == EXIT_USAGE else watch(project, options, progress, stamp=before, workers=workers)
    except KeyboardInterrupt:
        progress.line("interrupted: the PDFs already written are complete and recorded; no partial file is left")
        return EXIT_INTERRUPTED


def announce(project: Project, progress: Progress, *, number: int | None, languages: list[str]) -> int:
    """Write the announcement of a practice (the newest by default); return the exit status."""
    loaded = load_checked(project, languages, progress, asked_by="announce")
    if loaded is None:
        return EXIT_USAGE
    series, compiled = loaded
    numbers = sorted({sheet.meta.number for sheet in series.sheets})
    number = number if number is not None else (numbers[-1] if numbers else None)
    if number not in numbers:
        shown = f"#{number}" if number is not None else "to announce"
        progress.line(f"announce: no practice {shown} in the series (it has {_ranges(numbers) or 'none'})")
        return EXIT_USAGE
    sheets = {sheet.lang: sheet for sheet in series.sheets if sheet.meta.number == number}
    wanted = languages or list(series.settings.languages)
    missing = [code for code in wanted if code not in sheets]
    if missing:
        progress.line(
            f"announce: practice #{number} has no valid '{', '.join(missing)}' sheet "
            f"(run `python build.py --check` to see why)"
        )
        return EXIT_USAGE
    from .outputs.newsletter import announce as write_announcements

    for line in write_announcements(project, series, compiled, [sheets[code] for code in wanted]):
        progress.line(line)
    return EXIT_OK


def _ranges(numbers: list[int]) -> str:
    """Return numbers as ranges: 1–10, 12."""
    parts: list[str] = []
    for n in numbers:
        if parts and n == int(parts[-1].split("–")[-1]) + 1:
            parts[-1] = f"{parts[-1].split('–')[0]}–{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)
