"""What a worker process is given to print, and what it gives back: plain data, made by the main process.

Workers receive a sheet's HTML, ready to lay out, and the few facts they need to report on it. They never load
the content model, Markdown or the templates, so they start sooner, and under --watch they live from one build
to the next whatever changed in the content. The main process imports this module to make the jobs and read
the results, without loading WeasyPrint (printing/press.py prints them, in the workers).
"""

from __future__ import annotations

import math
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..locations import Locator, Section
from ..problems import Problem
from .pictures import Picture

# What happened to a sheet in a build: the words the build's lines, the manifest and the preview use.
Status = Literal["built", "up to date", "failed", "checked"]
BUILT: Status = "built"
UP_TO_DATE: Status = "up to date"
FAILED: Status = "failed"
CHECKED: Status = "checked"
# A suggested cut errs on the side of enough: the estimate, plus this share, rounded up to ten words.
CUT_MARGIN = 0.08


@dataclass(frozen=True)
class Fit:
    """How full a sheet's two pages are, in words of body text, as measured on its layout."""

    room: int  # words of body text: room for about this many more (positive), or this many too many (negative)

    @property
    def fits(self) -> bool:
        return self.room >= 0

    @property
    def words_to_cut(self) -> int:
        """Return how many words to cut for the sheet to fit: enough, rounded up to ten."""
        return math.ceil(-self.room * (1 + CUT_MARGIN) / 10) * 10 if self.room < 0 else 0

    def __str__(self) -> str:
        if not self.fits:
            return f"does not fit: about {self.words_to_cut} words too long"
        if self.room < 10:
            return "fits, with no room for more words"
        return f"fits, about {self.room // 10 * 10} words to spare"


@dataclass(frozen=True)
class PrintJob:
    """One sheet to lay out and, if it keeps to its two pages, to write as a PDF."""

    key: str
    source: Path
    target: Path
    identity: str  # the PDF's stable document identifier is derived from it
    pdf_profile: str
    html: str
    short_html: str  # the same sheet with its closing block on page 2, for a text too short to reach it
    sections: tuple[Section, ...]
    locator: Locator
    strict: bool = False  # a warning fails the sheet too
    pictures: tuple[Picture, ...] = ()  # pictures of its pages to draw once the PDF is written


@dataclass(frozen=True)
class SheetResult:
    """What happened to one sheet: printed by a worker, found up to date, or only checked."""

    key: str
    source: Path
    status: Status
    pdf: Path | None = None
    pages: int = 0
    size: int = 0
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    peak_memory_mb: float = 0.0  # peak resident memory of the process that printed it
    sha256: str = ""
    fit: Fit | None = None  # how full its two pages are, when it was laid out
    pictures: tuple[Path, ...] = ()  # pictures of its pages drawn with the PDF (none when they were already current)
    code: str = ""  # the version of the code that printed it (freshness.code_version), told by the worker


def peak_memory_mb() -> float:
    """Return the peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
