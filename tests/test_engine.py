"""WeasyPrint loads without searching for its native libraries, and with the search where it needs one."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

# Counts the searches for a library, and checks that WeasyPrint works once loaded.
LOAD = """
import ctypes.util
searches = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searches.append(name) or search(name)
{system}
from knowledge_bites.printing import printer as pdf
pages = pdf.HTML(string="<p>Reintegration</p>").render().pages
print(len(searches) > 0, len(pages), ctypes.util.find_library.__name__)
"""

# A system where no library loads under the names WeasyPrint gives, only under one that the search finds.
FOUND_ONLY_BY_SEARCH = """
import cffi.api
from knowledge_bites.printing import engine
load = cffi.api._load_backend_lib
def load_if_searched(backend, name, flags):
    if ctypes.util.find_library is engine._not_searched:
        raise OSError(f"{name}: not found without a search")
    return load(backend, name, flags)
cffi.api._load_backend_lib = load_if_searched
"""


def load(system: str = "") -> str:
    code = LOAD.format(system=system)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return result.stdout  # nothing but the last line: WeasyPrint's advice on a failed load is not shown


def test_weasyprint_loads_without_searching_for_its_libraries():
    assert load() == "False 1 <lambda>\n"  # no search, a page laid out, the search put back


def test_weasyprint_loads_with_the_search_where_only_the_search_finds_its_libraries():
    assert load(FOUND_ONLY_BY_SEARCH) == "True 1 <lambda>\n"


def test_a_weasyprint_version_the_code_was_not_tested_with_is_refused_in_one_line(tmp_path, monkeypatch):
    """The code reads WeasyPrint's inner layout: on another version it stops before building, saying what to do."""
    from knowledge_bites.printing import engine

    from .conftest import run_build

    assert engine.check_version() is None  # the version `make` installs is a tested one
    monkeypatch.setattr(engine.importlib.metadata, "version", lambda name: "71.0")
    status, log = run_build(ROOT, "--output", str(tmp_path / "out"))
    assert status == 2
    assert log.splitlines() == [
        "WeasyPrint 71.0 is installed, but Knowledge Bites is tested with WeasyPrint 70.0 only: run `make` to "
        "install the tested version"
    ]
    assert not (tmp_path / "out").exists()
