"""`python build.py release`: keep what is published now as an edition in releases/NAME/.

The release reads the output folder as the last build left it, holding it as a build does, and refuses when
anything there is not what the sources make now (checks.py). It writes the announcements of the new and revised
practices into output/announcements/ (as `announce` does), then the release folder, first under a temporary name
and then renamed whole: a release folder is complete or absent, and an existing one is never written to.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import shown_path
from ..lock import holding
from ..names import RELEASES, TEMPORARY_PREFIX, SourceName
from ..printing.pictures import page_pictures, thumbnails
from ..project import Project
from ..record import Record
from ..session import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Reporter, load_checked
from . import texts
from .checks import refusals
from .edition import CHANGED, NEW, REVISED, UNCHANGED, Release, ReleasedSheet, all_releases, name_problem

if TYPE_CHECKING:
    from ..render.languages import Languages
    from ..sources import Series


@dataclass(frozen=True)
class Where:
    """The folders a release reads and writes."""

    project: Project
    releases: Path

    @classmethod
    def of(cls, project: Project, releases: Path | None) -> Where:
        return cls(project, (releases or project.content.parent / RELEASES).resolve())


def release(where: Where, reporter: Reporter, *, name: str | None) -> int:
    """Make a release of the output folder; return the exit status."""
    project = where.project
    if name is not None and (problem := name_problem(name)):
        reporter.line(f"release: --name {problem}")
        return EXIT_USAGE
    loaded = load_checked(project, [], reporter, asked_by="release")
    if loaded is None:
        return EXIT_USAGE
    series, languages = loaded
    with holding(project.output, reporter.line) as held:
        if not held:
            return EXIT_USAGE
        record = Record.load(project.output)
        refused = refusals(project, series, languages, record)
        if refused:
            for line in refused:
                reporter.line(line)
            reporter.line(f"release: refused ({len(refused)} to fix above); no release was made")
            return EXIT_FAILED
        return _release(where, reporter, series, languages, record, name)


def _release(
    where: Where, reporter: Reporter, series: Series, languages: Languages, record: Record, name: str | None
) -> int:
    project, output = where.project, where.project.output
    earlier = all_releases(where.releases)
    previous = earlier[-1] if earlier else None
    edition = max(sheet.meta.published for sheet in series.sheets).isoformat()
    if name is None:  # the newest publication date, and a number after it when a release has that name already
        name, count = edition, 1
        while (where.releases / name).exists():
            count += 1
            name = f"{edition}-{count}"
    target = where.releases / name
    if target.exists():
        reporter.line(
            f"release: {shown_path(target)} exists, and a release is never changed: give this one another name, "
            f"or leave --name out to have {edition}-2 or the next free number"
        )
        return EXIT_USAGE
    reference = series.settings.reference_language
    sheets: dict[str, ReleasedSheet] = {}
    for sheet in sorted(series.sheets, key=lambda s: (s.meta.number, series.settings.order(s.lang))):
        known = record.sheets[sheet.key]
        before = previous.sheets.get(sheet.key) if previous else None
        words = texts.parts(sheet)
        if before is None:
            change = NEW
        elif before.texts != words:  # its words: a change of style, or marking a translation, revises nothing
            change = REVISED
        else:
            change = CHANGED if before.sha256 != known.sha256 else UNCHANGED
        state = series.translations.state(sheet.meta.number, sheet.lang)
        translation = "reference" if sheet.lang == reference else (state.status if state else "unknown")
        if sheet.lang != reference and series.settings.in_progress(sheet.lang):
            translation += " (language in progress)"
        sheets[sheet.key] = ReleasedSheet(
            sheet.key,
            sheet.meta.number,
            sheet.lang,
            known.pdf,
            known.sha256,
            known.pages,
            known.bytes,
            sheet.meta.title,
            sheet.meta.published.isoformat(),
            sheet.meta.revised.isoformat() if sheet.meta.revised else None,
            sheet.digest,
            translation,
            change,
            words,
        )
    withdrawn = {key: s.title for key, s in previous.sheets.items() if key not in sheets} if previous else {}
    announced = [s for s in series.sheets if sheets[s.key].change in (NEW, REVISED)]
    from ..outputs.newsletter import announce

    lines, written = announce(project, series, languages, announced)
    record.add_files(output, written)
    record.save(output)
    names = series.names(output)
    bundle = names.bundle(None, max(s.meta.published for s in series.sheets))
    where.releases.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMPORARY_PREFIX}{name}.", dir=where.releases))
    try:
        for sheet in sheets.values():
            pdf = Path(sheet.pdf)
            files = [pdf, *(p.path.relative_to(output) for p in page_pictures(output, pdf))]
            files.append(min(thumbnails(output, pdf), key=lambda t: t.width).path.relative_to(output))
            before = previous.sheets.get(sheet.key) if previous else None
            same = previous if before is not None and before.sha256 == sheet.sha256 else None
            for relative in files:  # the same PDF as the previous release's: its files are that release's
                _copy(output / relative, staging / relative, same.folder / relative if same else None)
        for path in sorted(written):
            _copy(path, staging / path.relative_to(output))
        kept_bundle = bundle.relative_to(output).as_posix() if bundle.is_file() else None
        if kept_bundle:
            _copy(bundle, staging / kept_bundle)
        made = Release(staging, name, len(earlier) + 1, edition, previous.name if previous else None, sheets,
                       withdrawn, kept_bundle)  # fmt: skip
        made.save()
        staging.rename(target)  # whole, at once; refused by the system if the name was taken meanwhile
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for line in lines:
        reporter.line(line)
    for line in _notes(series, sheets, previous):
        reporter.line(line)
    feed_line = _feed(where, series)
    if feed_line:
        reporter.line(feed_line)
    files = [p.stat() for p in target.rglob("*") if p.is_file()]
    size, new = sum(f.st_size for f in files), sum(f.st_size for f in files if f.st_nlink == 1)
    counts = {c: sum(1 for s in sheets.values() if s.change == c) for c in (NEW, REVISED, CHANGED, UNCHANGED)}
    told = ", ".join(f"{n} {c}" for c, n in counts.items()) + f", {len(withdrawn)} withdrawn"
    shared = f", {(size - new) / 1024:.0f} KB of it the previous release's very files" if size > new else ""
    reporter.line(f"released {shown_path(target)}  ({len(sheets)} sheets: {told}; {size / 1024:.0f} KB{shared})")
    return EXIT_OK


def _copy(source: Path, target: Path, same: Path | None = None) -> None:
    """Copy a file into the release; where the previous release has the very same file, link to it instead, so
    that an unchanged sheet takes no room again (on a disk that cannot link, it is copied)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if same is not None and same.is_file() and not same.is_symlink():
        try:
            os.link(same, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


def _notes(series: Series, sheets: dict[str, ReleasedSheet], previous: Release | None) -> list[str]:
    """Tell what is new, revised and withdrawn, and which revised sheet does not say so yet."""
    lines = []
    by_key = {sheet.key: sheet for sheet in series.sheets}
    for key, sheet in sheets.items():
        if sheet.change == NEW:
            lines.append(f"new      {sheet.number:02d} {sheet.lang}  {sheet.title}")
        elif sheet.change == REVISED:
            lines.append(f"revised  {sheet.number:02d} {sheet.lang}  {sheet.title}")
            assert previous is not None  # a sheet is revised since a release
            if sheet.revised is None or previous.sheets[key].revised == sheet.revised:
                lines.append(
                    f"  {shown_path(by_key[key].source)}: revised: its text changed since release {previous.name}: "
                    "add `revised: YYYY-MM-DD` (the date of the revision) so that the sheet says so"
                )
    if previous:
        for key in previous.sheets:
            if key not in sheets and (name := SourceName.of_key(key)):
                lines.append(f"withdrawn {name.number:02d} {name.lang}  {previous.sheets[key].title}")
    return lines


def _feed(where: Where, series: Series) -> str | None:
    """Write the feed of every release's new and revised sheets; return the line that says so."""
    from .feed import write_feed

    url = series.settings.releases_url
    if url is None:
        return "feed     not written: set releases_url in content/series.yaml to where releases/ is published"
    path, items = write_feed(where.releases, series.settings, url)
    return f"feed     {shown_path(path)}  ({items} new and revised sheets)"
