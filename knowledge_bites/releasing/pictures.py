"""Where two pictures of one page differ: the changed areas, as boxes around the lines that changed.

The pictures are those the build already drew of each page (output/pages/, and the same kept in each release).
Pillow compares them in C: the difference of the two, then the bounding box of what differs in each band of a few
pixels across the page, merged into areas. Nothing is looked at pixel by pixel in Python.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

BAND = 6  # pixels: the page is looked at in bands this high (a line of body text is about 20 at 1,200 wide)
GAP = 14  # pixels of unchanged page that still join two changed bands into one area (the space between lines)
COLUMN_GAP = 40  # pixels of unchanged width that split an area in two, side by side (the gap between columns)
MARGIN = 8  # pixels around each area as outlined
THRESHOLD = 24  # of 255: smaller differences of colour (the edge of a letter drawn a shade apart) do not count
_MASK = [255 if value > THRESHOLD else 0 for value in range(256)]


@dataclass(frozen=True)
class Box:
    """A changed area of a page, in pixels of its picture."""

    left: int
    top: int
    right: int
    bottom: int

    def as_fractions(self, size: tuple[int, int]) -> tuple[float, float, float, float]:
        """Return the area as percentages of the page's width and height: left, top, width, height."""
        width, height = size
        return (
            100 * self.left / width,
            100 * self.top / height,
            100 * (self.right - self.left) / width,
            100 * (self.bottom - self.top) / height,
        )


@dataclass(frozen=True)
class PageDifference:
    """How one page's two pictures differ."""

    page: int
    size: tuple[int, int]  # of the newer picture
    boxes: tuple[Box, ...]  # empty: the same pixels
    problem: str | None = None  # a picture is missing or cannot be read

    @property
    def changed(self) -> bool:
        return bool(self.boxes) or self.problem is not None


def _spans(flags: list[bool], gap: int) -> Iterator[tuple[int, int]]:
    """Yield (first, last) index of each run of True, runs less than `gap` apart joined."""
    start = end = None
    for index, flag in enumerate(flags):
        if not flag:
            continue
        if start is not None and end is not None and index - end > gap:
            yield start, end
            start = None
        if start is None:
            start = index
        end = index
    if start is not None and end is not None:
        yield start, end


def changed_areas(before: Path, after: Path, page: int) -> PageDifference:
    """Compare two pictures of a page; return the areas that changed."""
    from PIL import Image, ImageChops

    try:
        with Image.open(before) as old, Image.open(after) as new:
            a, b = old.convert("RGB"), new.convert("RGB")
    except (OSError, ValueError) as error:
        return PageDifference(page, (0, 0), (), f"no picture to compare ({error})")
    size = b.size
    if a.size != b.size:
        return PageDifference(page, size, (Box(0, 0, *size),))
    mask = ImageChops.difference(a, b).convert("L").point(_MASK)
    if mask.getbbox() is None:
        return PageDifference(page, size, ())
    width, height = size
    # One cell per BAND × BAND pixels, not 0 where anything in it changed (a mean of 255s and 0s), read as bytes.
    small = mask.reduce(BAND)
    cells_wide, cells_high = small.size
    data, no_row = small.tobytes(), bytes(cells_wide)
    rows = [data[i * cells_wide : (i + 1) * cells_wide] != no_row for i in range(cells_high)]
    boxes = []
    for first, last in _spans(rows, GAP // BAND):
        high = last + 1 - first
        block = small.crop((0, first, cells_wide, last + 1)).transpose(Image.Transpose.TRANSPOSE).tobytes()
        no_column = bytes(high)
        columns = [block[i * high : (i + 1) * high] != no_column for i in range(cells_wide)]
        for left_cell, right_cell in _spans(columns, COLUMN_GAP // BAND):
            area = (left_cell * BAND, first * BAND, min((right_cell + 1) * BAND, width), min((last + 1) * BAND, height))
            inner = mask.crop(area).getbbox()
            if inner is None:
                continue
            x0, y0, x1, y1 = inner
            boxes.append(
                Box(
                    max(0, area[0] + x0 - MARGIN),
                    max(0, area[1] + y0 - MARGIN),
                    min(width, area[0] + x1 + MARGIN),
                    min(height, area[1] + y1 + MARGIN),
                )
            )
    return PageDifference(page, size, tuple(boxes))


def _compare(job: tuple[tuple[Path, Path, int], ...]) -> list[PageDifference]:
    return [changed_areas(*pair) for pair in job]


def compare_all(jobs: list[tuple[tuple[Path, Path, int], ...]], workers: int = 0) -> list[list[PageDifference]]:
    """Compare the pages of several sheets (each job: its pages' pairs of pictures), one thread per core: Pillow
    lets go of Python while it decodes and compares, so the threads run side by side with no process to start."""
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [_compare(job) for job in jobs]
    with ThreadPoolExecutor(workers, thread_name_prefix="review") as pool:
        return list(pool.map(_compare, jobs))
