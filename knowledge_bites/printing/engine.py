"""WeasyPrint: the one version the code is tested with, imported without its slow search for native libraries,
with its column layout changed to lay each page's columns out once less (multicolumn.py), and the inner parts of
its layout that the contract and the PDF profiles read.

The code reaches into WeasyPrint where it has no public interface (the page's box tree, a PDF's tags), so it
runs only on a version it was tested with: `TESTED` lists them, and another installed version is refused with
one line, before anything is built, rather than producing subtly wrong PDFs. To try a new version: add it to
`TESTED` and to pyproject.toml, run `make test`, and look at the visual tests' pages.

WeasyPrint names each native library it needs (GObject, Pango, HarfBuzz, fontconfig) in the spellings of
several systems, Windows' first. For every spelling that does not load as it is, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig`, `gcc` and `ld` (WeasyPrint issue #1125): about
0.2 s of the 0.55 s that importing WeasyPrint takes, and that import lies on the path of every build and of
every one-sheet rebuild. The Linux spelling of each library (`libpango-1.0.so.0`) is in WeasyPrint's lists
and loads directly, so the search is skipped while WeasyPrint loads. Should WeasyPrint fail to load that way
on some system, it is imported once more the usual way, with the search.
"""

from __future__ import annotations

import ctypes.util
import importlib
import importlib.metadata
import io
import sys
from contextlib import redirect_stdout
from typing import Any

TESTED = ("70.0",)  # the WeasyPrint versions the tests pass with


class EngineVersionError(Exception):
    """The installed WeasyPrint is not a version the code was tested with (or is not installed)."""


def check_version() -> None:
    """Raise EngineVersionError unless the installed WeasyPrint is a tested version (read from its metadata: cheap,
    WeasyPrint is not imported)."""
    tested = " or ".join(TESTED)
    try:
        installed = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        raise EngineVersionError(f"WeasyPrint is not installed: run `make` to install WeasyPrint {tested}") from None
    if installed not in TESTED:
        raise EngineVersionError(
            f"WeasyPrint {installed} is installed, but Knowledge Bites is tested with WeasyPrint {tested} only: "
            "run `make` to install the tested version"
        )


def page_box(page: Any) -> Any:
    """Return the laid-out box tree of a page of a WeasyPrint document (the page box, with its margin boxes)."""
    return page._page_box


def marked_boxes(stream: Any) -> dict[Any, Any]:
    """Return the boxes a page's content stream drew as marked content, each with its tag (its `mcid`)."""
    return stream._tags or {}


def import_weasyprint() -> None:
    """Import WeasyPrint, once per process, and lay CSS columns out with the changed column layout (multicolumn.py);
    later calls cost nothing. Raise EngineVersionError for a version the code was not tested with."""
    from . import multicolumn

    if "weasyprint" not in sys.modules:
        check_version()
        _import()
    try:
        multicolumn.install()
    except multicolumn.ColumnsChangedError as error:
        raise EngineVersionError(str(error)) from None


def _import() -> None:
    if not sys.platform.startswith("linux"):
        importlib.import_module("weasyprint")
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        with redirect_stdout(io.StringIO()):  # WeasyPrint prints its advice on a failed load: not yet
            importlib.import_module("weasyprint")
    except OSError:  # a library is known by another name here: let the import below search for it
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search
    importlib.import_module("weasyprint")


def _not_searched(name: str) -> None:
    return None
