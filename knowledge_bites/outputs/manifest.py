"""What the output folder holds for each sheet of the series, and the manifest that records it."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..files import relative_path, write_atomically
from ..freshness import intact
from ..names import MANIFEST, SourceName
from ..pipeline import BuildReport, SheetResult
from ..printing.job import BUILT, FAILED, UP_TO_DATE, Fit
from ..problems import Problem
from ..project import Project
from ..record import SheetRecord
from ..sources import Series, Sheet
from ..sources.translations import TranslationState
from .thumbnails import Picture

# Status of a sheet in the manifest. Results of the build map onto them; any result status other than "built"
# and "failed" (an incremental build's "up to date", say) means the PDF on disk was kept as it was.
NOT_IN_BUILD = "not in this build"  # beside the build's own words (printing/job.py): a sheet this build left alone


@dataclass(frozen=True)
class SheetEntry:
    """One practice in one language: its facts, how this build went, and its files in the output folder."""

    number: int | None
    language: str | None
    source: Path
    status: str
    messages: tuple[str, ...] = ()
    sheet: Sheet | None = None  # None when the source could not be read
    pdf: Path | None = None  # set only when the file exists
    pages: int | None = None
    size: int | None = None
    sha256: str | None = None
    fit: Fit | None = None  # how full its two pages are: as this build measured it, or as the PDF on disk was
    page_pictures: tuple[Picture, ...] = ()  # both pages; set only once they exist
    thumbnails: tuple[Picture, ...] = ()  # page 1 at the newsletter's sizes; set only once they exist
    last_good_title: str | None = None  # of a source that could not be read, from its last good build

    @property
    def title(self) -> str | None:
        return self.sheet.meta.title if self.sheet else self.last_good_title


def _status(result: SheetResult | None) -> str:
    if result is None:
        return NOT_IN_BUILD
    if result.status in (BUILT, FAILED):
        return result.status
    return UP_TO_DATE


def _messages(problems: list[Problem], root: Path) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(p.shown_from(root)) for p in problems))


def with_recorded_pdf(entry: SheetEntry, output: Path, known: SheetRecord | None) -> SheetEntry:
    """Return the entry with the facts of the PDF an earlier build recorded for it, when that PDF is still the one
    it wrote (a file put there since, or left by a build that was stopped before it recorded it, is not listed)."""
    if known is None or not intact(output, known):
        return entry
    return replace(entry, pdf=output / known.pdf, pages=known.pages, size=known.bytes, sha256=known.sha256)


def collect(project: Project, report: BuildReport) -> list[SheetEntry]:
    """Return an entry for every sheet of the series and every source that failed, in series order."""
    series = report.series
    names = series.names(project.output)
    results = {result.source: result for result in report.results}
    failed = set(report.failed_sources)
    by_source: dict[Path, list[Problem]] = {}
    for problem in report.problems:
        by_source.setdefault(problem.path, []).append(problem)
    recorded = report.record.sheets
    entries = []
    for sheet in series.sheets:
        result = results.get(sheet.source)
        status = FAILED if sheet.source in failed else _status(result)
        problems = by_source.get(sheet.source, []) + list(result.problems if result else ())
        known = recorded.get(sheet.key)
        fit = result.fit if result and result.fit else known.fit if known else None
        entry = SheetEntry(
            sheet.meta.number, sheet.lang, sheet.source, status, _messages(problems, project.root), sheet, fit=fit
        )
        pdf = names.pdf(sheet.name)
        if result is not None and result.status in (BUILT, UP_TO_DATE) and result.sha256:
            # The build has just written this PDF, or checked it against its record: no need to read it again.
            entries.append(replace(entry, pdf=pdf, pages=result.pages, size=result.size, sha256=result.sha256))
        else:
            entries.append(with_recorded_pdf(entry, project.output, known))
    loaded = {sheet.source for sheet in series.sheets}
    for source in sorted(failed - loaded):
        # The source could not be read: its file name tells the number and the language, and the build record
        # those of its last good build, if it had one.
        name = SourceName.parse(source.name)
        number, language = (name.number, name.lang) if name else (None, None)
        entry = SheetEntry(number, language, source, FAILED, _messages(by_source.get(source, []), project.root))
        if (known := report.last_good.get(source)) is not None:  # its last good PDF is still listed, and bundled
            kept = replace(entry, number=known.number, language=known.lang, last_good_title=known.title or None)
            entry = with_recorded_pdf(kept, project.output, known)
        entries.append(entry)
    order = series.settings.order
    return sorted(entries, key=lambda e: (e.number is None, e.number or 0, order(e.language), str(e.source)))


def sheet_record(entry: SheetEntry, output: Path, translation: TranslationState | None = None) -> dict[str, Any]:
    """Return the manifest record of one sheet; paths are relative to the output folder.

    `translation` is where the sheet's translation stands; None for a sheet in the reference language."""
    meta = entry.sheet.meta if entry.sheet else None
    return {
        "number": entry.number,
        "language": entry.language,
        "title": entry.title,
        "countries": list(meta.countries) if meta else [],
        "classification": meta.classification if meta else None,
        "published": meta.published.isoformat() if meta else None,
        "pages": entry.pages,
        "bytes": entry.size,
        "sha256": entry.sha256,
        "pdf": relative_path(entry.pdf, output) if entry.pdf else None,
        "page_pictures": [relative_path(p.path, output) for p in entry.page_pictures],
        "thumbnails": {str(t.width): relative_path(t.path, output) for t in entry.thumbnails},
        "source": relative_path(entry.source, output),
        "status": entry.status,
        "fit": str(entry.fit) if entry.fit else None,
        "room": entry.fit.room if entry.fit else None,
        "messages": list(entry.messages),
        "translation": translation.as_data() if translation else None,
    }


def manifest_json(
    series: Series,
    entries: list[SheetEntry],
    files: dict[str, list[dict[str, Any]]],
    edition: date | None,
    output: Path,
) -> str:
    """Return the manifest: the series, every sheet, and the other files written (bundles, catalogue)."""
    settings = series.settings
    data = {
        "series": {
            "name": dict(settings.series_name),
            "short_name": dict(settings.short_name),
            "launched": settings.launched,
            "languages": list(settings.languages),
            "edition": edition.isoformat() if edition else None,
            "languages_in_progress": list(settings.languages_in_progress),
        },
        "translations": series.translations.as_data()["languages"],
        "sheets": [
            sheet_record(entry, output, series.translations.state(entry.number, entry.language)) for entry in entries
        ],
        **files,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_manifest(output: Path, text: str) -> Path:
    """Write output/manifest.json atomically, so that a reader never sees half a file."""
    target = output / MANIFEST
    write_atomically(target, text.encode("utf-8"))
    return target
