"""Import WeasyPrint without its slow search for native libraries.

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
import io
import sys
from contextlib import redirect_stdout


def import_weasyprint() -> None:
    """Import WeasyPrint, once per process; later imports of it cost nothing."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
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
