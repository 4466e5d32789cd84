"""The sheet a writer saved comes first: under `--watch` and in the preview, a save that makes the whole series
stale (a new title shows in every sheet's "Other practices") prints the saved sheet before the others, and the
preview shows its new pages while the others say they are updating."""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import copy_project, only_languages
from .running import Command

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: worker processes, signals")

PRACTICES = [
    "01-cash-for-work-guinea",
    "03-entrepreneurship-burkina-faso",
    "05-dialogue-with-government-cameroon",
    "08-community-bridge-somalia",
    "09-smes-iraq",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with a few shipped practices, in English only."""
    project = copy_project(tmp_path / "project", [])
    for name in PRACTICES:
        (project / "content" / "practices" / f"{name}.en.md").write_bytes(
            (Path(__file__).resolve().parent.parent / "content" / "practices" / f"{name}.en.md").read_bytes()
        )
    only_languages(project / "content", "en")
    return project


def retitle(project: Path, name: str, title: str) -> None:
    """Give a practice a new title, as a writer saving it does: every other sheet lists it under its new title."""
    path = project / "content" / "practices" / f"{name}.en.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(?m)^title: ".*"$', f'title: "{title}"', text, count=1), encoding="utf-8")


def folders(project: Path) -> list[str]:
    return ["--content", str(project / "content"), "--output", str(project / "output")]


def builds(log: str) -> list[list[str]]:
    """Return, for each build after a save, the practices of its "built" lines in the order they were told."""
    found: list[list[str]] = []
    for line in log.splitlines():
        if line.startswith("changed: "):
            found.append([])
        elif line.startswith("built   ") and found:
            found[-1].append(next(name for name in PRACTICES if name in line))
    return found


def test_under_watch_the_saved_sheet_is_printed_first_even_when_saved_during_a_build(project):
    """The writer saves one practice, and another while its build runs: each build prints the sheet saved first,
    then the sheets its new title made stale, in series order."""
    watch = Command(["--watch", "--jobs", "2", *folders(project)])
    try:
        watch.wait_for("watching ")
        retitle(project, PRACTICES[-2], "Community Bridge, Retitled")
        watch.wait_for("built   ", count=len(PRACTICES) + 1)  # the saved sheet is printed; the others are printing
        retitle(project, PRACTICES[-1], "Small Businesses, Retitled")  # while the first save is being built
        during = watch.count("built 5, ")  # summaries so far: the first build's only
        watch.wait_for("built 5, ", count=3)
    finally:
        status = watch.stop()
    log = watch.text
    assert status == 130 and "Traceback" not in log, log
    first, second = builds(log)
    assert first == [PRACTICES[-2], *PRACTICES[:-2], PRACTICES[-1]], log
    assert second == [PRACTICES[-1], *PRACTICES[:-1]], log
    assert during == 1 and log.count("changed: ") == 2, log


def state_of(address: str) -> dict:
    with urllib.request.urlopen(f"{address}state.json", timeout=10) as answer:
        return json.load(answer)["state"]


def test_the_preview_shows_the_saved_sheet_while_the_others_are_updating(project):
    """In the preview, the saved sheet's new pages are shown as soon as they are printed; the sheets waiting
    behind it say they are updating: not failed, not current, their last pages still shown."""
    serve = Command([*folders(project), "serve", "--port", "0", "--jobs", "1"])
    saved = f"{PRACTICES[-1]}.en"
    seen: list[dict] = []
    try:
        serve.wait_for("watching ")
        address = next(line.split()[2] for line in serve.lines if line.startswith("preview at "))
        before = {s["key"]: s["pdf"] for s in state_of(address)["sheets"]}
        retitle(project, PRACTICES[-1], "Small Businesses, Retitled")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            state = state_of(address)
            seen.append(state)
            if state["builds"] == 2 and not state["building"]:
                break
            time.sleep(0.05)
    finally:
        serve.stop()
    assert "Traceback" not in serve.text, serve.text

    def shown_first(state: dict) -> bool:
        sheets = {s["key"]: s for s in state["sheets"]}
        others = [s for key, s in sheets.items() if key != saved]
        new = sheets[saved]
        waiting = [s for s in others if s["updating"]]
        return (
            new["current"]
            and not new["building"]
            and new["pdf"] != before[saved]
            and bool(waiting)
            and all(s["status"] == "ok" and not s["current"] and s["pdf"] == before[s["key"]] for s in waiting)
        )

    assert any(shown_first(state) for state in seen), [[(s["key"], s["updating"]) for s in x["sheets"]] for x in seen]
    updating = next(state for state in seen if any(s["updating"] for s in state["sheets"]))
    assert not {s["key"]: s for s in updating["sheets"]}[saved]["updating"]  # the saved sheet is building
    last = seen[-1]
    assert all(s["current"] and not s["updating"] for s in last["sheets"]), last
