"""Images a sheet uses, checked before layout: real, readable, reasonably sized files inside content/."""

from __future__ import annotations

import base64
import os
import re
import stat
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from PIL import Image, ImageFile, UnidentifiedImageError

from ..files import FileState, state_of

# A printed sheet needs at most about 2,500 pixels across; a camera photo has 12 to 50 megapixels.
# Past this, decoding would only cost memory and time (or be a decompression bomb), so the header decides.
MAX_PIXELS = 60_000_000
MAX_BYTES = 30_000_000
# The smallest JPEG of a given size there can be is one of a single flat colour: about 0.003 bytes a pixel, grey and
# progressive. A file with a tenth of that cannot hold its pixels.
MIN_JPEG_BYTES_PER_PIXEL = 0.0003
RASTER_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
SVG_NS = "{http://www.w3.org/2000/svg}"
_URL_ATTRIBUTES = {"href", "src", "{http://www.w3.org/1999/xlink}href"}
_CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")\s]*)|@import\s+['"]([^'"]*)""", re.IGNORECASE)


class ImageError(ValueError):
    """An image reference or file that cannot be used; the message says why and what to do."""


def resolve(reference: str, content_root: Path, *, url: bool = False) -> Path:
    """Return the file an image reference names inside `content_root`; raise ImageError otherwise.

    `url` is true for Markdown images, whose paths are URLs (`my%20photo.jpg`); `photo.file` is a plain path.
    """
    shown = reference.strip()
    if not shown:
        raise ImageError("no image file given")
    if not shown.isprintable():
        shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in shown)
        raise ImageError(f"'{shown}' has an invisible control character in it: write the file's path as it is")
    if "\\" in shown:
        fixed = shown.replace("\\", "/")
        raise ImageError(f"'{shown}' has backslashes: write image paths with forward slashes, e.g. {fixed}")
    parts = urlsplit(shown)
    if parts.scheme in ("http", "https"):
        raise ImageError(f"'{shown}' is a web address and was not fetched: save the image under content/ instead")
    if parts.scheme == "data":
        raise ImageError("embedded data: images are not used: save the image as a file under content/ instead")
    if parts.scheme and len(parts.scheme) > 1:
        raise ImageError(f"'{shown}' is not a file inside the project and was not read: give a path under content/")
    path_text = unquote(parts.path) if url else shown
    if not path_text.isprintable():  # `%00`: a NUL is in no file's name
        raise ImageError(f"'{shown}' names a file with an invisible control character: write the file's path as it is")
    if path_text.startswith(("/", "\\")) or parts.scheme:
        raise ImageError(f"'{shown}' is an absolute path and was not read: give the path relative to content/")
    root = content_root.resolve()
    candidate = root / path_text
    inside = Path(os.path.normpath(candidate)).is_relative_to(root)
    if not inside:
        raise ImageError(f"'{shown}' is outside the content folder and was not read: give a path under content/")
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise ImageError(f"'{shown}' is a link to a file outside the content folder and was not read")
    try:
        mode = resolved.stat().st_mode
    except OSError:
        raise ImageError(f"'{shown}' does not exist (image paths are relative to content/)") from None
    if not stat.S_ISREG(mode):
        raise ImageError(f"'{shown}' is not a regular file and was not read")
    return resolved


# An image in the text prints at its size in pixels (one pixel a CSS pixel, 1/96 inch), and at most as wide as a
# column of the body (styles/sheet.css: A4, 15 mm margins, two columns 7 mm apart): 86.5 mm, 327 pixels. A wider one
# is scaled down to the column, and the type drawn in it with it. Type drawn 12 pixels high (9 pt on a screen, as
# charts usually label) stays 7 pt or larger, the house style's smallest, up to 420 pixels across.
COLUMN_MM = 86.5
COLUMN_PIXELS = round(COLUMN_MM / 25.4 * 96)
SMALLEST_PT, LABEL_PT = 7, 9
READABLE_PIXELS = int(COLUMN_PIXELS * LABEL_PT / SMALLEST_PT)  # 420
SHRUNK_TOO_FAR = 0.5  # scaled to less than half its size, a picture's type is too small unless drawn very large


def small_type(path: Path) -> str | None:
    """Say, for an image in the text, how small its type prints when the column scales it down to less than half
    its size (from its width in pixels; a drawing's type size cannot be told); None when it does not."""
    state = state_of(path)
    if state is None or path.suffix.lower() == ".svg":  # a drawing in SVG has no size in pixels to scale from
        return None
    width = _width_cached(path, state)
    if not width or COLUMN_PIXELS / width >= SHRUNK_TOO_FAR:
        return None
    scale = COLUMN_PIXELS / width
    return (
        f"is {width:,} pixels wide and prints {COLUMN_MM:g} mm wide, at {scale:.0%} of its size, so text drawn in it "
        f"at 12 pixels prints at about {LABEL_PT * scale:.1f} pt (the smallest readable size is {SMALLEST_PT} pt): "
        f"draw it about {READABLE_PIXELS} pixels wide, or with type {SMALLEST_PT / (LABEL_PT * scale):.0f} times as "
        "large"
    )


@lru_cache(maxsize=256)
def _width_cached(path: Path, state: FileState) -> int | None:
    with _pillow_for_checking():
        try:
            with Image.open(path) as image:  # the header alone
                return image.size[0]
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            return None


def check(path: Path) -> str | None:
    """Return what is wrong with the image file at `path` (already resolved), or None if it can be printed."""
    state = state_of(path)
    if state is None:
        return "cannot be read (it is missing, or not a regular file)"
    return _check_cached(path, state)  # checked once per version of the file (under --watch, once per edit)


@lru_cache(maxsize=256)
def _check_cached(path: Path, state: FileState) -> str | None:
    size = state.size
    if size > MAX_BYTES:
        return f"the file is {size / 1e6:.0f} MB; images may be at most {MAX_BYTES / 1e6:.0f} MB: scale it down"
    if size == 0:
        return "the file is empty: it is not an image"
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if path.suffix.lower() == ".svg":
        return _check_svg(data)
    return _check_raster(data)


@contextmanager
def _pillow_for_checking() -> Iterator[None]:
    """Set Pillow up to check, not to print: open any header, refuse truncated data.

    The pixel count is checked here, from the header, before a single pixel is decoded, so Pillow's own
    decompression-bomb limit is lifted while the header is read. WeasyPrint tells Pillow to load truncated
    images (it prints what it can); a check must see them, so that is switched off meanwhile.
    """
    limit, truncated = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = None, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = limit, truncated


def _check_raster(data: bytes) -> str | None:
    with _pillow_for_checking():
        return _check_raster_data(data)


def _check_raster_data(data: bytes) -> str | None:
    try:
        image = Image.open(BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return "not an image that can be printed: use a PNG, JPEG, GIF, WebP or SVG file"
    with image:
        if image.format not in RASTER_FORMATS:
            return f"a {image.format} image, which sheets do not use: save it as PNG or JPEG"
        width, height = image.size
        if width * height > MAX_PIXELS:  # before any decoding: a decompression bomb is never opened
            return (
                f"{width:,} × {height:,} pixels is too large to print ({width * height / 1e6:,.0f} megapixels, "
                f"at most {MAX_PIXELS / 1e6:.0f}): scale it down to about 2,500 pixels across"
            )
        if width == 0 or height == 0:
            return "the image has no pixels"
        if image.format == "JPEG" and len(data) < width * height * MIN_JPEG_BYTES_PER_PIXEL:
            # libjpeg fills in grey what a cut-short file lacks, and tells only in a warning Pillow does not pass on
            return (
                f"the JPEG file declares {width:,} × {height:,} pixels but holds only {len(data):,} bytes: it is "
                "damaged or cut short: copy or export it again"
            )
        try:
            if image.format == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # all the data, an eighth of the pixels
            image.load()  # decodes everything, so a truncated or damaged file shows here, not in the PDF
        except (OSError, ValueError, SyntaxError, EOFError, struct.error) as error:
            kind = RASTER_FORMATS[image.format]
            if "truncated" in str(error):
                return f"the {kind} file is truncated (cut short): copy or export it again"
            return f"the {kind} file is damaged ({error}): copy or export it again"
    return None


def _check_svg(data: bytes) -> str | None:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        # Entities can expand a few bytes into gigabytes or pull in outside files: never parse them.
        return "SVG with a DOCTYPE or entity declarations is not used: export it again as plain SVG"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        return f"not a valid SVG file ({error}): export it again"
    if root.tag != f"{SVG_NS}svg":
        return "not an SVG image (no <svg> root element): export it again"
    for element in root.iter():
        tag = str(element.tag).removeprefix(SVG_NS)
        if tag == "script":
            return "the SVG contains a script: export it again without scripts"
        references = [value for name, value in element.attrib.items() if name in _URL_ATTRIBUTES]
        css = (element.attrib.get("style") or "") + (element.text or "" if tag == "style" else "")
        references += [url or imported for url, imported in _CSS_REFERENCE.findall(css)]
        for reference in references:
            if problem := _svg_reference_problem(reference.strip()):
                return problem
    return None


def _svg_reference_problem(reference: str) -> str | None:
    if not reference or reference.startswith("#"):
        return None
    if reference.lower().startswith("data:"):
        header, _, payload = reference.partition(",")
        if "svg" in header.lower():
            return "the SVG embeds another SVG: export it again as one flat SVG"
        if ";base64" in header.lower():
            try:
                embedded = base64.b64decode(payload, validate=False)
            except ValueError:
                return "the SVG embeds an image that cannot be decoded: export it again"
            if problem := _check_raster(embedded):
                return f"the SVG embeds an image that cannot be used: {problem}"
        return None
    return f"the SVG refers to an outside file '{reference[:60]}', which is not read: embed it or remove the reference"
