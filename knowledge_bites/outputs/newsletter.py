"""Outputs for the newsletter, derived from the PDFs in output/: thumbnails, manifest, bundles, catalogue,
and the release announcement (`python build.py announce`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..files import shown_path, write_atomically
from ..pipeline import BuildReport
from ..printing.pictures import PAGES, THUMBNAILS
from ..project import Project
from ..render.languages import Languages
from ..sources import Series, Sheet
from . import bundles, thumbnails
from .bundles import Bundle
from .manifest import MANIFEST, SheetEntry, collect, manifest_json, write_manifest
from .pages import Pages
from .webfonts import write_webfonts

BUNDLES = "bundles"
CATALOGUE = "index.html"
ANNOUNCEMENTS = "announcements"


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


def plan_bundles(series: Series, entries: list[SheetEntry], output: Path, edition: date) -> list[Bundle]:
    """Return one bundle per language with its PDFs, and one with every PDF in a folder per language."""
    folder = output / BUNDLES
    stem = f"{series.file_prefix}-{{}}-{edition.isoformat()}.zip"
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


def derive(project: Project, series: Series, languages: Languages, report: BuildReport) -> OutputsReport:
    """Make the pictures of the pages, bundles, catalogue and manifest of what is in the output folder."""
    started = time.perf_counter()
    output = project.output
    result = OutputsReport(entries=collect(project, series, report))
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
    for folder in (PAGES, THUMBNAILS):
        _remove_unexpected(output / folder, "*.png", keep)

    edition = edition_date(series, report)
    planned = plan_bundles(series, result.entries, output, edition) if edition else []
    digests = {}
    for bundle in planned:
        size, digests[bundle.path] = bundles.write(bundle, edition)  # type: ignore[arg-type]
        result.bundles.append((bundle, size))
    _remove_unexpected(output / BUNDLES, f"{series.file_prefix}-*.zip", {b.path for b in planned})

    pages = Pages(project.templates, project.styles, series, languages)
    catalogue = output / CATALOGUE
    fonts = write_webfonts(project.styles, output)
    write_atomically(catalogue, pages.catalogue(result.entries, result.bundles, output, fonts).encode("utf-8"))

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
        f"outputs pictures of {result.pictures_made} PDFs made, {result.pictures_kept} kept; "
        f"{shown_path(output / CATALOGUE)}; {shown_path(output / MANIFEST)} in {result.seconds:.1f} s"
    )
    return lines


# --- `python build.py announce` ------------------------------------------------------------------


def announce(project: Project, series: Series, languages: Languages, sheets: list[Sheet]) -> list[str]:
    """Write the announcement of each sheet, in HTML and plain text; return the lines that tell what was done."""
    pages = Pages(project.templates, project.styles, series, languages)
    folder = project.output / ANNOUNCEMENTS
    lines = []
    for sheet in sheets:
        pdf = project.output / sheet.lang / series.pdf_name(sheet)
        small = min(thumbnails.thumbnails(project.output, pdf), key=lambda t: t.width).path
        texts = pages.announcement(
            sheet, pdf if pdf.is_file() else None, small if small.is_file() and pdf.is_file() else None, folder
        )
        for suffix, text in texts.items():
            target = folder / f"{pdf.stem}.{suffix}"
            write_atomically(target, text.encode("utf-8"))
            lines.append(f"wrote   {shown_path(target)}")
        if not small.is_file():
            lines.append(f"  no picture of page 1 yet: build the sheet first to show it ({shown_path(small)})")
    return lines
