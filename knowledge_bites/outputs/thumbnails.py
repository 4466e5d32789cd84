"""The pictures the output folder keeps of each PDF: both pages, and page 1 at the newsletter's sizes.

The workers draw them as they print (printing/pictures.py); the output stage draws here only those that are missing
or no longer show their PDF (a PDF kept from an earlier build, a picture deleted), in worker processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..lifetime import end_with_parent, starting_helpers
from ..printing.pictures import THUMBNAIL_WIDTHS, Picture, draw, is_current, page_pictures, thumbnails

__all__ = ["EMAIL_WIDTH", "Picture", "is_current", "make_all", "page_pictures", "thumbnails"]

# The announcement shows the newsletter picture at half its pixels, so that it is sharp on high-density screens.
EMAIL_WIDTH = THUMBNAIL_WIDTHS[0] // 2


def make(pdf: Path, pdf_sha256: str, pictures: tuple[Picture, ...]) -> str | None:
    """Draw the pictures of a PDF from its file; return what went wrong, if anything."""
    try:
        draw(pdf, pdf_sha256, pictures)
    except OSError as error:  # a full disk, a folder that cannot be written
        return f"{error.filename or 'a picture'} cannot be written ({error.strerror or error})"
    except Exception as error:  # a PDF pdfium cannot read stays a problem of that PDF; the others are drawn
        return f"{type(error).__name__}: {error}"
    return None


def _make(job: tuple[Path, str, tuple[Picture, ...]]) -> str | None:
    return make(*job)


def make_all(jobs: list[tuple[Path, str, tuple[Picture, ...]]], workers: int = 0) -> list[str | None]:
    """Draw the pictures of several PDFs, in worker processes when there are several; return each one's error."""
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
