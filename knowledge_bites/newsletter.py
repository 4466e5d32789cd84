"""Outputs for the newsletter, derived from the PDFs in output/: thumbnails, manifest, bundles, catalogue,
and the release announcement (`python build.py announce`)."""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from . import bundles, thumbnails
from .bundles import Bundle
from .cli import EXIT_OK, EXIT_USAGE, load_checked, shown_path
from .content import Series
from .files import write_atomically
from .manifest import MANIFEST, SheetEntry, collect, manifest_json, write_manifest
from .pages import Pages
from .pipeline import BuildReport, Project, pdf_name

THUMBNAILS = "thumbnails"
BUNDLES = "bundles"
CATALOGUE = "index.html"
ANNOUNCEMENTS = "announcements"


@dataclass
class OutputsReport:
    """What the output stage wrote, for the lines printed after the sheets."""

    entries: list[SheetEntry] = field(default_factory=list)
    thumbnails_made: int = 0
    thumbnails_kept: int = 0
    bundles: list[tuple[Bundle, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def edition_date(series: Series) -> date | None:
    """Return the newest publication date in the series: it names and stamps the bundles, never today's date."""
    return max((sheet.meta.published for sheet in series.sheets), default=None)


def file_prefix(series: Series) -> str:
    """Return the series' short name as it starts file names: `knowledge-bites`."""
    short_name = series.settings.short_name[series.settings.reference_language]
    return re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")


def plan_bundles(series: Series, entries: list[SheetEntry], output: Path, edition: date) -> list[Bundle]:
    """Return one bundle per language with its PDFs, and one with every PDF in a folder per language."""
    folder = output / BUNDLES
    stem = f"{file_prefix(series)}-{{}}-{edition.isoformat()}.zip"
    present = [e for e in entries if e.pdf is not None and e.language is not None]
    planned = [
        Bundle(folder / stem.format(lang), lang, tuple((e.pdf.name, e.pdf) for e in present if e.language == lang))
        for lang in series.settings.languages
    ]
    planned.append(
        Bundle(folder / stem.format("all"), None, tuple((f"{e.language}/{e.pdf.name}", e.pdf) for e in present))
    )
    return [bundle for bundle in planned if bundle.members]


def _remove_unexpected(folder: Path, pattern: str, keep: set[Path]) -> None:
    """Delete files of ours that no current sheet or bundle needs any more (a renamed sheet, an older edition)."""
    if folder.is_dir():
        for path in folder.glob(pattern):
            if path not in keep:
                path.unlink()


def write_outputs(project: Project, series: Series, report: BuildReport, out: TextIO | None = None) -> bool:
    """Derive every newsletter output from the PDFs in the output folder; print what was done; True if all went."""
    result = derive(project, series, report)
    if out is not None:
        for line in describe(result, project.output):
            print(line, file=out)
    return not result.problems


def derive(project: Project, series: Series, report: BuildReport) -> OutputsReport:
    """Make the thumbnails, bundles, catalogue and manifest of what is in the output folder."""
    started = time.perf_counter()
    output = project.output
    result = OutputsReport(entries=collect(project, series, report))
    # Thumbnails: remade only when the PDF's bytes differ from those the PNG records, whatever this build did.
    keep: set[Path] = set()
    stale: list[int] = []
    for index, entry in enumerate(result.entries):
        if entry.pdf is not None and entry.sha256 is not None:
            pictures = thumbnails.thumbnail_paths(output / THUMBNAILS, entry.pdf)
            keep.update(t.path for t in pictures)
            result.entries[index] = replace(entry, thumbnails=pictures)
            if not thumbnails.is_current(pictures, entry.sha256):
                stale.append(index)
    jobs = [(result.entries[i].pdf, result.entries[i].sha256, result.entries[i].thumbnails) for i in stale]
    for index, error in zip(stale, thumbnails.make_all(jobs), strict=True):  # type: ignore[arg-type]
        if error:
            result.problems.append(f"{result.entries[index].pdf}: no thumbnail made: {error}")
            result.entries[index] = replace(result.entries[index], thumbnails=())
    result.thumbnails_made = len(stale) - len(result.problems)
    result.thumbnails_kept = sum(1 for e in result.entries if e.pdf is not None) - len(stale)
    _remove_unexpected(output / THUMBNAILS, "*.png", keep)

    edition = edition_date(series)
    planned = plan_bundles(series, result.entries, output, edition) if edition else []
    digests = {}
    for bundle in planned:
        size, digests[bundle.path] = bundles.write(bundle, edition)  # type: ignore[arg-type]
        result.bundles.append((bundle, size))
    _remove_unexpected(output / BUNDLES, f"{file_prefix(series)}-*.zip", {b.path for b in planned})

    pages = Pages(project.templates, project.styles, series)
    catalogue = output / CATALOGUE
    write_atomically(catalogue, pages.catalogue(result.entries, result.bundles, output).encode("utf-8"))

    files: dict[str, Any] = {
        "bundles": [
            {
                "language": bundle.language,
                "path": bundle.path.relative_to(output).as_posix(),
                "files": [name for name, _ in sorted(bundle.members)],
                "bytes": size,
                "sha256": digests[bundle.path],
            }
            for bundle, size in result.bundles
        ],
        "catalogue": CATALOGUE,
    }
    write_manifest(output, manifest_json(series, result.entries, files, edition, output))
    result.seconds = time.perf_counter() - started
    return result


def describe(result: OutputsReport, output: Path) -> list[str]:
    """Return the lines that tell what the output stage did, including the sizes of the PDFs."""
    lines = [f"ERROR   {problem}" for problem in result.problems]
    sizes = {e.pdf: e.size for e in result.entries if e.pdf is not None and e.size is not None}
    if sizes:
        largest = max(sizes, key=lambda pdf: sizes[pdf])
        lines.append(
            f"sizes   {len(sizes)} PDFs, {sum(sizes.values()) / 1024:.0f} KB in all, "
            f"largest {sizes[largest] / 1024:.0f} KB ({shown_path(largest)})"
        )
    for bundle, size in result.bundles:
        lines.append(f"bundle  {shown_path(bundle.path)}  ({len(bundle.members)} PDFs, {size / 1024:.0f} KB)")
    lines.append(
        f"outputs thumbnails {result.thumbnails_made} made, {result.thumbnails_kept} kept; "
        f"{shown_path(output / CATALOGUE)}; {shown_path(output / MANIFEST)} in {result.seconds:.1f} s"
    )
    return lines


# --- `python build.py announce` ------------------------------------------------------------------


def announce_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the announce command."""
    p = argparse.ArgumentParser(
        prog="python build.py announce",
        description="Write the newsletter announcement of a practice (HTML and plain text) to output/announcements/.",
    )
    p.add_argument("number", nargs="?", type=int, help="practice number (default: the newest practice)")
    p.add_argument("--lang", action="append", default=[], metavar="CODE", help="only this language (repeatable)")
    p.add_argument("--content", type=Path, metavar="DIR", help="content folder (default: content/)")
    p.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: output/)")
    return p


def announce(argv: list[str], *, root: Path, out: TextIO | None = None) -> int:
    """Run the announce command; return the exit status (2 for an unknown practice or language)."""
    out = out or sys.stdout
    args = announce_parser().parse_args(argv)
    project = Project.at(root, args.content, args.output)
    languages = [code.strip() for text in args.lang for code in text.split(",") if code.strip()]
    series = load_checked(project, languages, out, "announce")
    if series is None:
        return EXIT_USAGE
    numbers = sorted({sheet.meta.number for sheet in series.sheets})
    number = args.number if args.number is not None else (numbers[-1] if numbers else None)
    if number not in numbers:
        shown = f"#{number}" if number is not None else "to announce"
        print(f"announce: no practice {shown} in the series (it has {_ranges(numbers) or 'none'})", file=out)
        return EXIT_USAGE
    sheets = {sheet.lang: sheet for sheet in series.sheets if sheet.meta.number == number}
    wanted = languages or list(series.settings.languages)
    missing = [code for code in wanted if code not in sheets]
    if missing:
        print(
            f"announce: practice #{number} has no valid '{', '.join(missing)}' sheet "
            f"(run `python build.py --check` to see why)",
            file=out,
        )
        return EXIT_USAGE
    pages = Pages(project.templates, project.styles, series)
    folder = project.output / ANNOUNCEMENTS
    for code in wanted:
        sheet = sheets[code]
        pdf = project.output / code / pdf_name(series, sheet)
        small = min(thumbnails.thumbnail_paths(project.output / THUMBNAILS, pdf), key=lambda t: t.width).path
        texts = pages.announcement(
            sheet, pdf if pdf.is_file() else None, small if small.is_file() and pdf.is_file() else None, folder
        )
        for suffix, text in texts.items():
            target = folder / f"{pdf.stem}.{suffix}"
            write_atomically(target, text.encode("utf-8"))
            print(f"wrote   {shown_path(target)}", file=out)
        if not small.is_file():
            print(f"  no picture of page 1 yet: build the sheet first to show it ({shown_path(small)})", file=out)
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
