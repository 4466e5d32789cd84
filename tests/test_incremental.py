"""Incremental builds: what each kind of change rebuilds, no-op builds, and byte-identical output."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from knowledge_bites.limits import Limits

from .conftest import ROOT, compiled_languages, copy_project, run_build, start_interruptible

PRACTICES = ["01-cash-for-work-guinea", "02-employment-through-training-burkina-faso"]


def make_project(folder: Path) -> Path:
    """Copy templates, styles and two shipped practices (both languages) into a scratch project."""
    return copy_project(folder, PRACTICES)


def build(project: Path, *args: str) -> tuple[int, str]:
    return run_build(project, "--jobs", "1", *args)


def built(log: str) -> list[str]:
    """Return the sheet keys a build log says were printed, e.g. ['01-en', '02-es']."""
    names = [line.split()[1] for line in log.splitlines() if line.startswith("built ") and ".pdf" in line]
    return sorted(f"{Path(n).name.split('-')[2]}-{Path(n).stem.rsplit('-', 1)[1]}" for n in names)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hashes(output: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(output.glob("*/*.pdf"))}


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    """A two-practice project, built once for the module; each test edits a copy of its own."""
    project = make_project(tmp_path_factory.mktemp("built") / "project")
    status, log = build(project)
    assert status == 0, log
    assert built(log) == ["01-en", "01-es", "02-en", "02-es"]
    return project


@pytest.fixture
def project(built_project: Path, tmp_path: Path) -> Path:
    """A copy of the built project. Its files have new inodes, so the first build checks every sheet (and rebuilds
    none: the PDFs match their sources), and records the copy's files for the no-op check."""
    copy = Path(shutil.copytree(built_project, tmp_path / "project", symlinks=True))
    status, log = build(copy)
    assert status == 0 and built(log) == [], log
    return copy


def test_nothing_changed_means_nothing_to_do(project):
    status, log = build(project)
    assert status == 0
    # The one line about each language in progress is told again, as the warnings of the last build would be.
    assert log.strip().splitlines() == [
        "fr (in progress): 0 of 2 practices translated; missing: 1–2",
        "ar (in progress): 0 of 2 practices translated; missing: 1–2",
        log.strip().splitlines()[-1],
    ]
    assert log.strip().splitlines()[-1].startswith("nothing to do: 4 sheets up to date")


def test_touching_a_file_without_changing_it_rebuilds_nothing(project):
    source = project / "content" / "practices" / f"{PRACTICES[0]}.en.md"
    os.utime(source)
    status, log = build(project)
    assert status == 0 and built(log) == []
    assert "4 sheets up to date" in log


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        # The text of one sheet: that sheet only.
        (f"content/practices/{PRACTICES[0]}.en.md", "## Context", "## Context\n\nA new sentence.\n", ["01-en"]),
        # A title: that sheet, and the sheets of its language that list it among the other practices.
        (f"content/practices/{PRACTICES[1]}.es.md", 'title: "', 'title: "Nuevo: ', ["01-es", "02-es"]),
        # A label catalog: the sheets of that language.
        (
            "templates/locales/es/LC_MESSAGES/messages.po",
            'msgstr "Cifras clave"',
            'msgstr "Cifras principales"',
            ["01-es", "02-es"],
        ),
        # Series settings, templates, styles and fonts: every sheet.
        (
            "content/series.yaml",
            "other_practices_limit: 12",
            "other_practices_limit: 11",
            ["01-en", "01-es", "02-en", "02-es"],
        ),
        (
            "templates/sheet.html",
            '<p class="summary">',
            '<p class="summary" data-edition="2">',
            ["01-en", "01-es", "02-en", "02-es"],
        ),
        ("styles/brand.css", "--tint: #eef4f7;", "--tint: #eef4f8;", ["01-en", "01-es", "02-en", "02-es"]),
    ],
    ids=["source", "title", "catalog", "settings", "template", "style"],
)
def test_each_kind_of_change_rebuilds_what_depends_on_it(project, path, old, new, expected):
    edit(project / path, old, new)
    status, log = build(project)
    assert status == 0, log
    assert built(log) == expected


def test_a_changed_photo_rebuilds_the_sheet_that_shows_it(project):
    from PIL import Image

    photos = project / "content" / "photos"
    photos.mkdir(exist_ok=True)
    Image.new("RGB", (600, 400), (40, 90, 120)).save(photos / "market.png")
    source = project / "content" / "practices" / f"{PRACTICES[0]}.en.md"
    edit(source, "published:", 'photo: {file: photos/market.png, alt: "A market street"}\npublished:')
    assert build(project)[0] == 0
    pdf = project / "output" / "en" / "knowledge-bites-01-cash-for-work-guinea-en.pdf"
    before = pdf.read_bytes()
    Image.new("RGB", (600, 400), (120, 90, 40)).save(photos / "market.png")
    status, log = build(project)
    assert status == 0 and built(log) == ["01-en"]
    assert pdf.read_bytes() != before  # with the new picture, though the same process printed the old one


@pytest.mark.parametrize(
    ("written", "file"),
    [
        ("![A chart of the results][chart]\n\n[chart]: charts/by-reference.png", "by-reference.png"),
        ("![A chart of the results](<charts/in brackets.png>)", "in brackets.png"),
        ("![A chart of the results](charts/with%20escapes.png)", "with escapes.png"),
    ],
    ids=["reference", "angle-brackets", "escaped"],
)
def test_a_changed_image_rebuilds_the_sheet_however_the_text_names_it(tmp_path, written, file):
    """Every way Markdown names an image counts: replacing the picture rebuilds the sheet, with the new picture."""
    from PIL import Image

    project = make_project(tmp_path / "images")
    charts = project / "content" / "charts"
    charts.mkdir()
    Image.new("RGB", (300, 200), (40, 90, 120)).save(charts / file)
    source = project / "content" / "practices" / f"{PRACTICES[1]}.en.md"
    source.write_text(source.read_text(encoding="utf-8") + f"\n{written}\n", encoding="utf-8")
    status, log = build(project)
    assert status == 0, log
    pdf = next((project / "output" / "en").glob("knowledge-bites-02-*.pdf"))
    before = pdf.read_bytes()
    Image.new("RGB", (300, 200), (120, 90, 40)).save(charts / file)
    status, log = build(project)
    assert status == 0 and built(log) == ["02-en"], log
    assert pdf.read_bytes() != before


def test_force_rebuilds_everything_byte_for_byte(project):
    before = hashes(project / "output")
    status, log = build(project, "--force")
    assert status == 0 and built(log) == ["01-en", "01-es", "02-en", "02-es"]
    assert hashes(project / "output") == before


def test_a_deleted_source_takes_its_pdf_with_it(project):
    (project / "content" / "practices" / f"{PRACTICES[1]}.es.md").unlink()
    status, log = build(project)
    assert status == 0
    assert "removed output/es/knowledge-bites-02-employment-through-training-burkina-faso-es.pdf" in log.replace(
        str(project) + "/", ""
    )
    assert not (
        project / "output" / "es" / "knowledge-bites-02-employment-through-training-burkina-faso-es.pdf"
    ).exists()


def test_same_sources_give_identical_pdfs_in_another_folder(tmp_path):
    """Two checkouts in different places build byte-identical PDFs."""
    first = make_project(tmp_path / "first")
    second = make_project(tmp_path / "second" / "deeper")
    assert build(first, "--only", "1")[0] == 0
    assert build(second, "--only", "1")[0] == 0
    assert len(hashes(first / "output")) == 2
    assert hashes(first / "output") == hashes(second / "output")


def test_a_build_with_nothing_to_do_does_not_load_the_layout_engine(project):
    build(project)
    code = (
        "import sys; from pathlib import Path; from knowledge_bites.cli import main;"
        f"status = main(['--jobs', '1'], root=Path({str(project)!r}));"
        "print(status, 'weasyprint' in sys.modules, 'pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "0 False False"


def test_watch_rebuilds_the_sheet_of_each_saved_change(tmp_path):
    project = make_project(tmp_path / "watched")
    code = (
        "import sys; from pathlib import Path; from knowledge_bites.cli import main;"
        f"sys.exit(main(['--watch', '--jobs', '1', '--only', '1'], root=Path({str(project)!r})))"
    )
    watcher = start_interruptible([sys.executable, "-c", code], cwd=project)
    assert watcher.stdout is not None
    try:
        lines = iter(watcher.stdout)
        assert any(line.startswith("watching ") for line in lines)
        source = project / "content" / "practices" / f"{PRACTICES[0]}.es.md"
        edit(source, "## Contexto", "## Contexto\n\nUna frase nueva.\n")
        seen = []
        for line in lines:
            seen.append(line)
            if line.startswith("built ") and "up to date" in line:
                break
        assert seen[0] == f"changed: content/practices/{PRACTICES[0]}.es.md\n"
        assert any(line.startswith("built   output/es/knowledge-bites-01-") for line in seen), seen
        assert seen[-1].startswith("built 1, up to date 1, failed 0")
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=30)


def test_workers_kept_between_builds_print_with_the_styles_of_each_build(tmp_path):
    """Under --watch the worker processes live from one build to the next; a style edited in between is used."""
    from knowledge_bites.pipeline import Options
    from knowledge_bites.pipeline import build as build_sheets
    from knowledge_bites.project import Project
    from knowledge_bites.sources import load_series
    from knowledge_bites.workers import Workers

    def build_series(project: Project, workers: Workers | None = None):
        series = load_series(project.content)
        return build_sheets(project, series, compiled_languages(series), options=options, workers=workers)

    project = Project.at(make_project(tmp_path / "watched"))
    options = Options(only=(1,), languages=("en",), limits=Limits(jobs=2))
    pdf = project.output / "en" / "knowledge-bites-01-cash-for-work-guinea-en.pdf"
    with Workers(project, options.limits) as workers:
        assert build_series(project, workers).ok
        before, pool = pdf.read_bytes(), workers.pool
        edit(project.styles / "brand.css", "--brand: #0d3b54;", "--brand: #0d4b54;")
        report = build_series(project, workers)
        assert report.count("built") == 1 and workers.pool is pool
    after = pdf.read_bytes()
    assert after != before
    # Byte for byte what a fresh build with the edited styles prints: no worker kept the old stylesheet.
    fresh = Project.at(project.root, output=tmp_path / "fresh")
    assert build_series(fresh).ok
    assert (fresh.output / "en" / pdf.name).read_bytes() == after


def test_before_watching_only_workers_that_have_printed_nothing_rehearse_a_sheet(tmp_path):
    """--watch and the preview have each worker print a sheet for practice before they say they are watching, so
    that the first save is fast; workers that printed a sheet in the first build are ready already."""
    from knowledge_bites.pipeline import Options, preparer
    from knowledge_bites.pipeline import build as build_sheets
    from knowledge_bites.project import Project
    from knowledge_bites.sources import load_series
    from knowledge_bites.workers import Workers

    project = Project.at(make_project(tmp_path / "watched"))
    series = load_series(project.content)
    languages = compiled_languages(series)
    rehearsed: list[int] = []

    def rehearsals(workers: Workers) -> int:
        pool, _ = workers.get()
        submit = pool.submit
        pool.submit = lambda task, *args: rehearsed.append(1) or submit(task, *args)  # type: ignore[method-assign]
        rehearsed.clear()
        workers.rehearse(preparer(project, series, languages, options=Options())(series.sheets[0]))
        pool.submit = submit  # type: ignore[method-assign]
        return len(rehearsed)

    for languages_built, expected in ((("en",), 2), ((), 0)):  # one sheet printed: both rehearse; two: neither
        options = Options(only=(1,), languages=languages_built, limits=Limits(jobs=2), force=True)
        with Workers(project, options.limits) as workers:
            assert build_sheets(project, series, languages, options=options, workers=workers).ok
            assert rehearsals(workers) == expected, languages_built


def test_a_source_that_fails_to_load_changes_no_other_output(tmp_path):
    """A misspelt field in one file: the other sheets keep listing that practice as it last built, and are not
    rebuilt; its last good PDF stays in place, in the bundle and the manifest; its twin is not warned about; and
    fixing the mistake rebuilds that sheet alone. (Practice #11 reuses the facts, and the slug, of the shipped #9:
    the twin of the broken file is not compared with #9's file instead.)"""
    project = make_project(tmp_path / "eleven")
    practices = project / "content" / "practices"
    for lang in ("en", "es"):
        text = (ROOT / "content" / "practices" / f"09-smes-iraq.{lang}.md").read_text(encoding="utf-8")
        (practices / f"09-smes-iraq.{lang}.md").write_text(text, "utf-8")
        (practices / f"11-smes-iraq.{lang}.md").write_text(text.replace("number: 9\n", "number: 11\n"), "utf-8")
    status, log = build(project)
    assert status == 0 and len(built(log)) == 8, log
    output = project / "output"
    before = hashes(output)
    title = "Boosting Returnees’ Employment through Support to SMEs in Iraq"
    pdf = "en/knowledge-bites-11-smes-iraq-en.pdf"

    source = practices / "11-smes-iraq.en.md"
    edit(source, "## Context\n", "## Context\n\nA sentence added while a field was misspelt.\n")
    edit(source, "title:", "tittle:")
    status, log = build(project)
    shown = log.replace(str(project) + "/", "")
    assert status == 1, log
    assert built(log) == [], log  # no other sheet changes, so none is printed again
    assert "failed  content/practices/11-smes-iraq.es.md" not in shown, log
    assert ": warning:" not in log, log  # the Spanish twin has its English file: it failed to load, and says why
    assert "content/practices/11-smes-iraq.en.md:3: tittle: unknown field (did you mean 'title'?)" in shown
    assert (
        f"failed  content/practices/11-smes-iraq.en.md  (output/{pdf}: previous PDF left in place is now stale; "
        "the bundles and the manifest keep it until it builds again)"
    ) in shown.splitlines(), log
    assert hashes(output) == before
    with zipfile.ZipFile(next((output / "bundles").glob("knowledge-bites-en-*.zip"))) as bundle:
        assert Path(pdf).name in bundle.namelist()
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in manifest["sheets"] if (e["number"], e["language"]) == (11, "en")]
    assert (entry["status"], entry["title"], entry["pdf"]) == ("failed", title, pdf)
    assert f"{title}</a>" in (output / "index.html").read_text(encoding="utf-8")  # its card in the catalogue too

    edit(source, "tittle:", "title:")
    status, log = build(project)
    assert status == 0 and built(log) == ["11-en"], log
