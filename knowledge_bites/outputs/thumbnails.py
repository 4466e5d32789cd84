"""Pictures of page 1 of each PDF for the newsletter and the catalogue, rasterised with pypdfium2."""

from __future__ import annotations

import io
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, PngImagePlugin

from ..files import write_atomically
from ..lifetime import end_with_parent, starting_helpers

# Newsletter width and a larger preview, in pixels.
WIDTHS = (600, 1200)
# The announcement shows the newsletter picture at half its pixels, so that it is sharp on high-density screens.
EMAIL_WIDTH = WIDTHS[0] // 2
# Stored in each PNG with the hash of its PDF: a PNG is remade when either differs. Change it when the way
# pictures are made changes, so that every PNG is made again.
RECIPE = "page 1, pdfium, widest trimmed to size, Lanczos from it, 256-colour octree palette"
SOURCE_KEY = "Source-SHA256"
RECIPE_KEY = "Recipe"


@dataclass(frozen=True)
class Thumbnail:
    """One picture of a PDF's first page."""

    width: int
    path: Path


def thumbnail_paths(folder: Path, pdf: Path) -> tuple[Thumbnail, ...]:
    """Return where the pictures of a PDF live: `<folder>/<pdf stem>-<width>.png`."""
    return tuple(Thumbnail(width, folder / f"{pdf.stem}-{width}.png") for width in WIDTHS)


def recorded_source(png: Path) -> tuple[str | None, str | None]:
    """Return the PDF hash and recipe recorded in a PNG, or (None, None) when it is missing or unreadable."""
    try:
        with Image.open(png) as image:
            # Our text chunks come before the image data, so `info` has them without decoding the picture
            # (`image.text` would decode it all). A PNG written otherwise just reads as not current.
            return image.info.get(SOURCE_KEY), image.info.get(RECIPE_KEY)
    except (OSError, SyntaxError, ValueError):
        return None, None


def is_current(thumbnails: tuple[Thumbnail, ...], pdf_sha256: str) -> bool:
    """Tell whether every picture exists and was made from exactly this PDF with the current recipe."""
    return all(recorded_source(t.path) == (pdf_sha256, RECIPE) for t in thumbnails)


def render_first_page(pdf: Path, width: int) -> tuple[Image.Image, tuple[float, float]]:
    """Rasterise page 1 of a PDF at `width` pixels, on white; return the picture and the page size in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        page_size = page.get_size()
        bitmap = page.render(scale=width / page_size[0], may_draw_forms=False)
        image = bitmap.to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    # pdfium rounds the bitmap size its own way: make it exact, so that pages of one size give pictures of one size.
    return _sized(image, page_size, width), page_size


def _sized(image: Image.Image, page_size: tuple[float, float], width: int) -> Image.Image:
    size = (width, round(page_size[1] * width / page_size[0]))
    if image.size == size:
        return image
    if all(0 <= have - want <= 1 for have, want in zip(image.size, size, strict=True)):
        return image.crop((0, 0, *size))  # pdfium rounded up by a pixel of page margin: drop it, do not resample
    return image.resize(size, Image.Resampling.LANCZOS)


def encode_png(image: Image.Image, pdf_sha256: str) -> bytes:
    """Encode a picture as a palette PNG that records its source; the same picture gives the same bytes."""
    # A sheet is flat colour and anti-aliased text: 256 colours look the same and take a quarter of the bytes.
    # Octree is six times faster than median cut, gives smaller files and looks the same at these sizes.
    palette = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    info = PngImagePlugin.PngInfo()
    info.add_text(SOURCE_KEY, pdf_sha256)
    info.add_text(RECIPE_KEY, RECIPE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def make(pdf: Path, pdf_sha256: str, thumbnails: tuple[Thumbnail, ...]) -> str | None:
    """Make the pictures of a PDF from one rendering of its widest size; return what went wrong, if anything."""
    try:
        widest = max(thumbnails, key=lambda t: t.width)
        large, page_size = render_first_page(pdf, widest.width)
        for thumbnail in thumbnails:
            write_atomically(thumbnail.path, encode_png(_sized(large, page_size, thumbnail.width), pdf_sha256))
    except Exception as error:  # a PDF pdfium cannot read stays a problem of that PDF; the others are made
        return f"{type(error).__name__}: {error}"
    return None


def _make(job: tuple[Path, str, tuple[Thumbnail, ...]]) -> str | None:
    return make(*job)


def make_all(jobs: list[tuple[Path, str, tuple[Thumbnail, ...]]], workers: int = 0) -> list[str | None]:
    """Make the pictures of several PDFs, in worker processes when there are several; return each one's error."""
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        return [_make(job) for job in jobs]
    with starting_helpers():  # the pool's queues may start the resource tracker
        pool = ProcessPoolExecutor(workers, initializer=end_with_parent)  # its workers end with the build
    with pool:
        try:
            return list(pool.map(_make, jobs))
        except BaseException:  # interrupted: make no more pictures
            pool.shutdown(wait=True, cancel_futures=True)
            raise
