"""Nothing outside the project is read or fetched: the sandbox, stylesheets, links, devices and pipes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from knowledge_bites.printing.printer import Printer, SandboxFetcher
from knowledge_bites.sources import load_series

from .conftest import GOOD_FRONT_MATTER, ROOT, only_languages, practice, recording_opens, run_build

OUTSIDE = ("/etc/passwd", "/etc/hostname", "/dev/urandom")


def test_the_sandbox_refuses_every_address_outside_its_folders(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "ok.css").write_text("p { color: red }", encoding="utf-8")
    (styles / "passwd.css").symlink_to("/etc/passwd")
    fetcher = SandboxFetcher([styles])
    refused = [
        "file:///etc/hostname",
        "file:///dev/urandom",
        (styles / "passwd.css").as_uri(),  # a link inside the folder, to a file outside it
        f"{styles.as_uri()}/../../../../etc/passwd",
        "https://example.org/theme.css",
        "http://127.0.0.1/theme.css",
        "ftp://example.org/theme.css",
    ]
    with recording_opens(forbidden=OUTSIDE) as opened:
        assert fetcher.fetch((styles / "ok.css").as_uri()).read() == b"p { color: red }"
        for url in refused:
            with pytest.raises(ValueError, match="not"):
                fetcher.fetch(url)
    assert fetcher.refused == refused
    assert [path for path, _ in opened if path.startswith(str(styles))] == [str(styles / "ok.css")]


def test_the_sandbox_never_opens_a_pipe_or_a_folder_inside_the_project(tmp_path):
    styles = tmp_path / "styles"
    (styles / "folder.css").mkdir(parents=True)
    os.mkfifo(styles / "pipe.css")
    fetcher = SandboxFetcher([styles])
    with recording_opens(forbidden=(styles / "pipe.css",)):
        for name in ("pipe.css", "folder.css", "missing.css"):
            with pytest.raises(FileNotFoundError, match="does not exist or is not a regular file"):
                fetcher.fetch((styles / name).as_uri())
    assert fetcher.refused == []


BAD_STYLESHEET = """\
@import url("file:///etc/hostname");
@import url("https://example.org/theme.css");
@font-face { font-family: "Web"; src: url("https://fonts.example.org/web.woff2"); }
@font-face { font-family: "Noise"; src: url("/dev/urandom"); }
@font-face { font-family: "Gone"; src: url("fonts/missing.ttf"); }
p { colr: red; font-family: "Web", "Noise", "Gone"; }
p { background: url("../../../../../../../../../../../../etc/passwd"); }
"""


def test_stylesheet_imports_fonts_and_mistakes_are_refused_and_reported(tmp_path):
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "sheet.css").write_text(BAD_STYLESHEET, encoding="utf-8")
    with recording_opens(forbidden=OUTSIDE):
        printer = Printer(styles, [styles])
        reports = [printer.layout("<p>Hello</p>", styles.as_uri() + "/") for _ in range(2)]
    assert sorted(printer.fetcher.refused) == sorted(
        [
            "file:///etc/hostname",
            "https://example.org/theme.css",
            "https://fonts.example.org/web.woff2",
            "file:///dev/urandom",
            "file:///etc/passwd",
        ]
    )
    for _, records in reports:  # the stylesheet's problems come with every sheet, not only the first
        messages = "\n".join(record.getMessage() for record in records)
        assert "colr" in messages
        assert "Font-face 'Gone' cannot be loaded" in messages


def test_a_stylesheet_problem_reaches_the_build_log_and_fails_under_strict(scratch, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "styles", project / "styles")
    with (project / "styles" / "sheet.css").open("a", encoding="utf-8") as css:
        css.write('\n.summary { colr: red; }\n.title { background: url("https://example.org/band.png"); }\n')
    only_languages(scratch, "en")
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(), encoding="utf-8")
    out = tmp_path / "out"
    status, log = run_build(project, "--content", str(scratch), "--output", str(out), "--jobs", "1")
    assert status == 1, log  # a refused address is an error
    assert "warning: layout: Ignored `colr: red`" in log
    assert "'https://example.org/band.png' is outside the project and was not read" in log
    assert "Failed to load image" not in log  # said once, in the line above
    (project / "styles" / "sheet.css").write_text(
        (ROOT / "styles" / "sheet.css").read_text(encoding="utf-8") + "\n.summary { colr: red; }\n", encoding="utf-8"
    )
    status, log = run_build(project, "--content", str(scratch), "--output", str(out), "--jobs", "1")
    assert status == 0 and "warning: layout: Ignored `colr: red`" in log, log
    strict = out / "strict"
    status, log = run_build(project, "--content", str(scratch), "--output", str(strict), "--strict", "--jobs", "1")
    assert status == 1 and not list((out / "strict").rglob("*.pdf")), log


def test_links_pipes_and_folders_in_the_content_folder_are_never_read(scratch, tmp_path):
    only_languages(scratch, "en")
    practices = scratch / "practices"
    images = scratch / "images"
    images.mkdir()
    (images / "real.png").write_bytes((Path(__file__).parent / "corpus/photo-good/images/market.png").read_bytes())
    (images / "inside.png").symlink_to(images / "real.png")
    (images / "passwd.png").symlink_to("/etc/passwd")
    os.mkfifo(images / "pipe.png")
    (practices / "03-linked-out.en.md").symlink_to("/etc/passwd")
    os.mkfifo(practices / "04-pipe.en.md")
    (practices / "05-folder.en.md").mkdir()
    for number, photo in [(6, "images/inside.png"), (7, "images/passwd.png"), (8, "images/pipe.png")]:
        front = GOOD_FRONT_MATTER.replace("number: 3", f"number: {number}")
        front += f'photo:\n  file: {photo}\n  alt: "A photo"\n'
        (practices / f"{number:02d}-photo.en.md").write_text(practice(front), encoding="utf-8")
    forbidden = (*OUTSIDE, practices / "04-pipe.en.md", images / "pipe.png")
    with recording_opens(forbidden=forbidden):
        series = load_series(scratch)
    assert [str(p.shown_from(scratch)) for p in sorted(series.problems)] == [
        "practices/03-linked-out.en.md: a link to a file outside the content folder: not read",
        "practices/04-pipe.en.md: not a regular file (a folder, device or pipe): not read",
        "practices/05-folder.en.md: not a regular file (a folder, device or pipe): not read",
        "practices/07-photo.en.md:16: photo.file: 'images/passwd.png' is a link to a file outside the content "
        "folder and was not read",
        "practices/08-photo.en.md:16: photo.file: 'images/pipe.png' is not a regular file and was not read",
    ]
    assert [sheet.key for sheet in series.sheets] == ["06-photo.en"]
    with recording_opens(forbidden=forbidden):
        status, log = run_build(ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 1 and "Traceback" not in log
    assert [p.name for p in (tmp_path / "out").rglob("*.pdf")] == ["knowledge-bites-06-photo-en.pdf"]
