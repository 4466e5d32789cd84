"""What changed since a release, sheet by sheet: the comparison, its summary,.

A sheet is unchanged when its PDF has the same bytes as the release's (nothing else is looked at), or when both its
pages show the same pixels; changed, with the areas of each page that changed and the words of each part of its
text; new; withdrawn (its source is gone); or not built (its source is there, its PDF is not).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..names import PAGES, SourceName
from ..record import Record
from ..sources import Series
from . import texts
from .edition import Release
from .pictures import PageDifference, compare_all

UNCHANGED, CHANGED, NEW, WITHDRAWN, NOT_BUILT = "unchanged", "changed", "new", "withdrawn", "not built"


@dataclass
class SheetReview:
    """One sheet, compared with the release."""

    key: str
    number: int
    lang: str
    status: str
    title: str
    before: Path | None = None  # its PDF in the release
    after: Path | None = None  # its PDF in the output folder
    pages: list[PageDifference] = field(default_factory=list)  # the pages that changed
    parts: list[texts.PartChange] = field(default_factory=list)
    same_pixels: bool = False  # unchanged though its bytes differ

    @property
    def label(self) -> str:
        return f"{self.number:02d} {self.lang}"

    def picture(self, side: str, page: int) -> Path | None:
        """Return the picture of a page as the release (`before`) or the output folder (`after`) has it."""
        pdf = self.before if side == "before" else self.after
        return pdf.parent.parent / PAGES / f"{pdf.stem}-{page}.png" if pdf else None

    def described(self) -> str:
        """Return the sheet as the summary names it: `09 en (page 2: 'Results')`."""
        if self.status != CHANGED:
            return self.label
        pages = [str(p.page) for p in self.pages]
        where = f"page{'s' if len(pages) > 1 else ''} {', '.join(pages)}"
        parts = ", ".join(f"'{p.part}'" for p in self.parts)
        return f"{self.label} ({where}{': ' + parts if parts else ''})"


@dataclass
class Review:
    """Every sheet of the output folder and of a release, compared."""

    release: Release
    sheets: list[SheetReview]
    seconds: float = 0.0

    def having(self, status: str) -> list[SheetReview]:
        return [s for s in self.sheets if s.status == status]

    @property
    def anything(self) -> bool:
        """Whether anything differs from the release."""
        return any(s.status != UNCHANGED for s in self.sheets)

    def summary(self) -> str:
        """Return the line a person reads first: `3 of 22 sheets changed since release 2026-11-23: 09 en (…), …`."""
        total = sum(1 for s in self.sheets if s.after is not None)
        changed = self.having(CHANGED)
        line = f"{len(changed)} of {total} sheets changed since release {self.release.name}"
        if changed:
            line += ": " + ", ".join(s.described() for s in changed)
        for status in (NEW, WITHDRAWN, NOT_BUILT):
            if found := self.having(status):
                line += f"; {len(found)} {status}: " + ", ".join(s.label for s in found)
        return line


def compare(output: Path, release: Release, record: Record, series: Series | None) -> Review:
    """Compare the output folder (as its build record describes it) with a release."""
    started = time.perf_counter()
    order = {code: i for i, code in enumerate(series.settings.languages)} if series else {}
    current = {sheet.key: sheet for sheet in series.sheets} if series else {}
    sources = set(current) | ({p.name.removesuffix(".md") for p in series.failed_sources} if series else set())
    keys = set(record.sheets) | set(release.sheets) | sources
    names = {key: name for key in keys if (name := SourceName.of_key(key))}
    reviews, jobs, waiting = [], [], []
    for key in sorted(names, key=lambda k: (names[k].number, order.get(names[k].lang, 99), names[k].lang)):
        name, known, kept = names[key], record.sheets.get(key), release.sheets.get(key)
        title = current[key].meta.title if key in current else (known.title if known else kept.title if kept else "")
        review = SheetReview(key, name.number, name.lang, UNCHANGED, title)
        review.after = output / known.pdf if known else None
        review.before = release.path(kept.pdf) if kept else None
        if known is None:
            review.status = NOT_BUILT if key in sources else WITHDRAWN
        elif kept is None:
            review.status = NEW
        elif known.sha256 != kept.sha256:
            pages = range(1, max(known.pages, kept.pages) + 1)
            jobs.append(tuple((review.picture("before", n), review.picture("after", n), n) for n in pages))
            waiting.append(review)
            if key in current:
                review.parts = texts.compare(kept.texts, texts.parts(current[key]))
        reviews.append(review)
    for review, differences in zip(waiting, compare_all(jobs), strict=True):  # type: ignore[arg-type]
        review.pages = [d for d in differences if d.changed]
        review.status = CHANGED if review.pages else UNCHANGED
        review.same_pixels = not review.pages
    return Review(release, reviews, time.perf_counter() - started)
