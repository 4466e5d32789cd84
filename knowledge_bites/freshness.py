"""When a sheet, or a whole build, is up to date: the one rule, and what it reads.

- **A sheet is up to date** when the fingerprint of its inputs equals the one its record holds, and the PDF in the
  output folder is the very file the record describes (its SHA-256). The fingerprint is taken from the inputs as
  the build read them (the source's bytes as loaded, the settings and catalogs as compiled), never from the disk
  again later: a file saved while the build runs is new to the next build.
- **The code is an input.** Its version is taken once per process, when the command starts: a command that runs
  for a long time (`--watch`, `serve`) records what it built with the code it runs, and tells when the code on
  disk is another one (`code_changed`).
- **A build has nothing to do** when the last build built the whole series cleanly, no input file has changed
  since that build started to read them (their names and states: `files.state_of`), and every file it wrote is
  still as it left it. That is checked without loading anything.

This module imports nothing heavy, so that a build with nothing to do finishes in a blink.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .files import input_files, sha256_of, state_of
from .project import CODE
from .record import Record, SheetRecord

if TYPE_CHECKING:
    from .project import Project
    from .sources import Series, Sheet


def engine_version() -> str:
    """Return the versions of Python and of the layout engine, found without importing it."""
    spec = importlib.util.find_spec("weasyprint")
    origin = Path(spec.origin) if spec and spec.origin else None
    dist = sorted(origin.parent.parent.glob("weasyprint-*.dist-info")) if origin else []
    return f"{sys.version} {dist[-1].name if dist else 'weasyprint?'}"


def _code_on_disk() -> str:
    return digest_files(input_files(CODE), CODE)


@cache
def code_version() -> str:
    """Return the version of the code this process runs: its files as they were when it first asked."""
    return hashlib.sha256(f"{engine_version()}\n{_code_on_disk()}".encode()).hexdigest()


def code_changed() -> bool:
    """Tell whether the code on disk is no longer the code this process runs."""
    return hashlib.sha256(f"{engine_version()}\n{_code_on_disk()}".encode()).hexdigest() != code_version()


def stamp(project: Project) -> str:
    """Fingerprint every input file of the project by name and state: cheap, for the no-op check."""
    digest = hashlib.sha256(code_version().encode())
    for folder in project.input_roots():
        for path in input_files(folder):
            state = state_of(path)
            digest.update(f"{path}\0{state.as_list() if state else 'none'}\n".encode())
    return digest.hexdigest()


def digest_files(paths: Iterable[Path], base: Path | None = None) -> str:
    """Fingerprint files by content (and by name, relative to `base` when given)."""
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(base) if base and path.is_relative_to(base) else path.name
        digest.update(f"{name}\0".encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except (OSError, ValueError):
            digest.update(b"missing")
    return digest.hexdigest()


def shared_inputs(project: Project) -> str:
    """Fingerprint what every sheet depends on: templates, styles and fonts by content, and the code's version.

    The catalogs are left out: each is an input of its own language's sheets only."""
    parts = [code_version()]
    for folder in (project.templates, project.styles):
        files = [p for p in input_files(folder) if not p.is_relative_to(project.locales)]
        parts.append(digest_files(files, folder))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def fingerprints(project: Project, series: Series, sheets: list[Sheet], catalogs: Mapping[str, str]) -> dict[str, str]:
    """Fingerprint, by content, every input of each sheet: a sheet is rebuilt when its fingerprint changes.

    Inputs: its source as loaded, the series settings as loaded, the templates, styles, fonts and code, the images
    it shows (exactly those the conversion of its text found), its language's catalog as compiled (`catalogs`:
    the digest of each), and the titles it lists as other practices.
    """
    shared = f"{shared_inputs(project)}\n{series.settings_digest}"
    result = {}
    for sheet in sheets:
        digest = hashlib.sha256(f"{shared}\n{catalogs.get(sheet.lang, '')}\n{sheet.digest}\n".encode())
        digest.update(digest_files(sheet.images, project.content).encode())
        digest.update(json.dumps(series.other_practices(sheet), ensure_ascii=False).encode())
        result[sheet.key] = digest.hexdigest()
    return result


def intact(output: Path, known: SheetRecord) -> bool:
    """Tell whether the PDF in the output folder is the one the record describes: a regular file, not a link,
    with the recorded SHA-256. A PDF written by a build that was killed before it could record it is not."""
    path = output / known.pdf
    try:
        if path.is_symlink() or state_of(path) is None:
            return False
        return sha256_of(path) == known.sha256
    except OSError:
        return False


def up_to_date(output: Path, known: SheetRecord | None, fingerprint: str) -> bool:
    """Tell whether a sheet's PDF was built from inputs with this fingerprint and is still that PDF."""
    return known is not None and known.fingerprint == fingerprint and intact(output, known)


def nothing_to_do(record: Record, output: Path, stamp: str, options: dict[str, object]) -> bool:
    """Tell whether the last build, as its record tells, left nothing for a build with these options to do."""
    same = record.clean and record.outputs_done and record.options == options and record.stamp == stamp
    return same and record.unchanged(output)
