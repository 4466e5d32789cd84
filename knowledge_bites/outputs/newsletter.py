"""Outputs for the newsletter, derived from the PDFs in output/: thumbnails, manifest, bundles, catalogue,
and the release announcement (`python build.py announce`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..files import shown_path, write_atomically
from ..names import ANNOUNCEMENTS, BUNDLES, CATALOGUE, FONTS, MANIFEST, PAGES, THUMBNAILS, OutputNames
from ..pipeline import BuildReport, save_record
from ..project import Project
from ..record import Record
from ..render.languages import Languages
from ..sources import Series, Sheet
from . import bundles, thumbnails
from .bundles import Bundle
from .manifest import SheetEntry, collect, manifest_json, write_manifest
from .pages import Pages
from .webfonts import write_webfonts

# The folders and files the output stage makes anew at every build: a file of the build's in them that no sheet
# needs any more (a renamed sheet, an older edition) is removed. Other files of the build's (the HTML of --html, the
# announcements) are kept; a file the build did not write is never touched.
DERIVED_FOLDERS = (PAGES, THUMBNAILS, BUNDLES, FONTS)
DERIVED_FILES = (CATALOGUE, MANIFEST)


@dataclass
class OutputsReport:
    """What the output stage wrote, for the lines printed after the sheets."""

    entries: list[SheetEntry] = field(default_factory=list)
    pictures_made: int = 0  # PDFs whose pictures (both pages, and the thumbnails) were drawn
    pictures_kept: int = 0  # PDFs whose pictures already showed them
    bundles: list[tuple[Bundle, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def edition_date(series: Series, report: BuildReport) -> date | None:
    """Return the newest publication date in the series: it names and stamps the bundles, never today's date.

    A sheet whose source failed to load counts with the date of its last good build, whose PDF is bundled."""
    kept = [date.fromisoformat(known.published) for known in report.last_good.values() if known.published]
    return max([sheet.meta.published for sheet in series.sheets] + kept, default=None)


def plan_bundles(series: Series, entries: list[SheetEntry], names: OutputNames, edition: date) -> list[Bundle]:
    """Return one bundle per language with its PDFs, and one with every PDF in a folder per language."""
    present = [e for e in entries if e.pdf is not None and e.language is not None]
    planned = [
        Bundle(names.bundle(lang, edition), lang, tuple((e.pdf.name, e.pdf) for e in present if e.language == lang))
        for lang in series.settings.languages
    ]
    planned.append(
        Bundle(names.bundle(None, edition), None, tuple((f"{e.language}/{e.pdf.name}", e.pdf) for e in present))
    )
    return [bundle for bundle in planned if bundle.members]


def derive(project: Project, languages: Languages, report: BuildReport) -> OutputsReport:
    """Make the pictures of the pages, bundles, catalogue and manifest of what is in the output folder, and record
    them as the build's files (in the build record the report carries, saved again at the end)."""
    started = time.perf_counter()
    output, series, record = project.output, report.series, report.record
    result = OutputsReport(entries=collect(project, report))
    written: set[Path] = set()
    try:
        written |= _pictures(output, report, result)
        edition = edition_date(series, report)
        planned = plan_bundles(series, result.entries, series.names(output), edition) if edition else []
        digests = {}
        for bundle in planned:
            size, digests[bundle.path] = bundles.write(bundle, edition)  # type: ignore[arg-type]
            result.bundles.append((bundle, size))
            written.add(bundle.path)
        fonts, licences = write_webfonts(project.styles, output)
        written |= {font.path for font in fonts} | set(licences)
        pages = Pages(project.templates, project.styles, series, languages)
        catalogue = output / CATALOGUE
        write_atomically(catalogue, pages.catalogue(result.entries, result.bundles, output, fonts).encode("utf-8"))
        written.add(catalogue)
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
        written.add(write_manifest(output, manifest_json(series, result.entries, files, edition, output)))
    except OSError as error:  # a full disk, a folder that cannot be written: said in one line, and derived again
        where = shown_path(Path(error.filename)) if error.filename else shown_path(output)
        result.problems.append(f"{where}: cannot be written ({error.strerror or error})")
    keep_only(record, output, written, complete=not result.problems)
    record.outputs_done = not result.problems
    save_record(record, output, report)
    result.seconds = time.perf_counter() - started
    return result


def keep_only(record: Record, output: Path, written: set[Path], *, complete: bool) -> None:
    """Record `written` as the build's derived files, and remove those of the build's that no sheet needs any more
    (only once everything was derived: an output stage cut short removes nothing)."""
    owned = record.other_files(output)
    if complete:
        derived = {p for p in owned if p.relative_to(output).parts[0] in DERIVED_FOLDERS or p.name in DERIVED_FILES}
        for stale in derived - written:
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()
    record.note_files(output, written | {p for p in owned if p.is_file()})


def _pictures(output: Path, report: BuildReport, result: OutputsReport) -> set[Path]:
    """Have both pages and the thumbnails of every PDF pictured (drawn here when the workers did not draw them and
    they do not show that PDF); return the pictures there are."""
    # The workers drew the pictures of the PDFs they printed. Those of other PDFs are drawn here when missing or
    # when they show other bytes than the PDF's, whatever this build did.
    drawn = {path for r in report.results for path in r.pictures}
    keep: set[Path] = set()
    stale: list[int] = []
    for index, entry in enumerate(result.entries):
        if entry.pdf is not None and entry.sha256 is not None:
            pages, small = thumbnails.page_pictures(output, entry.pdf), thumbnails.thumbnails(output, entry.pdf)
            pictures = pages + small
            keep.update(p.path for p in pictures)
            result.entries[index] = replace(entry, page_pictures=pages, thumbnails=small)
            if all(p.path in drawn for p in pictures):
                result.pictures_made += 1
            elif thumbnails.is_current(pictures, entry.sha256):
                result.pictures_kept += 1
            else:
                stale.append(index)
    jobs = [(e.pdf, e.sha256, e.page_pictures + e.thumbnails) for e in (result.entries[i] for i in stale)]
    for index, error in zip(stale, thumbnails.make_all(jobs), strict=True):  # type: ignore[arg-type]
        if error:
            result.problems.append(f"{result.entries[index].pdf}: no pictures of its pages made: {error}")
            result.entries[index] = replace(result.entries[index], page_pictures=(), thumbnails=())
        else:
            result.pictures_made += 1
    return keep


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
        f"outputs pictures of {result.pictures_made} PDFs made, {result.pictures_kept} kept; "
        f"{shown_path(output / CATALOGUE)}; {shown_path(output / MANIFEST)} in {result.seconds:.1f} s"
    )
    return lines


# --- `python build.py announce` ------------------------------------------------------------------


def announce(
    project: Project, series: Series, languages: Languages, sheets: list[Sheet]
) -> tuple[list[str], set[Path]]:
    """Write the announcement of each sheet, in HTML and plain text; return the lines that tell what was done, and
    the files written."""
    pages = Pages(project.templates, project.styles, series, languages)
    names = series.names(project.output)
    lines = []
    written = set()
    for sheet in sheets:
        pdf = names.pdf(sheet.name)
        small = min(thumbnails.thumbnails(project.output, pdf), key=lambda t: t.width).path
        texts = pages.announcement(
            sheet,
            pdf if pdf.is_file() else None,
            small if small.is_file() and pdf.is_file() else None,
            project.output / ANNOUNCEMENTS,
        )
        for suffix, text in texts.items():
            target = names.announcement(sheet.name, suffix)
            write_atomically(target, text.encode("utf-8"))
            written.add(target)
            lines.append(f"wrote   {shown_path(target)}")
        if not small.is_file():
            lines.append(f"  no picture of page 1 yet: build the sheet first to show it ({shown_path(small)})")
    return lines, written
