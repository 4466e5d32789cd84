"""Pictures of a sheet's pages, drawn with pypdfium2 from its PDF, as PNG files that record the PDF they show.

The worker that prints a sheet draws them right after it writes the PDF (press.py): both pages, for the preview
and for anyone without it (output/pages/), and page 1 at the newsletter's sizes (output/thumbnails/). pdfium
renders each page once, at the page pictures' width; the thumbnail of half that width is that rendering halved,
each of its pixels the average of four, which the page's palette is chosen from anyway: as sharp as pdfium's own
rendering at that width (looked at side by side), for none of its cost. Another width is rendered by pdfium: that
is three times cheaper than resampling a larger rendering, and as sharp. A size asked twice (page 1 at 1200 pixels
is both a page picture and a thumbnail) is encoded once, and every picture of a page is drawn in one palette.

pypdfium2 and Pillow are loaded by the functions that draw: the main process names pictures without them.
"""

from __future__ import annotations

import itertools
import math
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_atomically

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image

PAGES = "pages"  # output/pages/<pdf stem>-1.png and -2.png
THUMBNAILS = "thumbnails"  # output/thumbnails/<pdf stem>-600.png and -1200.png
PAGE_WIDTH = 1200  # pixels: sharp at the 1,000 pixels high the preview shows a page at
THUMBNAIL_WIDTHS = (600, 1200)  # newsletter width, and a larger picture of page 1
# Stored in each PNG with the hash of its PDF: a picture is remade when either differs. Change the recipe when the
# way pictures are made changes, so that every picture is made again.
SOURCE_KEY = "Source-SHA256"
RECIPE_KEY = "Recipe"
RECIPE = (
    f"page {{page}}, pdfium at {PAGE_WIDTH} pixels (halved for {PAGE_WIDTH // 2}, rendered at other widths), trimmed"
    " to size, one 256-colour octree palette per page, zlib-ng level 2"
)
# The pixels are compressed with zlib-ng at its level 2: on the shipped sheets twice as fast as zlib's level 3,
# which Pillow's PNG encoder used, and the files a tenth smaller.
PNG_COMPRESSION = 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    """One picture of one page of a PDF, at a width in pixels."""

    path: Path
    page: int  # 1 or 2
    width: int

    @property
    def recipe(self) -> str:
        return RECIPE.format(page=self.page)


def page_pictures(output: Path, pdf: Path) -> tuple[Picture, ...]:
    """Return where the pictures of both pages of a PDF live: `<output>/pages/<pdf stem>-<page>.png`."""
    return tuple(Picture(output / PAGES / f"{pdf.stem}-{page}.png", page, PAGE_WIDTH) for page in (1, 2))


def thumbnails(output: Path, pdf: Path) -> tuple[Picture, ...]:
    """Return where the newsletter pictures of page 1 live: `<output>/thumbnails/<pdf stem>-<width>.png`."""
    return tuple(Picture(output / THUMBNAILS / f"{pdf.stem}-{width}.png", 1, width) for width in THUMBNAIL_WIDTHS)


def pictures_of(output: Path, pdf: Path) -> tuple[Picture, ...]:
    """Return every picture the build keeps of a PDF: both pages, then the thumbnails."""
    return page_pictures(output, pdf) + thumbnails(output, pdf)


def recorded_source(png: Path) -> tuple[str | None, str | None]:
    """Return the PDF hash and recipe recorded in a PNG, or (None, None) when it is missing or unreadable."""
    from PIL import Image

    try:
        with Image.open(png) as image:
            # Our text chunks come before the image data, so `info` has them without decoding the picture
            # (`image.text` would decode it all). A PNG written otherwise just reads as not current.
            return image.info.get(SOURCE_KEY), image.info.get(RECIPE_KEY)
    except (OSError, SyntaxError, ValueError):
        return None, None


def is_current(pictures: Iterable[Picture], pdf_sha256: str) -> bool:
    """Tell whether every picture exists and was made from exactly this PDF with the current recipe."""
    return all(recorded_source(p.path) == (pdf_sha256, p.recipe) for p in pictures)


def render_page(page: pdfium.PdfPage, width: int) -> Image.Image:
    """Rasterise one page at `width` pixels, on white."""
    page_size = page.get_size()
    scale = width / page_size[0]
    # pdfium makes its bitmap ceil(size x scale) pixels, a pixel more than the picture's size (rounded) at most:
    # that pixel of page margin is cropped as it renders (a crop of n points at this scale takes ceil(n x scale)
    # pixels), rather than by copying the picture afterwards.
    over = [math.ceil(side * scale) - want for side, want in zip(page_size, _size(page_size, width), strict=True)]
    crop = (0, over[1] / 2 / scale, over[0] / 2 / scale, 0) if all(0 <= extra <= 1 for extra in over) else (0, 0, 0, 0)
    # In RGB order straight from pdfium: the same pixels as converting its BGR, without a copy of every one.
    bitmap = page.render(scale=scale, crop=crop, may_draw_forms=False, rev_byteorder=True)
    image = bitmap.to_pil()
    if image.mode != "RGB":
        image = image.convert("RGB")
    return sized(image, page_size, width)  # pdfium rounds its own way: the picture is made exact whatever it did


def _size(page_size: tuple[float, float], width: int) -> tuple[int, int]:
    return width, round(page_size[1] * width / page_size[0])


def sized(image: Image.Image, page_size: tuple[float, float], width: int) -> Image.Image:
    """Return a page's picture at exactly `width` pixels (trimmed by a pixel of margin, or resampled)."""
    from PIL import Image

    size = _size(page_size, width)
    if image.size == size:
        return image
    if all(0 <= have - want <= 1 for have, want in zip(image.size, size, strict=True)):
        return image.crop((0, 0, *size))  # pdfium rounded up by a pixel of page margin: drop it, do not resample
    return image.resize(size, Image.Resampling.LANCZOS)


def palette_of(half: Image.Image) -> Image.Image:
    """Return the 256 colours that a page's pictures are drawn in, chosen from its page picture halved.

    A sheet is flat colour and anti-aliased text: 256 colours look the same as millions and take a quarter of the
    bytes. Octree chooses them six times faster than median cut, and as well; chosen from the picture halved in
    each direction, they come out as close to the page (measured on every shipped sheet: the same average
    difference per pixel), in half the time.
    """
    from PIL import Image

    return half.quantize(256, method=Image.Quantize.FASTOCTREE)


def encode_png(image: Image.Image, palette: Image.Image, pdf_sha256: str, recipe: str) -> bytes:
    """Encode a picture in the page's palette as a PNG that records its source; the same picture gives the same
    bytes.

    The file is an 8-bit palette PNG, with no filtering (as Pillow writes one): its header, the palette, the two
    text chunks (before the pixels, so that reading them decodes nothing), the pixels, and its end.
    """
    from PIL import Image
    from zlib_ng import zlib_ng

    # Each pixel takes the nearest colour of the palette, undithered: dots of dithering would blur the text.
    indexed = image.quantize(palette=palette, dither=Image.Dither.NONE)
    width, height = indexed.size
    pixels = indexed.tobytes()
    rows = b"".join(b"\0" + pixels[row : row + width] for row in range(0, width * height, width))  # filter: none
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8 bits, palette colour, no interlacing
    return b"".join(
        [
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes(indexed.getpalette() or [0, 0, 0])[: 3 * 256]),
            _chunk(b"tEXt", f"{SOURCE_KEY}\0{pdf_sha256}".encode("latin-1")),
            _chunk(b"tEXt", f"{RECIPE_KEY}\0{recipe}".encode("latin-1")),
            _chunk(b"IDAT", zlib_ng.compress(rows, PNG_COMPRESSION)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def draw(pdf: bytes | Path, pdf_sha256: str, pictures: Iterable[Picture]) -> None:
    """Draw the pictures of a PDF (its bytes, or its file): each page is loaded and rendered once, and all its
    pictures are drawn in the palette of that rendering."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        ordered = sorted(pictures, key=lambda p: p.page)  # grouped by page; each page is rendered once, at PAGE_WIDTH
        for number, group in itertools.groupby(ordered, key=lambda p: p.page):
            page = document[number - 1]
            try:
                _draw_page(page, pdf_sha256, list(group))
            finally:
                page.close()
    finally:
        document.close()


def _draw_page(page: pdfium.PdfPage, pdf_sha256: str, pictures: list[Picture]) -> None:
    full = render_page(page, PAGE_WIDTH)
    half = full.reduce(2)  # each pixel the average of four: the thumbnail of half the width, and the palette's source
    palette = palette_of(half)
    encoded: dict[int, bytes] = {}
    for picture in pictures:
        if picture.width not in encoded:
            if picture.width == full.width:
                image = full
            elif half.size == _size(page.get_size(), picture.width):
                image = half
            else:
                image = render_page(page, picture.width)
            encoded[picture.width] = encode_png(image, palette, pdf_sha256, picture.recipe)
        write_atomically(picture.path, encoded[picture.width])
