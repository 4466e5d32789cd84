"""The commands that run all day, `--watch` and the live preview, as writers use them: saves after pauses longer
than the time limit, a build from another terminal meanwhile, an edit of the build's own code."""

from __future__ import annotations

import json
import shutil
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from knowledge_bites.lock import output_lock

from .conftest import ROOT, copy_project, only_languages
from .running import Command, run_command

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: worker processes, signals"),
    pytest.mark.waits,
]

PRACTICES = ["03-entrepreneurship-burkina-faso", "05-dialogue-with-government-cameroon"]
TIME_LIMIT = 5.0  # seconds: the deadline the build keeps for a worker is 5 s past it
PAUSE = 12.0  # longer than the deadline


def project_with(tmp_path: Path, names: list[str] = PRACTICES) -> Path:
    """A scratch project with these shipped practices, in English only."""
    project = copy_project(tmp_path / "project", names)
    only_languages(project / "content", "en")
    for spanish in (project / "content" / "practices").glob("*.es.md"):
        spanish.unlink()
    return project


def save(path: Path, words: str) -> None:
    """Add a sentence to a practice, as a writer saving it does."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Context\n", f"## Context\n\n{words}\n", 1), encoding="utf-8")


def practice(project: Path, name: str) -> Path:
    return project / "content" / "practices" / f"{name}.en.md"


def folders(project: Path) -> list[str]:
    return ["--content", str(project / "content"), "--output", str(project / "output")]


def test_watch_survives_pauses_longer_than_the_time_limit_and_saves_of_two_sheets(tmp_path):
    """A writer saves, pauses longer than the time limit, saves again, pauses, then saves two sheets: every save
    is built, nothing is stopped for being late, and the command keeps running."""
    project = project_with(tmp_path)
    watch = Command(["--watch", "--jobs", "2", "--time-limit", str(TIME_LIMIT), *folders(project)])
    try:
        watch.wait_for("watching ")
        first, second = practice(project, PRACTICES[0]), practice(project, PRACTICES[1])
        save(first, "A first sentence.")
        watch.wait_for("built 1, ")
        time.sleep(PAUSE)
        save(first, "A second sentence.")
        watch.wait_for("built 1, ", count=2)
        time.sleep(PAUSE)
        save(first, "A third sentence.")
        save(second, "A sentence in another sheet.")

        def both_built(lines: list[str]) -> bool:
            sheets = [line for line in lines if line.startswith("built   ")]
            return sum(PRACTICES[0] in s for s in sheets) == 4 and sum(PRACTICES[1] in s for s in sheets) == 2

        watch.wait_until(both_built, what="both sheets built after the last pause")
        assert watch.process.poll() is None, watch.text
    finally:
        status = watch.stop()
    log = watch.text
    assert status == 130, log
    assert "Traceback" not in log and "stopped after" not in log and "FAILED" not in log, log
    built_lines = [line for line in log.splitlines() if line.startswith("built   ")]
    assert sum(PRACTICES[0] in line for line in built_lines) == 4, log  # the first build and three saves
    assert sum(PRACTICES[1] in line for line in built_lines) == 2, log


def test_the_preview_survives_a_pause_and_shows_each_saved_sheet_current(tmp_path):
    project = project_with(tmp_path)
    serve = Command([*folders(project), "--time-limit", str(TIME_LIMIT), "serve", "--port", "0", "--jobs", "2"])
    try:
        serve.wait_for("watching ")
        address = next(line.split()[2] for line in serve.lines if line.startswith("preview at "))
        for round_, name in enumerate(PRACTICES, start=1):
            time.sleep(PAUSE)
            save(practice(project, name), f"A sentence saved in round {round_}.")
            serve.wait_for("built 1, ", count=round_)
        with urllib.request.urlopen(f"{address}state.json", timeout=10) as answer:
            state = json.load(answer)["state"]
        assert serve.process.poll() is None
    finally:
        serve.stop()
    assert "Traceback" not in serve.text, serve.text
    assert not state["building"] and [s["status"] for s in state["sheets"]] == ["ok", "ok"]
    record = json.loads((project / "output" / "build-record.json").read_text(encoding="utf-8"))
    shown = {s["key"]: s["pdf"].split("?v=")[1] for s in state["sheets"]}
    assert shown == {key: sheet["sha256"][:16] for key, sheet in record["sheets"].items()}


def test_the_preview_waits_for_another_build_then_builds_what_was_saved(tmp_path):
    """A build from another terminal holds the output folder when the writer saves: the preview says it waits,
    shows the sheet as building meanwhile, and builds the save once the other build has ended."""
    project = project_with(tmp_path, PRACTICES[:1])
    serve = Command([*folders(project), "serve", "--port", "0", "--jobs", "2"])
    source = practice(project, PRACTICES[0])
    try:
        serve.wait_for("watching ")
        address = next(line.split()[2] for line in serve.lines if line.startswith("preview at "))
        builds = serve.count("built 1, ")  # the first build
        with output_lock(project / "output"):  # as another build does while it writes
            save(source, "A sentence saved while another build writes.")
            serve.wait_for("another build is writing to this folder; waiting for it to end", anywhere=True)
            with urllib.request.urlopen(f"{address}state.json", timeout=10) as answer:
                waiting = json.load(answer)["state"]
            time.sleep(1)
            assert serve.count("built 1, ") == builds
        serve.wait_for("built 1, ", count=builds + 1)
        with urllib.request.urlopen(f"{address}state.json", timeout=10) as answer:
            after = json.load(answer)["state"]
    finally:
        serve.stop()
    assert waiting["building"] and waiting["changed"] == [str(source)]
    assert "another build is writing" not in " ".join(after["notices"])
    (sheet,) = after["sheets"]
    assert sheet["status"] == "ok" and sheet["current"]
    built_pdf = project / "output" / "en" / f"knowledge-bites-{PRACTICES[0]}-en.pdf"
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(built_pdf).pages)
    assert "A sentence saved while another build writes." in " ".join(text.split())


def test_a_change_to_the_code_under_watch_is_never_built_with_the_old_code(tmp_path):
    """The watch runs the code it started with: once its code on disk changes, it says to restart and builds
    nothing; the next build in a fresh process rebuilds every sheet with the new code."""
    project = project_with(tmp_path)
    shutil.copytree(ROOT / "knowledge_bites", project / "knowledge_bites", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", project / "build.py")
    script = project / "build.py"
    status, log = run_command(["--jobs", "2"], cwd=project, script=script)
    assert status == 0 and "built 2, " in log, log
    watch = Command(["--watch", "--jobs", "2"], cwd=project, script=script)
    try:
        watch.wait_for("watching ")
        facts = project / "knowledge_bites" / "render" / "facts.py"
        facts.write_text(facts.read_text(encoding="utf-8") + "\n# edited while the watch runs\n", encoding="utf-8")
        watch.wait_for("the code of Knowledge Bites has changed since this command started")
        save(practice(project, PRACTICES[0]), "A sentence saved after the code changed.")
        time.sleep(3)
        assert watch.count("the code of Knowledge Bites has changed") >= 2, watch.text
    finally:
        watch.stop()
    assert watch.count("built   ") == 0, watch.text  # nothing printed with the old code
    status, log = run_command(["--jobs", "2"], cwd=project, script=script)
    assert status == 0 and "built 2, up to date 0" in log, log
    status, log = run_command(["--jobs", "2"], cwd=project, script=script)
    assert status == 0 and "nothing to do" in log, log


def test_the_preview_on_the_ipv6_loopback_answers_its_own_address_without_a_warning(tmp_path):
    project = project_with(tmp_path, PRACTICES[:1])
    serve = Command([*folders(project), "serve", "--host", "::1", "--port", "0", "--jobs", "2"])
    try:
        serve.wait_for("watching ")
        address = next(line.split()[2] for line in serve.lines if line.startswith("preview at "))
        with urllib.request.urlopen(address, timeout=10) as answer:
            status = answer.status
    finally:
        serve.stop()
    assert address.startswith("http://[::1]:") and status == 200
    assert "warning:" not in serve.text and "open to other computers" not in serve.text, serve.text
