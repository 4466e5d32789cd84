"""Faults of the machine and of hostile sources end in one line each, never a traceback, and the rest is built."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from .conftest import copy_project, practice
from .running import Command, run_command

PRACTICE = "01-cash-for-work-guinea"


def folders(project: Path, output: Path | None = None) -> list[str]:
    return ["--content", str(project / "content"), "--output", str(output or project / "output"), "--jobs", "2"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project", [PRACTICE])


def no_traceback(log: str) -> None:
    assert "Traceback" not in log and "Error:" not in log.replace("ERROR   ", ""), log


def add(project: Path, name: str, text: str) -> Path:
    path = project / "content" / "practices" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dangling_link_under_content_is_one_line_and_the_rest_is_built(project):
    (project / "content" / "images").mkdir()
    (project / "content" / "images" / "gone.png").symlink_to(project / "nowhere.png")
    (project / "content" / "practices" / "03-gone.en.md").symlink_to(project / "nowhere.md")
    status, log = run_command(folders(project))
    no_traceback(log)
    assert status == 1, log
    assert f"{project}/content/practices/03-gone.en.md: " in log
    assert log.count(f"built   {project}/output/") == 2, log


def test_watch_outlives_an_editors_test_file_made_and_removed_again_and_again(project):
    watch = Command(["--watch", *folders(project)])
    try:
        watch.wait_for("watching ")
        practices = project / "content" / "practices"
        for _ in range(200):  # Vim writes and removes a file named 4913 to see whether it may write the folder
            probe = practices / "4913"
            probe.write_bytes(b"")
            probe.unlink()
        link = practices / "dangling.en.md"
        link.symlink_to(practices / "nowhere")
        time.sleep(2)
        add(project, f"{PRACTICE}.en.md", (practices / f"{PRACTICE}.en.md").read_text(encoding="utf-8") + "\nMore.\n")
        watch.wait_for("built   ", count=3, seconds=60)
        assert watch.process.poll() is None, watch.text
    finally:
        watch.stop()
    no_traceback(watch.text)


@pytest.mark.parametrize(
    ("where", "written"),
    [
        ("text", "![A chart](images/ok.png%00.txt)"),
        ("photo", 'photo:\n  file: "images/ok.png\\0.txt"\n  alt: "A chart"\n'),
    ],
)
def test_a_nul_in_an_image_path_is_one_line(project, where, written):
    from .conftest import GOOD_FRONT_MATTER

    front = GOOD_FRONT_MATTER + (written if where == "photo" else "")
    body = "\n## Context\n\n" + (written if where == "text" else "Text.") + "\n"
    add(project, "03-entrepreneurship.en.md", practice(front, body))
    status, log = run_command(folders(project))
    no_traceback(log)
    assert status == 1, log
    (line,) = [line for line in log.splitlines() if "03-entrepreneurship.en.md:" in line]
    assert "invisible control character" in line and "write the file's path as it is" in line, line
    assert log.count("built   ") == 2


def test_a_nul_in_the_text_is_one_line_with_its_place(project):
    add(project, "03-entrepreneurship.en.md", practice(body="\n## Context\n\nReturnees\0 start businesses.\n"))
    status, log = run_command(folders(project))
    no_traceback(log)
    assert status == 1, log
    expected = "invisible control character U+0000 (often pasted from another program): delete it"
    assert f"03-entrepreneurship.en.md:19: {expected}" in log


def test_a_backslash_image_path_says_to_use_forward_slashes_on_its_line(project):
    add(project, "03-entrepreneurship.en.md", practice(body="\n## Context\n\n![A chart](images\\.chart.png)\n"))
    status, log = run_command(folders(project))
    no_traceback(log)
    assert status == 1, log
    (line,) = [line for line in log.splitlines() if "03-entrepreneurship.en.md:" in line]
    assert line.endswith(
        "03-entrepreneurship.en.md:19: image 'images\\.chart.png' has backslashes: write image paths with forward "
        "slashes, e.g. images/.chart.png"
    ), line


def test_a_tiny_jpeg_that_declares_a_huge_picture_is_damaged(project):
    buffer = io.BytesIO()
    Image.new("RGB", (7000, 8000), (120, 130, 140)).save(buffer, "JPEG")
    data = buffer.getvalue()
    cut = data[: data.index(b"\xff\xda") + 24] + b"\xff\xd9"  # the header, a few bytes of picture, the end marker
    assert len(cut) < 700
    (project / "content" / "images").mkdir()
    (project / "content" / "images" / "cut.jpg").write_bytes(cut)
    add(project, "03-entrepreneurship.en.md", practice(body="\n## Context\n\n![A chart](images/cut.jpg)\n"))
    status, log = run_command([*folders(project), "--check"])
    assert status == 1 and "7,000 × 8,000 pixels but holds only" in log and "damaged or cut short" in log, log


def test_thousands_of_raw_tags_are_told_in_a_few_lines(project):
    paragraphs = "\n\n".join(["<i>a</i> " * 800] * 7)  # 5,600 tags, as a page pasted from the web has
    add(project, "03-entrepreneurship.en.md", practice(body=f"\n## Context\n\n{paragraphs}\n"))
    status, log = run_command([*folders(project), "--check"])
    no_traceback(log)
    assert status == 0, log  # removed with a warning: the sheet is still built
    lines = [line for line in log.splitlines() if "03-entrepreneurship.en.md" in line]
    assert 1 < len(lines) <= 8, lines
    assert "5,595 more pieces of it were removed as well" in log, log


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 10_000 + "x" + "]" * 10_000 + "(y)", "a paragraph of 20,005 characters"),
        ("[" * 20_000, "a paragraph of 20,001 characters"),
        ("[a](b " * 400, "400 opening brackets '[' in one paragraph"),
    ],
    ids=["nested", "a-line-of-brackets", "unclosed-links"],
)
def test_text_that_would_take_minutes_to_convert_is_refused_at_once_with_its_line(project, body, message):
    add(project, "03-entrepreneurship.en.md", practice(body=f"\n## Context\n\nReturnees.\n\n{body}\n"))
    started = time.monotonic()
    status, log = run_command([*folders(project), "--check"])
    assert time.monotonic() - started < 60, "refused at once, not after the quadratic conversion"
    no_traceback(log)
    assert status == 1 and f"03-entrepreneurship.en.md:21: {message}" in log, log


def test_the_summary_tells_the_wall_time_of_the_build(project):
    started = time.monotonic()
    status, log = run_command(folders(project))
    wall = time.monotonic() - started
    seconds = float(log.strip().splitlines()[-1].rsplit(" in ", 1)[1].removesuffix(" s"))
    assert status == 0 and 0.5 * wall < seconds <= wall, (wall, log)


def test_a_range_of_practices_too_large_is_one_line(project):
    status, log = run_command([*folders(project), "--only", "1-300000000"], seconds=60)
    assert status == 2 and "practice numbers go up to 9999" in log and "Traceback" not in log, log


def test_a_damaged_last_good_pdf_of_a_failing_source_is_left_out(project):
    assert run_command(folders(project))[0] == 0
    pdf = project / "output" / "en" / f"knowledge-bites-{PRACTICE}-en.pdf"
    pdf.write_bytes(b"%PDF-1.7 cut sh")
    source = project / "content" / "practices" / f"{PRACTICE}.en.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title:", "tittle:"), encoding="utf-8")
    status, log = run_command(folders(project))
    no_traceback(log)
    assert status == 1 and f"failed  {source}  (no PDF yet" in log, log


def mounted(folder: Path, size: str, *options: str) -> bool:
    """Mount a small memory file system at `folder` (as root); return whether it could be."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path):
    folder = tmp_path / "disk"
    if not sys.platform.startswith("linux") or not mounted(folder, "64k"):
        pytest.skip("needs to mount a small file system (root on Linux)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_fails_each_sheet_in_one_line_and_keeps_no_half_file(project, small_disk):
    status, log = run_command(folders(project, small_disk / "output"))
    no_traceback(log)
    assert status == 1, log
    assert "(No space left on device): the sheet was not written" in log
    assert not list(small_disk.rglob("*.tmp")), sorted(small_disk.rglob("*"))
    status, log = run_command(folders(project, small_disk / "output"))  # and again, on the full disk
    no_traceback(log)
    assert status == 1, log


def test_a_read_only_output_folder_is_one_line(project, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    status, log = run_command(folders(project, small_disk / "output"))
    assert status == 2 and log.strip().splitlines()[-1] == (
        f"{small_disk / 'output'}: cannot be written to (Read-only file system): give another folder with --output"
    ), log
