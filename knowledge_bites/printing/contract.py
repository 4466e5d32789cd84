"""The two-page contract: every sheet is exactly two pages, with all its content, or it is not written.

This module owns the contract: how a sheet is laid out to keep it (a short text moves its closing block to
page 2), what counts as keeping it (two pages, every section and the closing block placed, nothing past the
page's edges), and what a writer is told: how much room is left on page 2, or, when the sheet does not fit, how
far it runs over, which sections spilled and how many words to cut.

Room and overrun are measured, not guessed: a sheet that runs over is laid out once more with a page 2 tall
enough to hold everything, and the text's own density (words per millimetre of column, headings and spacing
included) turns millimetres into words. The room left is counted in paragraphs like the sheet's own (what a writer
adds is more text, not more headings): on page 2, by replaying the balancing of its columns with them
(printing/columns.py); for a text that ends on page 1, from the space left, less the share that breaking text into
columns and pages takes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..locations import Section
from ..problems import Problem
from .balance import body_lines, closing_alone, element_box, photo_height_for_text
from .columns import flow_of, paragraph_shape
from .design import CLOSING_IDS, CLOSING_NAMES, PAGE_COUNT, closing_block_only, columns, tall_page_2
from .edges import PX_PER_MM, describe_off_page, off_page
from .engine import import_weasyprint, page_box

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint import Document  # noqa: E402
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, MarginBox, ReplacedBox  # noqa: E402

from .job import Fit  # noqa: E402

if TYPE_CHECKING:
    from .job import PrintJob
    from .printer import Printer

# A text shorter than this is laid out in its short form first. Only a guess, to save a layout: the short form is
# kept only if the text ends on page 1, where the full form would have given way to it anyway. (The shipped short
# texts have about 180-220 words; the others, 400 and more.)
SHORT_FIRST_WORDS = 300
# When the text ends on page 1: of the column left free on page 1 and under the closing block on page 2, the share
# more text can fill (the page break, and the closing block moving whole, lose a line or two of each column).
# Measured on every shipped short sheet, in every language, and with a photo (benchmarks/room.py): the room said is
# 3-13 % below the words the sheet really still takes. (When the text runs on to page 2, see printing/columns.py.)
FILLABLE = 0.85
# The closing block alone, set as it is after text: what it takes of page 2 once more text pushes it there.
CLOSING_ALONE = "body > :not(.closing) { display: none !important; }"


@dataclass(frozen=True)
class Layout:
    """A sheet laid out as the contract keeps it, and how: the HTML (full or short) and the extra style used."""

    document: Document
    logs: list[logging.LogRecord]
    html: str
    css: str = ""


@dataclass(frozen=True)
class Assessment:
    """What the contract says of a laid-out sheet: what breaks it, and how full page 2 is."""

    problems: list[Problem]
    fit: Fit | None  # None when the sheet was not laid out as a sheet (content dropped)


def lay_out(printer: Printer, job: PrintJob, base_url: str) -> Layout:
    """Lay a sheet out to keep its two pages: a text that ends on page 1 gives page 2 to its closing block, laid
    out for a page of its own, and a photo is made less high when the text could not start under it on page 1."""
    if sum(section.words for section in job.sections) < SHORT_FIRST_WORDS:
        document, logs = printer.layout(job.short_html, base_url)
        if len(document.pages) == PAGE_COUNT and not body_lines(document.pages[1]):  # the text ends on page 1
            return Layout(document, logs, job.short_html)
    document, logs = printer.layout(job.html, base_url)
    if len(document.pages) < PAGE_COUNT or closing_alone(document):  # page 2 holds the closing block alone
        return Layout(*printer.layout(job.short_html, base_url), job.short_html)
    if (photo_mm := photo_height_for_text(document)) is not None:  # page 1 ends with text, under a smaller photo
        css = f".photo img {{ max-height: {photo_mm:.1f}mm; }}"
        return Layout(*printer.layout(job.html, base_url, css), job.html, css)
    return Layout(document, logs, job.html)


def assess(printer: Printer, job: PrintJob, layout: Layout, base_url: str) -> Assessment:
    """Check a laid-out sheet against the contract: pages past two, content dropped, text off the page; and
    measure how many words page 2 has room for, or how many must go."""
    document = layout.document
    problems = []
    fit = None
    if len(document.pages) > PAGE_COUNT:
        # Laid out once more, as it was, with a tall page 2: everything past page 1 lands on page 2, and the
        # overrun is measured exactly, in one place.
        tall, _ = printer.layout(layout.html, base_url, f"{layout.css}\n{tall_page_2(document)}")
        overrun = Overrun.of(document, tall)
        fit = Fit(-max(_words(overrun.column_mm, density(document, job)), 1))  # past page 2: a word too many at least
        problems.append(Problem(job.source, None, None, overrun.describe(len(document.pages), fit, job.sections)))
    elif dropped := missing_ids(document, [s.id for s in job.sections] + list(CLOSING_IDS)):
        problems.append(Problem(job.source, None, None, f"the layout dropped content ({', '.join(dropped)})"))
    else:
        fit = Fit(room(printer, job, layout, base_url))
    for item in off_page(document):  # nothing may run off the page or out of its column
        line, name = job.locator.find(item.text)
        problems.append(Problem(job.source, line, name, describe_off_page(item)))
    return Assessment(problems, fit)


def _words(column_mm: float, words_per_column_mm: float) -> int:
    return max(0, round(column_mm * words_per_column_mm))


# --- Measuring a laid-out sheet ---------------------------------------------------------------------


def density(document: Document, job: PrintJob) -> float:
    """Return the body's words per millimetre of column, its headings and the space between paragraphs included."""
    words = sum(section.words for section in job.sections)
    used = sum(_column_used(column) for column in _body_columns(document))
    return words / used if used > 0 and words > 0 else 0.0


def paragraph_density(document: Document) -> float:
    """Return the words per millimetre of column of the body's paragraphs, the space below each included: the
    density of the text a writer adds (0.0 when the body has no paragraph)."""
    heights: dict[object, float] = {}
    for page in document.pages:
        body = element_box(page, "main")
        for box in body.descendants() if body is not None else ():
            if isinstance(box, BlockBox) and box.element_tag == "p":  # a paragraph, or its part in one column
                heights[box.element] = heights.get(box.element, 0.0) + box.margin_height() / PX_PER_MM
    words = sum(len("".join(element.itertext()).split()) for element in heights)
    used = sum(heights.values())
    return words / used if used > 0 and words > 0 else 0.0


def room(printer: Printer, job: PrintJob, layout: Layout, base_url: str) -> int:
    """Return how many more words of paragraphs like the sheet's own its two pages take.

    When the text runs on to page 2, more text lengthens the balanced columns above the closing block until that
    block no longer fits below them: the balancing is replayed on the lines already laid out (printing/columns.py).

    When it ends on page 1, page 2 is the closing block's own, spread over the page and set larger. More text
    would fill page 1, then run on to page 2 and push the closing block, set as it is after text, down the page:
    the room is what page 1 has left below the text, and what that closing block leaves of page 2, measured on
    the closing block laid out alone (a fraction of a sheet's layout). A column that ends higher than the other
    (a heading kept with its text, a list kept whole) has room below it that more text fills first: it counts
    too."""
    document = layout.document
    first, last = document.pages[0], document.pages[PAGE_COUNT - 1]
    runs_on = bool(_body_columns(document, page=PAGE_COUNT - 1))
    bodies = [body for page in document.pages if (body := element_box(page, "main")) is not None]
    if runs_on and (shape := paragraph_shape(bodies)) is not None:
        main, closing = element_box(last, "main"), element_box(last, "footer")
        return flow_of(main, page_box(last), closing.margin_height() if closing is not None else 0.0, shape).room()
    body = element_box(first, "main")
    count = columns(body) if body is not None else 1
    if runs_on:  # a page 2 of lists and headings, with no paragraph to take the shape of: its blank counts
        free = _free_below(last) * count + _below_shorter_columns(element_box(last, "main"), count)
    else:
        alone, _ = printer.layout(closing_block_only(job.html), base_url, CLOSING_ALONE)
        closing = element_box(alone.pages[0], "footer")
        taken = closing.margin_height() if closing is not None else 0.0
        left = max(page_box(alone.pages[0]).height - taken, 0.0) / PX_PER_MM
        free = (_free_below(first, inside=body) + left) * count + _below_shorter_columns(body, count)
    return _words(free * FILLABLE, paragraph_density(document) or density(document, job))


def _below_shorter_columns(body, count: int) -> float:
    """Return the millimetres of column below the ends of the columns shorter than the longest, on one page."""
    if body is None:
        return 0.0
    tops = [column.position_y for column in body.children]
    ends = [column.position_y / PX_PER_MM + _column_used(column) for column in body.children]
    if not ends:
        return 0.0
    longest = max(ends)
    missing = max(count - len(ends), 0) * (longest - min(tops) / PX_PER_MM)  # a column with nothing on this page
    return sum(longest - end for end in ends) + missing


@dataclass(frozen=True)
class Overrun:
    """How far a sheet runs past the bottom of page 2, and what runs past it."""

    mm: float  # of page height: the columns are balanced, so this is how much each column is too long
    spilled: tuple[str, ...]  # ids of the sections and closing parts that start or continue past page 2
    columns: int  # the body text's columns: each is `mm` too long

    @property
    def column_mm(self) -> float:
        return self.mm * self.columns

    @classmethod
    def of(cls, document: Document, tall: Document) -> Overrun:
        """Measure the overrun on the same sheet laid out with a page 2 that holds everything (`tall`); what
        spilled is what the real layout (`document`) puts past page 2."""
        page = page_box(tall.pages[PAGE_COUNT - 1])
        over = _content_bottom(tall.pages[PAGE_COUNT - 1]) - (page.content_box_y() + page_box(document.pages[0]).height)
        spilled: list[str] = []
        for ids in placed_ids(document)[PAGE_COUNT:]:
            spilled.extend(sorted(i for i in ids if i not in spilled))
        body = element_box(document.pages[0], "main")
        return cls(max(over, 0.0) / PX_PER_MM, tuple(spilled), columns(body) if body is not None else 1)

    def describe(self, pages: int, fit: Fit, sections: tuple[Section, ...]) -> str:
        """Explain the overrun and suggest a cut, in one line."""
        spilled = [f"'{s.title or 'introduction'}' (line {s.line})" for s in sections if s.id in self.spilled]
        if len(spilled) > 3:  # the first few name where to look; the rest is a count
            spilled = [*spilled[:3], f"{len(spilled) - 3} more section{'s' if len(spilled) > 4 else ''}"]
        spilled += [name for element_id, name in CLOSING_NAMES.items() if element_id in self.spilled]
        extra = pages - PAGE_COUNT
        past = f"{self.mm:.0f} mm past page {PAGE_COUNT}"
        message = f"runs {extra} page{'s' if extra > 1 else ''} over two pages ({past})"
        if spilled:
            message += f"; spilled: {', '.join(spilled)}"
        longest = max(sections, key=lambda s: s.words, default=None)
        message += f"; cut about {fit.words_to_cut} words"
        if longest is not None:
            message += f", e.g. in '{longest.title or 'introduction'}' (line {longest.line}, {longest.words} words)"
        return message


def _bottom(box) -> float:
    return box.position_y + box.margin_height()


def _content_bottom(page) -> float:
    """Return the y position, in CSS px, where the last line or image of the page's flow ends."""
    bottoms = [
        _bottom(box)
        for child in page_box(page).children
        if not isinstance(child, MarginBox)
        for box in child.descendants()
        if isinstance(box, LineBox | ReplacedBox)
    ]
    return max(bottoms, default=page_box(page).content_box_y())


def _free_below(page, inside=None) -> float:
    """Return the millimetres between the last line of the page (or of the box `inside`) and the page's bottom."""
    box = page_box(page)
    if inside is not None:
        last = max((_bottom(b) for b in inside.descendants() if isinstance(b, LineBox | ReplacedBox)), default=None)
    else:
        last = _content_bottom(page)
    if last is None:
        return 0.0
    return max(box.content_box_y() + box.height - last, 0.0) / PX_PER_MM


def _body_columns(document: Document, page: int | None = None) -> list:
    """Return the column boxes of the body text, on one page or on all."""
    pages = document.pages if page is None else [document.pages[page]]
    columns = []
    for each in pages:
        body = element_box(each, "main")
        if body is not None:
            columns.extend(c for c in body.children if _column_used(c) > 0)
    return columns


def _column_used(column) -> float:
    """Return the millimetres of a column that its text fills, from its top to its last line."""
    bottoms = [_bottom(b) for b in column.descendants() if isinstance(b, LineBox | ReplacedBox)]
    return (max(bottoms) - column.position_y) / PX_PER_MM if bottoms else 0.0


def placed_ids(document: Document) -> list[set[str]]:
    """Return, for each page, the ids of the elements that have a box on it."""
    pages = []
    for page in document.pages:
        ids = set()
        for box in page_box(page).descendants():
            element = getattr(box, "element", None)
            if element is not None and (element_id := element.get("id")):
                ids.add(element_id)
        pages.append(ids)
    return pages


def missing_ids(document: Document, expected: list[str]) -> list[str]:
    """Return the ids among `expected` that have no box on any page (content the layout dropped)."""
    placed = set().union(*placed_ids(document))
    return [element_id for element_id in expected if element_id not in placed]
