"""What a build leaves in its output folder: good sheets always, partial files never, stale PDFs named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from knowledge_bites.lock import OutputBusyError, output_lock
from knowledge_bites.printing.printer import Printer

from .conftest import GOOD_BODY, GOOD_FRONT_MATTER, ROOT, only_languages, practice, run_build

SENTENCE = "Returnees rebuild their lives with support from their community."
TOO_LONG = "\n".join(f"## Section {n}\n\n" + " ".join([SENTENCE] * 20) for n in range(1, 9))
WIDE_TABLE = "\n## Results\n\n| " + " | ".join(f"D{n}" for n in range(40)) + " |\n|" + "---|" * 40 + "\n"


def numbered(number: int, front: str = GOOD_FRONT_MATTER) -> str:
    return front.replace("number: 3", f"number: {number}")


def write(content, name: str, text: str) -> None:
    (content / "practices" / name).write_text(text, encoding="utf-8")


def pdfs(folder) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.pdf"))


def test_each_bad_sheet_fails_alone_and_the_summary_lists_the_failures(scratch, tmp_path):
    only_languages(scratch, "en")
    write(scratch, "01-good.en.md", practice(numbered(1)))
    write(scratch, "02-bad-figure.en.md", practice(numbered(2).replace("value: 1589", "value: ciento")))
    write(scratch, "03-too-long.en.md", practice(numbered(3), TOO_LONG))
    write(scratch, "04-wide-table.en.md", practice(numbered(4), WIDE_TABLE))
    write(scratch, "05-raw-html.en.md", practice(numbered(5), GOOD_BODY + "\n<script>alert(1)</script>\n"))
    write(scratch, "06-good.en.md", practice(numbered(6)))
    out = tmp_path / "out"
    status, log = run_build(ROOT, "--content", str(scratch), "--output", str(out), "--jobs", "1")
    assert status == 1, log
    assert "Traceback" not in log
    assert pdfs(out) == [
        "knowledge-bites-01-good-en.pdf",
        "knowledge-bites-05-raw-html-en.pdf",
        "knowledge-bites-06-good-en.pdf",
    ]
    closing = [line.replace(f"{scratch}/practices/", "") for line in log.strip().splitlines()[-4:]]
    never_built = "(no PDF yet: the bundles leave it out, and the manifest lists it as failed)"
    failed = ("02-bad-figure.en.md", "03-too-long.en.md", "04-wide-table.en.md")
    assert closing[:3] == [f"failed  {name}  {never_built}" for name in failed]
    assert closing[3].startswith("built 3, up to date 0, failed 3, warnings 1 in ")


def test_strict_turns_warnings_into_failures(scratch, tmp_path):
    only_languages(scratch, "en")
    write(scratch, "01-good.en.md", practice(numbered(1)))
    write(scratch, "05-raw-html.en.md", practice(numbered(5), GOOD_BODY + "\n<script>alert(1)</script>\n"))
    out = tmp_path / "out"
    status, log = run_build(ROOT, "--content", str(scratch), "--output", str(out), "--strict", "--jobs", "1")
    assert status == 1, log
    assert pdfs(out) == ["knowledge-bites-01-good-en.pdf"]
    assert "05-raw-html.en.md:26: warning: raw HTML is not allowed in the text" in log
    assert f"failed  {scratch}/practices/05-raw-html.en.md" in log


def test_strict_fails_the_sheets_of_a_language_with_a_missing_translation(scratch, tmp_path):
    project = tmp_path / "project"  # templates and styles of its own, with a label missing from the catalog
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "styles", project / "styles")
    catalog = project / "templates" / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    source = catalog.read_text(encoding="utf-8")
    catalog.write_text(source.replace('msgstr "Cifras clave"', 'msgstr ""'), encoding="utf-8")
    write(scratch, "03-entrepreneurship.en.md", practice())
    write(scratch, "03-entrepreneurship.es.md", practice())
    out = tmp_path / "out"
    status, log = run_build(project, "--content", str(scratch), "--output", str(out), "--jobs", "1")
    assert status == 0, log
    assert "messages.po:" in log and 'warning: missing translation of "Key figures": English is used' in log
    assert len(pdfs(out)) == 2
    strict = tmp_path / "strict"
    status, log = run_build(project, "--content", str(scratch), "--output", str(strict), "--strict", "--jobs", "1")
    assert status == 1, log
    assert pdfs(strict) == ["knowledge-bites-03-entrepreneurship-en.pdf"]
    assert f"failed  {scratch}/practices/03-entrepreneurship.es.md" in log


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["disk", "ctrl-c"])
def test_a_failed_write_keeps_the_previous_pdf_and_leaves_no_temporary_file(tmp_path, error, monkeypatch):
    from knowledge_bites import files

    target = tmp_path / "en" / "knowledge-bites-03-x-en.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF previous good sheet")
    real_fdopen = os.fdopen

    class HalfWritten:
        """A file that stops taking bytes part of the way, like a full disk or Ctrl-C."""

        def __init__(self, fd: int, mode: str) -> None:
            self.file = real_fdopen(fd, mode)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> None:
            self.file.write(data[:10])
            raise error

    monkeypatch.setattr(files.os, "fdopen", HalfWritten)
    with pytest.raises(type(error)):
        Printer.save(b"%PDF new sheet, longer than ten bytes", target)
    assert target.read_bytes() == b"%PDF previous good sheet"
    assert list(target.parent.iterdir()) == [target]
    monkeypatch.undo()
    assert Printer.save(b"%PDF new sheet", target)[0] == len(b"%PDF new sheet")
    assert target.read_bytes() == b"%PDF new sheet"
    assert list(target.parent.iterdir()) == [target]


def test_a_failed_rebuild_keeps_the_previous_pdf_and_says_it_is_stale(scratch, tmp_path):
    only_languages(scratch, "en")
    write(scratch, "03-entrepreneurship.en.md", practice())
    out = tmp_path / "out"
    assert run_build(ROOT, "--content", str(scratch), "--output", str(out), "--jobs", "1")[0] == 0
    pdf = out / "en" / "knowledge-bites-03-entrepreneurship-en.pdf"
    good = pdf.read_bytes()
    stale = (
        f"failed  {scratch}/practices/03-entrepreneurship.en.md  ({pdf}: previous PDF left in place is now stale; "
        "the bundles and the manifest keep it until it builds again)"
    )
    bundle = out / "bundles" / "knowledge-bites-en-2026-11-23.zip"
    assert bundle.is_file()
    kept = bundle.read_bytes()
    for broken in (practice(GOOD_FRONT_MATTER.replace("countries: [BF]", "countries: [XY]")), practice(body=TOO_LONG)):
        write(scratch, "03-entrepreneurship.en.md", broken)  # fails when loaded, then when laid out
        status, log = run_build(ROOT, "--content", str(scratch), "--output", str(out), "--jobs", "1")
        assert status == 1, log
        assert stale in log.splitlines(), log
        assert pdf.read_bytes() == good
        assert bundle.read_bytes() == kept  # as the line says: the bundle keeps the last good PDF
        assert not list(out.rglob("*.tmp"))


def test_a_second_build_in_the_same_output_folder_stops_at_once(tmp_path):
    out = tmp_path / "out"
    args = ("--output", str(out), "--only", "1", "--lang", "en", "--jobs", "1")
    with output_lock(out):
        status, log = run_build(ROOT, *args)
        assert (status, log.strip().splitlines()[-1]) == (
            2,
            f"{out}: another build is writing to this folder; run again when it ends",
        )
        assert pdfs(out) == []
        assert run_build(ROOT, "--output", str(out), "--check")[0] == 0  # --check writes nothing and needs no lock
        with pytest.raises(OutputBusyError), output_lock(out):
            pass
    status, log = run_build(ROOT, *args)
    assert status == 0, log
    assert pdfs(out) == ["knowledge-bites-01-cash-for-work-guinea-en.pdf"]


def test_the_newsletter_outputs_are_written_while_the_folder_is_held(tmp_path, monkeypatch):
    """Another build cannot start between a build's sheets and the outputs derived from them."""
    from knowledge_bites.outputs import newsletter

    out = tmp_path / "out"
    derive, held = newsletter.derive, []

    def derive_while_trying_the_lock(project, *args):
        try:
            with output_lock(project.output):
                held.append(False)
        except OutputBusyError:
            held.append(True)
        return derive(project, *args)

    monkeypatch.setattr(newsletter, "derive", derive_while_trying_the_lock)
    status, log = run_build(ROOT, "--output", str(out), "--only", "1", "--lang", "en", "--jobs", "1")
    assert status == 0, log
    assert held == [True]


def test_the_lock_holds_against_another_process(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from knowledge_bites.lock import output_lock\n"
            f"with output_lock(Path({str(out)!r})):\n    print('held', flush=True)\n    input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        status, log = run_build(ROOT, "--output", str(out), "--only", "1", "--lang", "en", "--jobs", "1")
        assert status == 2, log
        assert "another build is writing to this folder" in log
    finally:
        holder.communicate("\n")
    with output_lock(out):  # released when the other process ended
        pass
