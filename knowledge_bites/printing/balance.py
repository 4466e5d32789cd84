"""How a sheet fills its two pages: page 1 ends with text, and a short text gets a page 2 designed for it.

- The body's first lines need room for a heading and three lines (a paragraph keeps at least three lines on
  each side of a break). When page 1 has less room than that under the facts, the whole body moves to page 2
  and page 1 ends with an empty band above its footer. The only part of page 1 whose size may give way is the
  photo: it is made less high, by what the text lacks, and the sheet is laid out again.
- When the text ends on page 1, page 2 holds the closing block alone: the sheet is laid out again in its short
  form, whose closing block is spaced for a page of its own (styles/sheet.css, `body.short`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .design import PAGE_COUNT, lines_kept
from .edges import PX_PER_MM
from .engine import import_weasyprint, page_box

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint import Document  # noqa: E402
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox  # noqa: E402

HEADINGS = ("h2", "h3", "h4")
SMALLEST_PHOTO_MM = 35.0  # a photo is never made less high than this: the band stays instead


def _flow(page: Any) -> Iterator[Any]:
    """Yield the boxes of a page's content area (not its running footer or page number), depth first."""
    for child in page_box(page).children:
        if not isinstance(child, MarginBox):
            yield child
            yield from child.descendants()


def _element(box: Any) -> Any:
    return getattr(box, "element", None)


def element_box(page: Any, tag: str) -> Any | None:
    """Return the first box of the page's content area made by an element with this tag (`main`, `footer`)."""
    return next((box for box in _flow(page) if _element(box) is not None and _element(box).tag == tag), None)


def body_lines(page: Any) -> list[Any]:
    """Return the line boxes of the body text (the <main> element) on a page, in order."""
    main = element_box(page, "main")
    return [] if main is None else [line for line in main.descendants() if isinstance(line, LineBox)]


def _photo(page: Any) -> Any | None:
    """Return the image box of the photo on a page, if it has one."""
    for box in _flow(page):
        if _element(box) is not None and "photo" in (_element(box).get("class") or "").split():
            return next((image for image in box.descendants() if isinstance(image, ReplacedBox)), None)
    return None


def _flow_end(page: Any) -> float:
    """Return where the last block of the page's content ends, its bottom margin included (CSS px)."""
    (html,) = [box for box in page_box(page).children if not isinstance(box, MarginBox)]
    blocks = [block for body in html.children for block in body.children if block.is_in_normal_flow()]
    return max((block.position_y + block.margin_height() for block in blocks), default=html.content_box_y())


def _start_height(lines: list[Any], top: float) -> float:
    """Return the height from `top` to the end of the first lines the body can start a page with: its heading,
    then the first block of text whole, or its first lines if the block is long enough to be broken."""
    start = 0
    while start < len(lines) and _element(lines[start]) is not None and _element(lines[start]).tag in HEADINGS:
        start += 1
    if start == len(lines):
        return lines[-1].position_y + lines[-1].margin_height() - top
    block = [line for line in lines[start:] if _element(line) is _element(lines[start])]
    least = lines_kept(block[0])  # a paragraph keeps this many lines on each side of a break (styles/sheet.css)
    keep = least if len(block) >= 2 * least else len(block)
    line = block[keep - 1]
    return line.position_y + line.margin_height() - top


def photo_height_for_text(document: Document) -> float | None:
    """Return how high (mm) the photo must be for the body text to start on page 1, when the text runs on to
    page 2 without starting on page 1; None when it starts there, there is no photo, or it would be too small."""
    if len(document.pages) < PAGE_COUNT or body_lines(document.pages[0]):
        return None
    photo = _photo(document.pages[0])
    next_lines = body_lines(document.pages[1])  # page 2, where the text starts
    if photo is None or not next_lines:
        return None
    first, second = page_box(document.pages[0]), page_box(document.pages[1])
    room = first.content_box_y() + first.height - _flow_end(document.pages[0])
    needed = _start_height(next_lines, second.content_box_y())
    height = (photo.height - (needed - room)) / PX_PER_MM - 0.5  # half a millimetre for rounding
    return height if height >= SMALLEST_PHOTO_MM else None


def closing_alone(document: Document) -> bool:
    """Return whether the body text ends on page 1, leaving page 2 to the closing block alone."""
    pages = document.pages
    return len(pages) == PAGE_COUNT and bool(body_lines(pages[0])) and not body_lines(pages[PAGE_COUNT - 1])
