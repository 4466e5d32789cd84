"""HTML to PDF with WeasyPrint: one set-up per worker, sandboxed fetching, WeasyPrint's messages, atomic writes."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..files import FileState, input_files, state_of, write_atomically
from .engine import import_weasyprint
from .profiles import DEFAULT_PROFILE, note_languages, profile

import_weasyprint()  # first: it skips WeasyPrint's slow search for its native libraries (see engine.py)

import weasyprint.pdf  # noqa: E402
from weasyprint import CSS, HTML, Document  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

note_languages(weasyprint.pdf)  # so that text in another language than the sheet's gets its own /Lang

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
        self.image_files: dict[str, FileState | None] = {}  # the state of each cached image's file

    def layout(self, html: str, base_url: str, css: str = "") -> tuple[Document, list[logging.LogRecord]]:
        """Lay out one sheet, with `css` after the stylesheet if given; return the document and what WeasyPrint
        logged while doing it."""
        self.fetcher.refused[:] = self.setup_refused
        self._forget_changed_images()
        stylesheets = [self.stylesheet]
        if css:
            stylesheets.append(CSS(string=css, font_config=self.font_config, url_fetcher=self.fetcher))
        with _captured_logs() as records:
            records.extend(self.setup_logs)
            document = HTML(string=html, base_url=base_url, url_fetcher=self.fetcher).render(
                stylesheets=stylesheets, font_config=self.font_config, cache=self.image_cache, **IMAGE_OPTIONS
            )
        # WeasyPrint caches a failed image as None and then stays silent about it: forget failures, so that
        # every sheet that uses a missing or refused image reports it, not only the first.
        for url in [url for url, image in self.image_cache.items() if image is None]:
            del self.image_cache[url]
        for url in self.image_cache:
            if isinstance(url, str) and url.startswith("file:") and url not in self.image_files:
                self.image_files[url] = _file_state(url)
        return document, records

    def _forget_changed_images(self) -> None:
        """Drop the cached images whose file changed since they were read: a worker prints many builds' sheets
        (under --watch and in the preview), and a replaced picture must print as it is now."""
        for url, state in list(self.image_files.items()):
            if _file_state(url) != state:
                # WeasyPrint keys an image by its address, and its pixel data by the address's MD5.
                prefix = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
                for key in [k for k in self.image_cache if k == url or (isinstance(k, str) and k.startswith(prefix))]:
                    del self.image_cache[key]
                del self.image_files[url]

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


def _file_state(url: str) -> FileState | None:
    """Return the state of the file behind a file: address, or None if it is gone."""
    return state_of(Path(unquote(urlsplit(url).path)))


_printers: dict[tuple[object, ...], Printer] = {}


def printer_for(styles_dir: Path, asset_roots: list[Path], pdf_profile: str = DEFAULT_PROFILE) -> Printer:
    """Return this process's printer for these styles: the one it already has while the stylesheet, fonts and
    logo are unchanged (a worker prints many sheets, under --watch over many builds), or a new one."""
    # Names and states of the styles' files tell an edit apart, without reading the fonts for every sheet.
    styles = tuple((path, state_of(path)) for path in input_files(styles_dir))
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
