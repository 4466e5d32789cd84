"""The brand's fonts beside the catalogue page: Lato (and Noto Naskh Arabic for the Arabic script) as WOFF2 files
in output/fonts/, so the page that shares the sheets is set like them, opened from disk, with nothing fetched from
a network.

Each file is the shipped TrueType font, kept to the letters, punctuation and symbols of its script (Latin for
Lato, Arabic for Noto Naskh Arabic), as WOFF2. A file's name carries a hash of its source and of how it was made: a file
that exists is current, and the fonts are converted again only when a font in styles/fonts/ changes. A
conversion takes about two seconds, so its result is also kept in the user's cache folder
(`~/.cache/knowledge-bites/`, or under $XDG_CACHE_HOME): a new output folder, or another copy of the project,
gets the same files without converting them again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontTools

from ..files import relative_link, write_atomically
from ..names import FONTS

FAMILY = "Lato"
ARABIC_FAMILY = "Noto Naskh Arabic"
# Basic Latin, Latin-1 and Latin Extended-A (the letters of English, Spanish, French, Portuguese and most European
# languages), general punctuation, the euro sign, arrows and the minus sign. A character outside these is drawn
# in the reader's own sans-serif.
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x2190, 0x2193), (0x2212, 0x2212))
# The Arabic block and its supplements, the presentation forms, and the joiners and direction marks.
ARABIC_RANGES = ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0x200C, 0x200F))
# The faces the catalogue uses (styles/catalogue.css): regular text, bold, and black for the big headings; the
# Arabic edition's text in regular and bold. Each: family, file in styles/fonts/, weight, the characters kept.
FACES = (
    (FAMILY, "Lato-Regular.ttf", 400, RANGES),
    (FAMILY, "Lato-Bold.ttf", 700, RANGES),
    (FAMILY, "Lato-Black.ttf", 900, RANGES),
    (ARABIC_FAMILY, "NotoNaskhArabic-Regular.ttf", 400, ARABIC_RANGES),
    (ARABIC_FAMILY, "NotoNaskhArabic-Bold.ttf", 700, ARABIC_RANGES),
)
LICENCE = "OFL.txt"  # the SIL Open Font License goes with every copy of the fonts, with each font's own notice
LICENCES = (LICENCE, "NotoNaskhArabic-OFL.txt")


@dataclass(frozen=True)
class WebFont:
    """One face of the brand's font, written beside the catalogue page."""

    path: Path
    weight: int
    family: str = FAMILY


def webfont_data(source: Path, ranges: tuple[tuple[int, int], ...] = RANGES) -> bytes:
    """Return a TrueType font kept to `ranges`, as WOFF2 (the same bytes for the same font)."""
    # fontTools warns, on the build's output, that Lato's creation date is stored the Unix way; it reads it right.
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return _converted(source, ranges)
    finally:
        logger.setLevel(level)


def _converted(source: Path, ranges: tuple[tuple[int, int], ...]) -> bytes:
    from fontTools import subset  # imported when a font is converted: it takes a seventh of a second
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)  # a new timestamp would change the file at every conversion
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # keep the font's names, copyright and licence notice
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for first, last in ranges for code in range(first, last + 1)])
    subsetter.subset(font)
    font.flavor = "woff2"
    data = io.BytesIO()
    font.save(data, reorderTables=False)
    return data.getvalue()


@cache
def _webfont(source: Path, key: str, ranges: tuple[tuple[int, int], ...] = RANGES) -> bytes:
    """Return the WOFF2 of a font, converted once per process (a build under --watch, or a preview, makes many),
    and once per user as long as the cache folder keeps it."""
    cached = _cache_folder() / f"{source.stem.lower()}-{key}.woff2"
    with suppress(OSError):
        return cached.read_bytes()
    data = webfont_data(source) if ranges == RANGES else webfont_data(source, ranges)
    with suppress(OSError):  # no cache folder to write to: the fonts are simply converted the next time too
        write_atomically(cached, data)
    return data


def _cache_folder() -> Path:
    """Return the user's cache folder for converted fonts (named by the content they come from)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "knowledge-bites" / FONTS


def write_webfonts(styles: Path, output: Path) -> tuple[list[WebFont], list[Path]]:
    """Write the brand's faces as WOFF2 files (and the font licences) to output/fonts/, converting only those whose
    source changed. Return the faces the catalogue page links to, and the licences' files (Lato's first). (The
    output stage removes the build's font files that are no longer used.)"""
    folder = output / FONTS
    fonts = []
    for family, name, weight, ranges in FACES:
        source = styles / "fonts" / name
        recipe = f"{ranges} fontTools {fontTools.version}".encode()
        key = hashlib.sha256(source.read_bytes() + recipe).hexdigest()[:12]
        target = folder / f"{source.stem.lower()}-{key}.woff2"
        if not target.is_file():
            write_atomically(target, _webfont(source, key) if ranges == RANGES else _webfont(source, key, ranges))
        fonts.append(WebFont(target, weight, family))
    licences = []
    for name in LICENCES:
        write_atomically(folder / name, (styles / "fonts" / name).read_bytes())
        licences.append(folder / name)
    return fonts, licences


def font_faces(fonts: list[WebFont], page_folder: Path) -> str:
    """Return the @font-face rules of the faces, with links relative to the page that uses them."""
    return "\n".join(
        f'@font-face {{ font-family: "{font.family}"; font-style: normal; font-weight: {font.weight}; '
        f'font-display: swap; src: url("{relative_link(font.path, page_folder)}") format("woff2"); }}'
        for font in fonts
    )
