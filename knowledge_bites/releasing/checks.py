"""When a release may be made: what would make it refuse, each in one line that says how to fix it.

Whether a sheet's PDF is up to date is the build's own rule (freshness.up_to_date: the fingerprint of its inputs as
they are now, and the very PDF its record describes), and its pictures are current by the build's own rule too
(printing.pictures.is_current): a release never judges freshness a second way.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..files import shown_path
from ..freshness import fingerprints, up_to_date
from ..names import MANIFEST
from ..printing.job import FAILED
from ..printing.pictures import is_current, pictures_of
from ..project import Project
from ..record import Record
from ..render.languages import Languages
from ..sources import Series

BUILD = "run python build.py"


def refusals(project: Project, series: Series, languages: Languages, record: Record) -> list[str]:
    """Return why the output folder cannot be released as it is (nothing: it can)."""
    output = project.output
    if not record.sheets:
        return [f"{shown_path(output)}: nothing is built there yet: {BUILD}, then release"]
    lines = [
        f"{shown_path(source)}: failed: it cannot be read or checked: fix it (python build.py --check says why), "
        f"{BUILD}, then release"
        for source in sorted(series.failed_sources)
    ]
    prints = fingerprints(project, series, series.sheets, languages.catalogs)
    failed = failed_in_last_build(output)
    for sheet in series.sheets:
        known = record.sheets.get(sheet.key)
        if known is None:
            why = f" in the last build ({failed[sheet.source]})" if sheet.source in failed else ": it has no PDF yet"
            lines.append(f"{shown_path(sheet.source)}: failed{why}: fix it, {BUILD}")
        elif sheet.source in failed:
            why = failed[sheet.source]
            lines.append(f"{shown_path(sheet.source)}: failed in the last build ({why}): fix it, {BUILD}")
        elif not up_to_date(output, known, prints[sheet.key]):
            lines.append(
                f"{shown_path(output / known.pdf)}: stale: it was not built from its inputs as they are now (the "
                f"last build failed it, did not reach it, or it was changed since): {BUILD} and fix what it reports"
            )
        elif not is_current(pictures_of(output, Path(known.pdf)), known.sha256):
            lines.append(f"{shown_path(output / known.pdf)}: stale: the pictures of its pages do not show it: {BUILD}")
    keys = {sheet.key for sheet in series.sheets} | {p.name.removesuffix(".md") for p in series.failed_sources}
    for key, known in sorted(record.sheets.items()):
        if key not in keys:
            lines.append(f"{shown_path(output / known.pdf)}: stale: its source is gone: {BUILD} to remove it")
    in_progress = {p.lang for p in series.translations.languages if p.in_progress}
    for state in series.translations.states:
        if state.status == "out of date" and state.lang not in in_progress:
            lines.append(
                f"{shown_path(state.source)}: out of date: {state.why}; {state.advice()}; {BUILD}, then release"
            )
    if not lines and not (record.clean and record.outputs_done):
        lines.append(f"{shown_path(output)}: stale: the last build did not build the whole series: {BUILD}")
    return lines


def failed_in_last_build(output: Path) -> dict[Path, str]:
    """Return each source the last build failed at printing, with its first message, as its manifest tells."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        entries = [e for e in data["sheets"] if isinstance(e, dict) and e.get("status") == FAILED]
        return {
            (output / e["source"]).resolve(): str((e.get("messages") or ["see its lines in the build's output"])[0])
            for e in entries
            if isinstance(e.get("source"), str)
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}
