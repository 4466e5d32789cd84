"""Nothing runs off the page: every line, table and image stays inside the page's content area and its column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from .engine import import_weasyprint, page_box

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint import Document  # noqa: E402
from weasyprint.formatting_structure.boxes import MarginBox, ReplacedBox, TableBox, TextBox  # noqa: E402

PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class OffPage:
    """Something laid out past the edge of the page's content area, or of its text column."""

    page: int  # counted from 1
    kind: Literal["text", "table", "image"]
    text: str  # the text that runs off (for a table or an image: the text in it, or its file)
    over_mm: float  # how far past the edge it reaches
    edge: Literal["page", "column"]
    columns: int = 0  # for a table: how many columns it has


def off_page(document: Document) -> list[OffPage]:
    """Return every line, table or image that extends beyond the page's content area or its column.

    Running footers and page numbers (margin boxes) live outside the content area by design and are left out.
    """
    found: list[OffPage] = []
    for number, page in enumerate(document.pages, start=1):
        box = page_box(page)
        x, y = box.content_box_x(), box.content_box_y()
        area = (x, y, x + box.width, y + box.height)
        for child in box.children:
            if not isinstance(child, MarginBox):
                _find_off_page(child, area, "page", number, found)
    unique: dict[tuple, OffPage] = {}
    for item in found:  # one report per thing: a long word broken over lines or pages is one problem
        key = (item.kind, item.text)
        if key not in unique or item.over_mm > unique[key].over_mm:
            unique[key] = item
    return list(unique.values())


_TOLERANCE_PX = 1.0  # rounding in the layout; a real overflow is millimetres


def _find_off_page(box, area: tuple[float, float, float, float], edge: str, page: int, found: list[OffPage]) -> None:
    left, _top, right, bottom = area
    if isinstance(box, TextBox) and not box.text.strip():
        return  # a space between boxes paints nothing (on a right-to-left line it may be placed past the start)
    if isinstance(box, TableBox | ReplacedBox | TextBox):
        start = box.position_x
        end = start + box.margin_width()
        over = max(end - right, left - start, 0.0)
        if isinstance(box, ReplacedBox):
            over = max(over, box.position_y + box.margin_height() - bottom)
        if over > _TOLERANCE_PX:
            kind = "table" if isinstance(box, TableBox) else "image" if isinstance(box, ReplacedBox) else "text"
            columns = len(getattr(box, "column_widths", None) or []) if kind == "table" else 0
            found.append(OffPage(page, kind, _describe_box(box), round(over / PX_PER_MM, 1), edge, columns))
            if kind == "table":
                return  # one report for the table, not one for each of its cells
    children = getattr(box, "children", None) or []
    style = getattr(box, "style", None)
    if style is not None and (style["column_count"] != "auto" or style["column_width"] != "auto"):
        for column in children:  # a multi-column box holds one box per column, each as wide as the column
            column_area = (column.content_box_x(), area[1], column.content_box_x() + column.width, area[3])
            _find_off_page(column, column_area, "column", page, found)
        return
    for child in children:
        _find_off_page(child, area, edge, page, found)


def _describe_box(box) -> str:
    if isinstance(box, TextBox):
        return box.text.strip()
    if isinstance(box, ReplacedBox):
        element = getattr(box, "element", None)
        source = element.get("src", "") if element is not None else ""
        return unquote(source.rsplit("/", 1)[-1]) or "image"
    element = getattr(box, "element", None)  # a table: the text of its first cell, as written
    cell = next((c for c in element.iter() if c.tag in ("th", "td")), None) if element is not None else None
    return " ".join("".join(cell.itertext()).split()) if cell is not None else "table"


def describe_off_page(item: OffPage) -> str:
    """Explain, in one line, what runs off the page and what to do about it."""
    where = "its text column" if item.edge == "column" else "the page"
    shown = item.text if len(item.text) <= 40 else item.text[:37] + "..."
    if item.kind == "table":
        return (
            f"a table of {item.columns} columns (first cell '{shown}') is {item.over_mm:.0f} mm wider than {where} "
            f"on page {item.page}: use fewer columns or split it into smaller tables"
        )
    if item.kind == "image":
        return f"image '{shown}' runs {item.over_mm:.0f} mm past {where} on page {item.page}: use a smaller image"
    return (
        f"'{shown}' runs {item.over_mm:.0f} mm past the edge of {where} on page {item.page}: break it up or shorten it"
    )
