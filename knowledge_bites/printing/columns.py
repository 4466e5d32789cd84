"""What more text would do to page 2: a model of how WeasyPrint balances the body's columns there.

When the body text runs on to page 2, its two columns are balanced above the closing block, and the room left is
not simply the blank below them. WeasyPrint balances by trying a column height, then raising it by what the first
part that did not fit needs (a paragraph keeps three lines on each side of a break, a heading stays with its text,
a section's space below comes with it), so one more line can raise both columns by several lines, and the closing
block, which moves whole, goes to page 3 with millimetres to spare. Measured on the shipped sheets, the blank alone
misjudged the room by up to half.

So the room is found as WeasyPrint would find it, without laying the sheet out again: the lines already laid out
on page 2 (their heights, the space between them, which of them may end a column) become a flow, paragraphs like
the sheet's own are added at its end, and the balancing is replayed on that flow (WeasyPrint 70's
`layout/column.py`, which printing/engine.py pins) until the columns and the closing block no longer fit the page.
Tests (tests/test_room.py) hold the heights it gives against the real layout's, and the room against the words the
sheet really takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from .design import columns, lines_kept
from .engine import import_weasyprint

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint.formatting_structure.boxes import BlockBox, LineBox, ReplacedBox  # noqa: E402

PX = 1.0  # WeasyPrint raises a column by at least a CSS pixel per try, and ignores what is missing below one
EPSILON = 0.01  # px: rounding in the layout's own positions
MOST_WORDS = 5000  # more than two pages ever hold: the search for the room stops there whatever the flow says


@dataclass
class Item:
    """A line of text, or a part that is never broken (an image, a table), in the flow of page 2's columns."""

    top: float  # px, in the flow: as if both columns were one
    bottom: float
    element: Any  # the paragraph, list item or heading it is a line of (the part itself, when it is not broken)
    section: Any  # the part of the body it belongs to: WeasyPrint moves such parts into a column whole or in part
    lines: int = 1  # how many lines its element has in the flow
    index: int = 0  # which of them it is
    keep_with_next: bool = False  # no column may end after it (a heading's last line)
    margin_after: float = 0.0  # px: the space below the blocks that end with it, within its section
    section_margin: float = 0.0  # px: the space below its section, when its section ends with it
    kept: int = 3  # lines its element keeps on each side of a break (orphans and widows)


@dataclass(frozen=True)
class Shape:
    """The sheet's own paragraphs, as laid out: the text a writer adds is like them."""

    paragraph_words: int  # words in a paragraph, on average
    words_per_line: float  # words in a full line
    pitch: float  # px: the height of a line
    gap: float  # px: the space below a paragraph
    kept: int  # lines a paragraph keeps on each side of a break


@dataclass
class Flow:
    """Page 2's body text as WeasyPrint balances it into columns, and what the page leaves for it."""

    items: list[Item]
    max_height: float  # px: from the top of the columns to the bottom of the page
    limit: float  # px: the highest the columns may be for the closing block to stay on the page
    shape: Shape  # the paragraphs added: like the sheet's own
    count: int = 2  # columns
    _cache: dict[int, bool] = field(default_factory=dict)

    def room(self) -> int:
        """Return how many more words of paragraphs at the end of the text keep the closing block on page 2: added a
        paragraph at a time, as a writer adds them, up to the first that does not fit, then word by word within it
        (one more line can raise both columns by several, so the first overrun is found, not any)."""
        if not self.items or not self._fits(0):
            return 0
        low, high = 0, self.shape.paragraph_words
        while self._fits(high) and high < MOST_WORDS:
            low, high = high, high + self.shape.paragraph_words
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if self._fits(middle) else (low, middle)
        return low

    def height(self, words: int = 0, more_lines: int = 0) -> float | None:
        """Return the height WeasyPrint gives the columns with `words` more words (their last paragraph
        `more_lines` longer than expected), or None when they run on."""
        return _balance(self._with(words, more_lines), self.max_height, self.count)

    def _fits(self, words: int) -> bool:
        """Return whether `words` more words keep the closing block on page 2. How many lines a paragraph takes
        depends on its words: its last line is anything from nearly empty to full, so over k paragraphs the count
        varies by about the square root of k/12 lines; the new text is given that many lines more, rounded."""
        if words not in self._cache:
            spread = math.floor(math.sqrt(math.ceil(words / self.shape.paragraph_words) / 12) + 0.5)
            height = self.height(words, more_lines=spread)
            self._cache[words] = height is not None and height <= self.limit + EPSILON
        return self._cache[words]

    def _with(self, words: int, more_lines: int = 0) -> list[Item]:
        """Return the flow with `words` more words at its end, in paragraphs of the sheet's own length."""
        items = list(self.items)
        if words <= 0 or not items:
            return items
        last = items[-1]
        items[-1] = replace(last, section_margin=0.0)  # the section now ends with the new text
        position = last.bottom + last.margin_after
        shape = self.shape
        expected = 0.0  # lines, as many as paragraphs of these words take on average: their last line half full
        while words > 0:
            taken = min(words, shape.paragraph_words)
            words -= taken
            count = max(round(expected + taken / shape.words_per_line + 0.5) - round(expected), 1)
            count += more_lines if words == 0 else 0
            expected += taken / shape.words_per_line + 0.5
            element = object()
            for index in range(count):
                line = Item(position, position + shape.pitch, element, last.section, count, index, kept=shape.kept)
                items.append(line)
                position += shape.pitch
            items[-1].margin_after = shape.gap
            position += shape.gap
        items[-1].section_margin = last.section_margin
        return items


def paragraph_shape(bodies: list[Any]) -> Shape | None:
    """Return the shape of the paragraphs in the body boxes (`main`, one per page), or None when there are none.
    A paragraph's last line is half full on average, so a line holds its words over its lines less a half."""
    words: dict[int, int] = {}
    lines: dict[int, int] = {}
    pitches: list[float] = []
    boxes = []
    for body in bodies:
        for box in body.descendants():
            if isinstance(box, BlockBox) and box.element_tag == "p" and box.element is not None:
                key = id(box.element)
                words[key] = _words("".join(box.element.itertext()))
                heights = [line.height for line in box.children if isinstance(line, LineBox)]
                lines[key] = lines.get(key, 0) + len(heights)
                pitches.extend(heights)
                boxes.append(box)
    counted = [key for key in words if words[key] and lines[key]]
    if not counted:
        return None
    per_line = sum(words[key] for key in counted) / sum(lines[key] - 0.5 for key in counted)
    paragraph = round(sum(words[key] for key in counted) / len(counted))
    pitch = sorted(pitches)[len(pitches) // 2]
    gap = max(box.margin_bottom for box in boxes)
    return Shape(max(paragraph, 1), per_line, pitch, gap, lines_kept(boxes[-1]))


def _words(text: str) -> int:
    """Return how many words a text has (a dash alone is not a word)."""
    return sum(1 for word in text.split() if any(character.isalnum() for character in word))


def flow_of(main: Any, page: Any, closing_height: float, shape: Shape) -> Flow:
    """Return the flow of page 2's body text (`main`, its box on `page`, the page box), for a closing block
    `closing_height` high (px, its space above included), to which paragraphs of `shape` may be added."""
    items: list[Item] = []
    for column in main.children:
        start = len(items)
        for section in column.children:
            if _in_flow(section):
                _walk(section, [section], items)
        if start and len(items) > start:  # the column's first line follows the previous column's last in the flow
            shift = items[start - 1].bottom + _gap(items[start - 1], items[start]) - items[start].top
            for item in items[start:]:
                item.top += shift
                item.bottom += shift
    counts: dict[int, int] = {}
    for item in items:
        item.index = counts.get(id(item.element), 0)
        counts[id(item.element)] = item.index + 1
    for item in items:
        item.lines = counts[id(item.element)]
    bottom = page.content_box_y() + page.height
    return Flow(
        items,
        max_height=bottom - main.position_y,
        limit=bottom - main.position_y - closing_height,
        shape=shape,
        count=columns(main),
    )


def _walk(box: Any, chain: list[Any], items: list[Item]) -> None:
    """Add the lines and unbroken parts under `box` (the last of `chain`, the boxes from the column down) to
    `items`, with what each ends and keeps."""
    line = isinstance(box, LineBox)
    whole = isinstance(box, ReplacedBox) or (len(chain) > 1 and box.style["break_inside"] in ("avoid", "avoid-column"))
    start = len(items)
    if line or whole:
        owner = chain[-1] if line else box
        top = box.position_y if line else box.position_y + box.margin_top
        bottom = top + (box.height if line else box.border_height())
        items.append(Item(top, bottom, owner.element, chain[0].element, kept=lines_kept(owner) if line else 1))
    else:
        for child in getattr(box, "children", ()):
            if _in_flow(child):
                _walk(child, chain if isinstance(child, LineBox) else [*chain, child], items)
    if line or len(items) == start:
        return
    last = items[-1]  # the box ends with it: a column may not end after it if the box says so; its space below
    last.keep_with_next = last.keep_with_next or box.style["break_after"] in ("avoid", "avoid-column")
    if box is chain[0]:
        last.section_margin = max(last.margin_after, box.margin_bottom)
    else:
        last.margin_after = max(last.margin_after, box.margin_bottom)


def _in_flow(box: Any) -> bool:
    return not hasattr(box, "is_in_normal_flow") or box.is_in_normal_flow()


def _gap(before: Item, after: Item) -> float:
    """Return the space between two items that follow each other in the flow (collapsed margins)."""
    if before.element is after.element:
        return 0.0
    return max(before.margin_after, before.section_margin if before.section is not after.section else 0.0)


def _break_allowed(items: list[Item], at: int, start: int) -> bool:
    """Return whether a column that began at item `start` may end before item `at`."""
    before, after = items[at - 1], items[at]
    if before.element is after.element:  # inside a paragraph: it keeps lines on each side
        placed = sum(1 for item in items[start:at] if item.element is before.element)
        return placed >= before.kept and before.lines - after.index >= after.kept
    return not before.keep_with_next


@dataclass(frozen=True)
class Column:
    end: int  # index of the first item it does not hold
    consumed: float  # px: what it holds, as WeasyPrint counts it to balance
    height: float  # px: its height (the space below its last block counts only in the column that ends the text)
    needed: float  # px: what the first line left over needs to come into it (infinite when nothing is left)


def _column(items: list[Item], start: int, height: float) -> Column:
    """Lay one column out from item `start`, `height` px high, as WeasyPrint fills a column."""
    if start >= len(items):
        return Column(start, 0.0, 0.0, math.inf)
    base = items[start].top
    fitting = start
    while fitting < len(items) and items[fitting].bottom - base <= height + EPSILON:
        fitting += 1
    end = fitting
    if end < len(items):
        end = next((at for at in range(fitting, start, -1) if _break_allowed(items, at, start)), start)
    if end == start:
        return Column(start, 0.0, 0.0, math.inf)
    last = items[end - 1]
    continues = end < len(items) and items[end].element is last.element
    below = 0.0 if continues else max(last.margin_after, last.section_margin)  # the space below it, in the column
    bottom = last.bottom - base + below
    consumed = bottom - (last.section_margin if not continues else 0.0)  # WeasyPrint leaves out the section's own
    if end >= len(items):  # the column ends the text: the space below its last block counts
        return Column(end, consumed, bottom, math.inf)
    if items[end].section is last.section:  # a section broken by the column reaches the column's bottom
        consumed = bottom = height
    # What the next part needs: WeasyPrint lays the rest out with no room at all, which places its first line only.
    needed = items[end].bottom - items[end].top - (height - bottom)
    return Column(end, consumed, bottom if consumed == bottom else last.bottom - base, needed)


def _balance(items: list[Item], max_height: float, count: int) -> float | None:
    """Return the height WeasyPrint gives `count` balanced columns holding `items`, or None if they run on."""
    if not items:
        return 0.0
    height = max_height
    first = _columns(items, height, count)
    if first[-1].end < len(items):
        return None
    height = sum(column.consumed for column in first) / count
    while True:
        columns = _columns(items, height, count)
        if columns[-1].end >= len(items):
            return min(max_height, max(column.height for column in columns))
        lost = min((column.needed for column in columns if column.needed > PX), default=math.inf)
        height += PX if math.isinf(lost) else lost
        if height > max_height:
            return None


def _columns(items: list[Item], height: float, count: int) -> list[Column]:
    columns, start = [], 0
    for _ in range(count):
        column = _column(items, start, height)
        columns.append(column)
        start = column.end
        if start >= len(items):
            break
    return columns
