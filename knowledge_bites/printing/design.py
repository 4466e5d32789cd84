"""What the two-page contract knows of the sheet's design, in one place.

The stylesheet (styles/sheet.css) and the template (templates/sheet.html) decide how a sheet is laid out; the
contract and the balance of its pages measure that layout. A fact the laid-out boxes carry in their computed style
(how many columns the body text is set in, how many lines a paragraph keeps on each side of a break, how wide the
page is) is read from them here, never copied. The rest (how many pages a sheet has, which parts of the closing
block every sheet must show) is named here once, and tests/test_design.py holds it against the stylesheet and the
template.
"""

from __future__ import annotations

from typing import Any

from .edges import PX_PER_MM

PAGE_COUNT = 2  # every sheet is exactly two pages (`body.short .closing` in styles/sheet.css is sized to keep it)
# The closing block (templates/sheet.html), which every sheet must show in full: the call to action, and the
# funding and disclaimer. The list of other practices may be cut short by the layout, and is named when it spills.
CLOSING_IDS = ("closing-cta", "closing-fineprint")
CLOSING_NAMES = {
    "closing-cta": "the call to action",
    "closing-others": "the list of other practices",
    "closing-fineprint": "the funding statement and disclaimer",
}
# Where the closing block starts in a sheet's HTML (templates/sheet.html): laid out alone, it needs nothing before it.
CLOSING_START = '<footer class="closing">'
TALL_PAGE_MM = 5000  # a page 2 tall enough for any sheet the build accepts, to measure how far one runs over


def columns(box: Any) -> int:
    """Return how many columns a laid-out box sets its text in (the body text's `columns` in styles/sheet.css)."""
    count = box.style["column_count"]
    return count if isinstance(count, int) and count > 0 else 1


def lines_kept(box: Any) -> int:
    """Return how many lines a paragraph keeps on each side of a page or column break (its `orphans` and `widows`)."""
    return max(int(box.style["orphans"]), int(box.style["widows"]))


def tall_page_2(document: Any) -> str:
    """Return the style that makes page 2 and after as wide as the sheet's page 1 and tall enough for anything."""
    width = round(document.pages[0].width / PX_PER_MM, 3)
    return f"@page :nth(n+2) {{ size: {width:g}mm {TALL_PAGE_MM}mm; }}"


def closing_block_only(html: str) -> str:
    """Return a sheet's HTML with nothing in its body before the closing block, to lay that block out alone: the
    same block at the same size, without styling the rest only to hide it (40-50 ms instead of 55-70 ms)."""
    body = html.find("<body")
    start = html.find(CLOSING_START)
    if body < 0 or start < body:
        return html  # not the shape the template gives: laid out whole, the rest hidden by the style
    return html[: html.index(">", body) + 1] + html[start:]
