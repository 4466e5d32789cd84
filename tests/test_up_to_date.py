""" "Up to date" is always true: a sheet the build calls up to date is the PDF its sources make now, whatever
happened to the build before (killed with SIGKILL at any point, a file saved while it read the sources)."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import copy_project, run_build
from .running import Command, run_command

PRACTICES = [
    "01-cash-for-work-guinea",
    "02-employment-through-training-burkina-faso",
    "03-entrepreneurship-burkina-faso",
]
LAUNCHED = {"en": "Series launched in {}.", "es": "Serie lanzada en {}."}  # printed on every sheet


def set_launched(project: Path, year: int) -> None:
    settings = project / "content" / "series.yaml"
    text = re.sub(r"^launched: \d+", f"launched: {year}", settings.read_text(encoding="utf-8"), flags=re.MULTILINE)
    settings.write_text(text, encoding="utf-8")


def printed_years(project: Path) -> dict[str, set[int]]:
    """Return, for each PDF in the output folder, the launch years it prints."""
    found = {}
    for pdf in sorted((project / "output").glob("*/*.pdf")):
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
        lang = pdf.parent.name
        pattern = re.escape(LAUNCHED[lang]).replace(r"\{\}", r"(\d{4})")
        found[pdf.name] = {int(year) for year in re.findall(pattern, text)}
    return found


def folders(project: Path) -> list[str]:
    return ["--content", str(project / "content"), "--output", str(project / "output"), "--jobs", "2"]


@pytest.fixture(scope="module")
def built_in_2021(tmp_path_factory) -> Path:
    """A project of three practices, built once with the series launched in 2021: each kill starts from a copy."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project", PRACTICES)
    set_launched(project, 2021)
    status, log = run_command(folders(project))
    assert status == 0, log
    return project


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: the worker processes end with the build")
@pytest.mark.parametrize("killed_after", [1, 3, 6], ids=["after-the-first-pdf", "mid-way", "during-the-outputs"])
def test_a_build_killed_then_reverted_rebuilds_every_sheet_the_killed_build_touched(
    built_in_2021, tmp_path, killed_after
):
    project = tmp_path / "project"
    shutil.copytree(built_in_2021, project)  # a copy, PDFs and build record included, as moving a project does
    sheets = len(printed_years(project))
    assert sheets == 2 * len(PRACTICES)

    set_launched(project, 2022)
    build = Command([*folders(project), "--force"])
    build.wait_for("built   ", count=killed_after)
    build.kill()  # kill -9: no record written for what it printed
    set_launched(project, 2021)

    status, log = run_command(folders(project))
    assert status == 0, log
    years = printed_years(project)
    assert len(years) == sheets and all(found == {2021} for found in years.values()), (years, log)
    status, log = run_command(folders(project))
    assert status == 0 and "nothing to do" in log, log


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: the worker processes end with the build")
def test_the_first_build_of_a_new_folder_killed_then_started_again_builds_every_sheet(tmp_path):
    """The first build a folder sees, killed before it could save its record: its PDFs are the build's own, and
    the next build builds the series there (it does not refuse the folder as one holding files no build wrote)."""
    project = copy_project(tmp_path / "project", PRACTICES)
    build = Command(folders(project))
    build.wait_for("built   ", count=1)
    build.kill()  # kill -9, the first PDF written and no record of it
    assert list((project / "output").glob("*/*.pdf"))

    status, log = run_command(folders(project))
    assert status == 0, log
    assert f"built {2 * len(PRACTICES)}, up to date 0" in log, log
    status, log = run_command(folders(project))
    assert status == 0 and "nothing to do" in log, log


def test_a_source_saved_while_the_build_reads_it_is_rebuilt_by_the_next_build(tmp_path, monkeypatch):
    """The build fingerprints the bytes it read, not the file as it is once the sheet is printed."""
    from knowledge_bites.sources import loading

    project = copy_project(tmp_path / "project", PRACTICES[:1])
    source = project / "content" / "practices" / f"{PRACTICES[0]}.en.md"
    read = loading.read_source

    def read_then_saved(path: Path) -> bytes:
        data = read(path)
        if path == source:  # the writer saves while the build is reading the series
            text = data.decode("utf-8").replace("## Context\n", "## Context\n\nA sentence saved during the build.\n")
            path.write_text(text, encoding="utf-8")
        return data

    monkeypatch.setattr(loading, "read_source", read_then_saved)
    status, log = run_build(project, "--jobs", "2")
    assert status == 0, log
    monkeypatch.undo()

    status, log = run_build(project, "--jobs", "2")
    assert status == 0 and f"knowledge-bites-{PRACTICES[0]}-en.pdf" in log and "built 1, up to date 1" in log, log
    pdf = project / "output" / "en" / f"knowledge-bites-{PRACTICES[0]}-en.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "A sentence saved during the build." in text
    status, log = run_build(project, "--jobs", "2")
    assert status == 0 and "nothing to do" in log, log
