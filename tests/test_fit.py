"""Fit figures a writer can act on: how much room page 2 has left, or how much to cut, measured on the layout."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from knowledge_bites.pipeline import Options, preparer
from knowledge_bites.printing.contract import assess, lay_out
from knowledge_bites.printing.printer import Printer
from knowledge_bites.project import Project
from knowledge_bites.sources import load_series

from .conftest import ROOT, compiled_languages, only_languages, run_build, shipped_sheets

PRACTICE = "07-pre-departure-assistance-morocco"


def assess_sheet(content: Path, key: str):
    """Lay out one sheet of a content folder as the build does; return its page count and the contract's word."""
    series = load_series(content)
    project = Project.at(ROOT, content, content.parent / "out")
    sheet = next(s for s in series.sheets if s.key == key)
    job = preparer(project, series, compiled_languages(series), options=Options())(sheet)
    printer = Printer(project.styles, project.asset_roots)
    layout = lay_out(printer, job, ROOT.as_uri() + "/")
    return len(layout.document.pages), assess(printer, job, layout, ROOT.as_uri() + "/")


def split(text: str) -> tuple[str, str]:
    """Split a source into its front matter (with both '---' lines) and its body."""
    end = text.index("\n---\n", 3) + len("\n---\n")
    return text[:end], text[end:]


def without_last_words(body: str, count: int) -> str:
    """Return the body with its last `count` words cut, as a writer would cut from the end."""
    lines = body.rstrip("\n").split("\n")
    while count > 0 and lines:
        words = lines[-1].split()
        real = [w for w in words if re.search(r"\w", w)]
        if len(real) <= count:
            count -= len(real)
            lines.pop()
            continue
        keep = len(words)
        while count > 0:
            keep -= 1
            count -= bool(re.search(r"\w", words[keep]))
        lines[-1] = " ".join(words[:keep])
    return "\n".join(lines) + "\n"


@pytest.fixture
def pasted_three_times(tmp_path) -> tuple[Path, str, str]:
    """A practice whose text was pasted three times: far too long for two pages."""
    content = tmp_path / "content"
    (content / "practices").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "series.yaml", content / "series.yaml")
    only_languages(content, "en")
    front, body = split((ROOT / "content" / "practices" / f"{PRACTICE}.en.md").read_text(encoding="utf-8"))
    return content, front, body * 3


def write(content: Path, text: str) -> None:
    (content / "practices" / f"{PRACTICE}.en.md").write_text(text, encoding="utf-8")


def test_cutting_the_suggested_words_is_enough_and_a_fifth_less_is_not(pasted_three_times):
    content, front, body = pasted_three_times
    write(content, front + body)
    pages, assessment = assess_sheet(content, f"{PRACTICE}.en")
    assert pages > 2 and not assessment.fit.fits
    suggested = assessment.fit.words_to_cut
    (message,) = [p.message for p in assessment.problems]
    assert f"cut about {suggested} words" in message
    assert str(assessment.fit) == f"does not fit: about {suggested} words too long"

    write(content, front + without_last_words(body, suggested))
    pages, assessment = assess_sheet(content, f"{PRACTICE}.en")
    assert pages == 2 and assessment.fit.fits, "cutting the suggested words must be enough"

    write(content, front + without_last_words(body, int(suggested * 0.8)))
    pages, _ = assess_sheet(content, f"{PRACTICE}.en")
    assert pages > 2, "the suggestion must not ask for much more than is needed"


def test_the_sections_that_spilled_are_named_at_their_own_lines(pasted_three_times):
    content, front, body = pasted_three_times
    write(content, front + body)
    _, assessment = assess_sheet(content, f"{PRACTICE}.en")
    (message,) = [p.message for p in assessment.problems]
    lines = (front + body).split("\n")
    first = {}  # each heading's first line: the first copy of the text is on page 1, and does not spill
    for number, line in enumerate(lines, start=1):
        if line.startswith("## "):
            first.setdefault(line[3:].strip(), number)
    spilled = re.search(r"spilled: (.*?); cut", message)[1]
    named = [(title, int(line)) for title, line in re.findall(r"'([^']+)' \(line (\d+)\)", spilled)]
    assert len(named) == 3 and re.search(r"\), \d+ more sections, the call to action", spilled), message
    for title, line in named:  # each is that very heading, a later copy of it, not the first
        assert lines[line - 1] == f"## {title}" and line > first[title], (title, line)
    assert [line for _, line in named] == sorted(line for _, line in named)
    assert spilled.endswith("the call to action, the funding statement and disclaimer"), message


@pytest.mark.parametrize("practice_key", [PRACTICE, "04-employability-empowerment-mali"], ids=["full", "short"])
def test_the_room_left_is_a_budget_a_writer_can_spend(shipped_copy, practice_key):
    """Adding the words the build says there is room for (less a line of text: the figure may be above the true
    room by that much, see test_room.py) still fits; adding half as many again does not. A short text counts page 2
    too, where its closing block stands alone."""
    only_languages(shipped_copy, "en")
    source = shipped_copy / "practices" / f"{practice_key}.en.md"
    original = source.read_text(encoding="utf-8")
    pages, assessment = assess_sheet(shipped_copy, f"{practice_key}.en")
    assert pages == 2 and assessment.fit.room >= 10
    spare = assessment.fit.room // 10 * 10
    assert str(assessment.fit) == f"fits, about {spare} words to spare"

    def add(count: int) -> None:
        words = ("Returnees receive support to start a business and find work in their community. " * 99).split()
        paragraphs = [" ".join(words[i : i + 40]) for i in range(0, count, 40)]
        paragraphs[-1] = " ".join(words[(len(paragraphs) - 1) * 40 : count])
        source.write_text(original.rstrip("\n") + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")

    add(spare - 10)
    assert assess_sheet(shipped_copy, f"{practice_key}.en")[0] == 2
    add(int(spare * 1.5) + 50)
    assert assess_sheet(shipped_copy, f"{practice_key}.en")[0] > 2


def test_every_built_sheet_tells_its_room_in_the_build_line_and_the_manifest(shipped_build):
    built = [line for line in shipped_build.log.splitlines() if line.startswith("built   ")]
    assert len(built) == len(shipped_sheets())
    said = r"; fits, (about \d+0 words to spare|with no room for more words)\)$"  # a full sheet says so
    assert all(re.search(said, line) for line in built), built
    manifest = json.loads((shipped_build.output / "manifest.json").read_text(encoding="utf-8"))
    for sheet in manifest["sheets"]:
        room = sheet["room"]
        fit = f"fits, about {room // 10 * 10} words to spare" if room >= 10 else "fits, with no room for more words"
        assert sheet["fit"] == fit, sheet


def test_a_sheet_kept_up_to_date_keeps_its_room_in_the_manifest(shipped_copy, tmp_path):
    output = tmp_path / "out"
    args = ("--content", str(shipped_copy), "--output", str(output), "--only", "7", "--jobs", "1")
    assert run_build(ROOT, *args)[0] == 0
    first = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["sheets"]
    status, log = run_build(ROOT, *args)
    assert status == 0 and "built 0, up to date 2" in log
    again = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["sheets"]
    kept = [(s["status"], s["fit"]) for s in again if s["number"] == 7]
    assert kept == [("up to date", s["fit"]) for s in first if s["number"] == 7]
    assert all(fit.startswith("fits, about") for _, fit in kept)


def test_the_short_form_tried_first_is_only_a_guess_that_saves_a_layout(monkeypatch):
    """A short text is laid out once, in its short form; a guess that fails changes nothing but the time taken."""
    from knowledge_bites.printing import contract

    series = load_series(ROOT / "content")
    project = Project.at(ROOT, output=ROOT / "unused")
    prepare = preparer(project, series, compiled_languages(series), options=Options())
    printer = Printer(project.styles, project.asset_roots)
    calls = []
    layout = printer.layout
    monkeypatch.setattr(printer, "layout", lambda *args: calls.append(args[0]) or layout(*args))
    for key, short in [("04-employability-empowerment-mali.en", True), (f"{PRACTICE}.en", False)]:
        job = prepare(next(s for s in series.sheets if s.key == key))
        chosen = []
        for guess in (0, 10**6):  # never guess short; always guess short
            monkeypatch.setattr(contract, "SHORT_FIRST_WORDS", guess)
            calls.clear()
            result = lay_out(printer, job, ROOT.as_uri() + "/")
            chosen.append((result.html == job.short_html, result.css, len(result.document.pages), len(calls)))
        (never, always) = chosen
        assert never[:3] == always[:3] == (short, "", 2)
        assert always[3] == 1 if short else always[3] == never[3] + 1  # a right guess saves one; a wrong one costs one
