"""The two-page contract: every sheet is exactly two pages, with all its content, or it is not written.

This module owns the contract: how a sheet is laid out to keep it (a short text moves its closing block to
page 2), what counts as keeping it (two pages, every section and the closing block placed, nothing past the
page's edges), and what a writer is told when it does not hold: how far it ran over, what spilled, what to cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..locations import Section
from ..problems import Problem
from .balance import closing_alone, photo_height_for_text
from .edges import PX_PER_MM, describe_off_page, off_page
from .engine import import_weasyprint

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint import Document  # noqa: E402
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox  # noqa: E402

if TYPE_CHECKING:
    import logging

    from .job import PrintJob
    from .printer import Printer

PAGES = 2
# One line of body text is about 4.8 mm high and holds about 11 words; the body has two columns.
WORDS_PER_MM_OF_PAGE = 2 * 11 / 4.8
# The closing block, which every sheet must show in full: the call to action, and the funding and disclaimer.
CLOSING_IDS = ["closing-cta", "closing-fineprint"]
CLOSING_NAMES = {
    "closing-cta": "the call to action",
    "closing-others": "the list of other practices",
    "closing-fineprint": "the funding statement and disclaimer",
}


def lay_out(printer: Printer, job: PrintJob, base_url: str) -> tuple[Document, list[logging.LogRecord]]:
    """Lay a sheet out to keep its two pages: a text that ends on page 1 gives page 2 to its closing block, laid
    out for a page of its own, and a photo is made less high when the text could not start under it on page 1."""
    document, logs = printer.layout(job.html, base_url)
    if len(document.pages) < PAGES or closing_alone(document):  # page 2 holds the closing block alone
        document, logs = printer.layout(job.short_html, base_url)
    elif (photo_mm := photo_height_for_text(document)) is not None:  # page 1 ends with text, under a smaller photo
        document, logs = printer.layout(job.html, base_url, f".photo img {{ max-height: {photo_mm:.1f}mm; }}")
    return document, logs


def check(document: Document, job: PrintJob) -> list[Problem]:
    """Return what breaks the contract in a laid-out sheet: pages past two, content dropped, text off the page."""
    problems = []
    if len(document.pages) > PAGES:
        problems.append(Problem(job.source, None, None, describe_overflow(overflow_of(document), job.sections)))
    elif dropped := missing_ids(document, [s.id for s in job.sections] + CLOSING_IDS):
        problems.append(Problem(job.source, None, None, f"the layout dropped content ({', '.join(dropped)})"))
    for item in off_page(document):  # nothing may run off the page or out of its column
        line, name = job.locator.find(item.text)
        problems.append(Problem(job.source, line, name, describe_off_page(item)))
    return problems


@dataclass(frozen=True)
class Overflow:
    """How a sheet ran past its two pages."""

    pages: int
    over_mm: float  # height of what was laid out past page 2
    free_mm: float  # empty space left at the bottom of page 2
    spilled: tuple[str, ...]  # ids of the elements that start or continue past page 2

    @property
    def words_to_cut(self) -> int:
        """Estimate how many words of body text must go for the sheet to fit."""
        return max(10, round((self.over_mm - self.free_mm) * WORDS_PER_MM_OF_PAGE / 10) * 10)


def placed_ids(document: Document) -> list[set[str]]:
    """Return, for each page, the ids of the elements that have a box on it."""
    pages = []
    for page in document.pages:
        ids = set()
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and (element_id := element.get("id")):
                ids.add(element_id)
        pages.append(ids)
    return pages


def _content_bottom(page) -> float:
    """Return the y position, in CSS px, where the last line or image of the page's flow ends."""
    bottoms = [
        box.position_y + box.margin_height()
        for child in page._page_box.children
        if not isinstance(child, MarginBox)
        for box in child.descendants()
        if isinstance(box, LineBox | ReplacedBox)
    ]
    return max(bottoms, default=page._page_box.content_box_y())


def overflow_of(document: Document) -> Overflow:
    """Measure what runs past page 2 and which elements are there."""
    spilled: list[str] = []
    over = 0.0
    for ids, page in zip(placed_ids(document)[PAGES:], document.pages[PAGES:], strict=True):
        over += _content_bottom(page) - page._page_box.content_box_y()
        spilled.extend(sorted(i for i in ids if i not in spilled))
    last = document.pages[PAGES - 1]._page_box
    free = last.content_box_y() + last.height - _content_bottom(document.pages[PAGES - 1])
    return Overflow(len(document.pages), over / PX_PER_MM, max(free, 0) / PX_PER_MM, tuple(spilled))


def missing_ids(document: Document, expected: list[str]) -> list[str]:
    """Return the ids among `expected` that have no box on any page (content the layout dropped)."""
    placed = set().union(*placed_ids(document))
    return [element_id for element_id in expected if element_id not in placed]


def describe_overflow(overflow: Overflow, sections: tuple[Section, ...]) -> str:
    """Explain an overflow and suggest a cut, in one line."""
    spilled = [f"'{s.title or 'introduction'}' (line {s.line})" for s in sections if s.id in overflow.spilled]
    spilled += [name for element_id, name in CLOSING_NAMES.items() if element_id in overflow.spilled]
    longest = max(sections, key=lambda s: s.words, default=None)
    extra = overflow.pages - PAGES
    message = (
        f"runs {extra} page{'s' if extra > 1 else ''} over two pages ({overflow.over_mm:.0f} mm past page {PAGES})"
    )
    if spilled:
        message += f"; spilled: {', '.join(spilled)}"
    if longest is not None:
        name = longest.title or "introduction"
        message += (
            f"; cut about {overflow.words_to_cut} words, e.g. in '{name}' (line {longest.line}, {longest.words} words)"
        )
    return message
