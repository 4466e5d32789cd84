"""HTML to PDF with WeasyPrint: sandboxed fetching, the two-page contract, atomic writes."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from .engine import import_weasyprint
from .files import write_atomically
from .jobs import Section
from .profiles import DEFAULT_PROFILE, profile
from .record import input_files

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

from weasyprint import CSS, HTML, Document  # noqa: E402
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox, TableBox, TextBox  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

PAGES = 2
PX_PER_MM = 96 / 25.4
# One line of body text is about 4.8 mm high and holds about 11 words; the body has two columns.
WORDS_PER_MM_OF_PAGE = 2 * 11 / 4.8
# Photos are downsampled to 200 dpi (office printing) and recompressed, so a sheet with a photo stays under 500 KB.
# WeasyPrint 70 reads these options when it loads images, that is in render(), not in write_pdf().
IMAGE_OPTIONS = {"dpi": 200, "jpeg_quality": 85, "optimize_images": True}


class SandboxFetcher(URLFetcher):
    """Fetch only files inside the project's asset folders; refuse everything else, and remember it."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the file behind a file: URL inside an allowed folder; raise for anything else."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            # resolve() follows symbolic links, so a link inside the project to /etc/passwd is outside too.
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                self.refused.append(url)
                raise ValueError(f"{url} is outside the project's asset folders and was not read")
            if not path.is_file():  # a folder, a pipe or a device is never opened: reading it may never end
                raise FileNotFoundError(f"{path} does not exist or is not a regular file")
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
            )
        self.refused.append(url)
        raise ValueError(f"{url} was not fetched: sheets may only use files inside the project")


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


class Printer:
    """One WeasyPrint set-up (fonts, stylesheet, fetcher) reused for every sheet of a worker."""

    def __init__(self, styles_dir: Path, asset_roots: list[Path], pdf_profile: str = DEFAULT_PROFILE) -> None:
        self.profile = profile(pdf_profile)  # which standards the PDFs meet (PDF/UA-1, PDF/A-3a)
        self.fetcher = SandboxFetcher(asset_roots)
        self.font_config = FontConfiguration()
        # The stylesheet, its @imports and its fonts are read here, once: keep what WeasyPrint says and
        # what the fetcher refuses, and report it with every sheet, since every sheet uses them.
        with _captured_logs() as self.setup_logs:
            self.stylesheet = CSS(
                filename=str(styles_dir / "sheet.css"), font_config=self.font_config, url_fetcher=self.fetcher
            )
        self.setup_refused = list(self.fetcher.refused)
        self.image_cache: dict = {}

    def layout(self, html: str, base_url: str) -> tuple[Document, list[logging.LogRecord]]:
        """Lay out one sheet; return the document and what WeasyPrint logged while doing it."""
        self.fetcher.refused[:] = self.setup_refused
        with _captured_logs() as records:
            records.extend(self.setup_logs)
            document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher).render(
                stylesheets=[self.stylesheet], font_config=self.font_config, cache=self.image_cache, **IMAGE_OPTIONS
            )
        # WeasyPrint caches a failed image as None and then stays silent about it: forget failures, so that
        # every sheet that uses a missing or refused image reports it, not only the first.
        for url in [url for url, image in self.image_cache.items() if image is None]:
            del self.image_cache[url]
        return document, records

    def draw(self, document: Document, identity: str) -> tuple[bytes, list[logging.LogRecord]]:
        """Draw the PDF in memory; return it and what WeasyPrint logged meanwhile (a character no font has,
        a tagging problem)."""
        identifier = hashlib.md5(identity.encode()).hexdigest().encode()  # stable across editions
        with _captured_logs() as records:
            data = document.write_pdf(pdf_identifier=identifier, **self.profile.write_options())
        return data, records

    @staticmethod
    def save(data: bytes, target: Path) -> tuple[int, str]:
        """Write a drawn PDF atomically (temporary file, then rename); return its size and SHA-256."""
        write_atomically(target, data)
        return len(data), hashlib.sha256(data).hexdigest()


_printers: dict[tuple[object, ...], Printer] = {}


def printer_for(styles_dir: Path, asset_roots: list[Path], pdf_profile: str = DEFAULT_PROFILE) -> Printer:
    """Return this process's printer for these styles: the one it already has while the stylesheet, fonts and
    logo are unchanged (a worker prints many sheets, under --watch over many builds), or a new one."""
    # Names, sizes and times of the styles' files tell an edit apart, without reading the fonts for every sheet.
    styles = tuple((path, (stat := path.stat()).st_size, stat.st_mtime_ns) for path in input_files(styles_dir))
    key = (styles_dir, tuple(asset_roots), pdf_profile, styles)
    if key not in _printers:
        _printers.clear()  # one set-up per process: the styles it was made from changed
        _printers[key] = Printer(styles_dir, asset_roots, pdf_profile)
    return _printers[key]


_NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.*)" \((U\+[0-9A-F]+)\)')


def log_line(record: logging.LogRecord) -> str:
    """Return what WeasyPrint logged as one printable line, in the words of someone who edits sheets."""
    message = record.getMessage()
    if match := _NOTDEF.match(message):
        shown = f"'{match[1]}' ({match[2]})" if match[1].isprintable() else match[2]
        return f"character {shown} is in none of the sheet's fonts and prints as a box: replace or remove it"
    first = message.split("\n", 1)[0]
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in first)


@contextmanager
def _captured_logs() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


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
        box = page._page_box
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


def missing_ids(document: Document, expected: list[str]) -> list[str]:
    """Return the ids among `expected` that have no box on any page (content the layout dropped)."""
    placed = set().union(*placed_ids(document))
    return [element_id for element_id in expected if element_id not in placed]


def describe_overflow(overflow: Overflow, sections: tuple[Section, ...]) -> str:
    """Explain an overflow and suggest a cut, in one line."""
    names = {
        "closing-cta": "the call to action",
        "closing-others": "the list of other practices",
        "closing-fineprint": "the funding statement and disclaimer",
    }
    spilled = [f"'{s.title or 'introduction'}' (line {s.line})" for s in sections if s.id in overflow.spilled]
    spilled += [name for element_id, name in names.items() if element_id in overflow.spilled]
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
