"""pandoc, run as a separate program on the checked document: it reads the .docx, and writes Markdown back.

The `pypandoc-binary` wheel ships the pandoc program, so nothing is installed on the system. pandoc runs with
`--sandbox` (it reads and writes no file but what it is given on its standard input and output, and fetches
nothing), a cap on its memory (`+RTS -M…`, as pandoc's manual advises for untrusted input) and a time limit.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from .package import DocumentError

TIME_LIMIT = 60  # seconds for one run of pandoc; a ten-page report takes well under one
MEMORY_LIMIT = "1024m"
# A larger allocation area for pandoc's garbage collector: a ten-page report is read in 0.17 s instead of 0.24 s.
ALLOCATION_AREA = "16m"
# The Markdown pandoc writes: its strict Markdown with lists nested by four spaces (as Python-Markdown reads them),
# pipe tables, and never raw HTML (the build would remove it anyway).
MARKDOWN = "markdown_strict+pipe_tables+four_space_rule-raw_html"
# pandoc pads list markers to four characters (`-   item`); the shipped sources write `- item`, nested by four.
_MARKER = re.compile(r"^( *)(-|\d+\.) +(?=\S)", re.MULTILINE)


@cache
def program() -> str:
    """Return the path of the pandoc program the pypandoc-binary wheel installed."""
    try:
        import pypandoc
    except ImportError:
        raise DocumentError("pandoc, which reads Word documents, is not installed: run `make` to install it") from None
    bundled = Path(pypandoc.__file__).resolve().parent / "files" / "pandoc"
    if bundled.is_file():
        return str(bundled)
    try:
        return pypandoc.get_pandoc_path()
    except OSError:
        raise DocumentError("pandoc, which reads Word documents, is not installed: run `make` to install it") from None


def read_docx(data: bytes) -> dict[str, Any]:
    """Return pandoc's reading of a .docx as its document tree (JSON), with tracked changes and comments marked."""
    output = _run(["-f", "docx", "-t", "json", "--track-changes=all"], data, "read the document")
    try:
        return json.loads(output)
    except ValueError:
        raise DocumentError("pandoc's reading of the document could not be understood") from None


def write_markdown(tree: dict[str, Any]) -> str:
    """Return a document tree written as Markdown."""
    markdown = _run(["-f", "json", "-t", MARKDOWN, "--wrap=none"], json.dumps(tree).encode(), "write the text")
    return _MARKER.sub(r"\1\2 ", markdown.decode())


def _run(arguments: list[str], data: bytes, what: str) -> bytes:
    command = [program(), "+RTS", f"-M{MEMORY_LIMIT}", f"-A{ALLOCATION_AREA}", "-RTS", "--sandbox", *arguments]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIME_LIMIT, check=False)
    except subprocess.TimeoutExpired:
        raise DocumentError(f"pandoc took longer than {TIME_LIMIT} s to {what}, and was stopped") from None
    except OSError as error:
        message = f"pandoc could not be started ({error.strerror or error}): run `make` to install it"
        raise DocumentError(message) from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.decode(errors="replace").splitlines() if line.strip()]
        if "Heap exhausted" in " ".join(lines) or done.returncode == 251:
            raise DocumentError(f"pandoc needed more than {MEMORY_LIMIT}B of memory to {what}, and was stopped")
        reason = lines[-1].strip() if lines else f"exit status {done.returncode}"
        raise DocumentError(f"pandoc could not {what}: {reason}")
    return done.stdout
