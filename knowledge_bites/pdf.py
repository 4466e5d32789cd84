"""HTML to PDF with WeasyPrint: sandboxed fetching, the two-page contract, atomic writes."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Document
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .files import write_atomically
from .profiles import DEFAULT_PROFILE, profile
from .render import Section

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
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                mime, _ = mimetypes.guess_type(path.name)
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
                )
            if not any(path.is_relative_to(root) for root in self.roots):
                self.refused.append(url)
                raise ValueError(f"{url} is outside the project's asset folders and was not read")
            raise FileNotFoundError(f"{path} does not exist")
        self.refused.append(url)
        raise ValueError(f"{url} was not fetched: sheets may only use files inside the project")


class PrintError(Exception):
    """WeasyPrint reported a problem while writing the PDF; the file is not written."""


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
        self.stylesheet = CSS(
            filename=str(styles_dir / "sheet.css"), font_config=self.font_config, url_fetcher=self.fetcher
        )
        self.image_cache: dict = {}

    def layout(self, html: str, base_url: str) -> tuple[Document, list[logging.LogRecord]]:
        """Lay out one sheet; return the document and what WeasyPrint logged while doing it."""
        self.fetcher.refused.clear()
        with _captured_logs() as records:
            document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher).render(
                stylesheets=[self.stylesheet], font_config=self.font_config, cache=self.image_cache, **IMAGE_OPTIONS
            )
        return document, records

    def write(self, document: Document, target: Path, identity: str) -> tuple[int, str]:
        """Write the PDF atomically (temporary file, then rename); return its size and SHA-256."""
        identifier = hashlib.md5(identity.encode()).hexdigest().encode()  # stable across editions
        with _captured_logs() as records:
            data = document.write_pdf(pdf_identifier=identifier, **self.profile.write_options())
        # Tagging happens while writing (e.g. an image without alternative text): nothing logged there is ignored.
        if problems := [record.getMessage().splitlines()[0] for record in records]:
            standards = " and ".join(self.profile.standards)
            raise PrintError(f"not written, it would not meet {standards}: {'; '.join(problems)}")
        write_atomically(target, data)
        return len(data), hashlib.sha256(data).hexdigest()


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
