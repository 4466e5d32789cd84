"""Editions and reviews on a scratch project of one practice in English and Spanish: a release, then (a) nothing
changed, (b) one word edited, (c) a brand colour changed, (d) a practice added and another withdrawn, (e) a sheet
that fails; the feed read back as a newsletter tool would; the review page in Chromium."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project, run_build

FEED_URL = "https://example.org/knowledge-bites/releases/"
FIRST = "2026-11-23"  # the newest publication date of the scratch project names its first release
EN = "content/practices/01-cash-for-work-guinea.en.md"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A scratch project built and released once."""
    folder = copy_project(tmp_path_factory.mktemp("released"), ["01-cash-for-work-guinea"])
    with (folder / "content" / "series.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"\nreleases_url: {FEED_URL}\n")
    status, log = run_build(folder, "--jobs", "2")
    assert status == 0, log
    status, log = run_build(folder, "release")
    assert status == 0, log
    return folder


@pytest.fixture
def project(released: Path, tmp_path: Path) -> Path:
    """A copy of the released project, to change."""
    return Path(shutil.copytree(released, tmp_path / "project", symlinks=True))


def edit(project: Path, source: str, old: str, new: str) -> None:
    path = project / source
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build_and_review(project: Path, *args: str) -> tuple[int, str]:
    status, log = run_build(project, "--jobs", "2")
    assert status in (0, 1), log
    return run_build(project, "review", *args)


def digests(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_a_release_keeps_every_sheet_with_its_record(released):
    folder = released / "releases" / FIRST
    record = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert set(record["sheets"]) == {"01-cash-for-work-guinea.en", "01-cash-for-work-guinea.es"}
    for sheet in record["sheets"].values():
        pdf = folder / sheet["pdf"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == sheet["sha256"]
        assert sheet["pages"] == 2 and sheet["change"] == "new" and sheet["published"] == FIRST
        assert (folder / "pages" / f"{pdf.stem}-2.png").is_file()
        assert (folder / "announcements" / f"{pdf.stem}.html").is_file()
    assert record["sheets"]["01-cash-for-work-guinea.es"]["translation"] == "up to date"
    assert (folder / record["bundle"]).is_file()


def test_a_no_change_reviews_as_nothing_changed(project):
    status, log = run_build(project, "review", "--strict")
    assert status == 0, log
    assert log.splitlines()[0] == f"0 of 2 sheets changed since release {FIRST}"
    assert (project / "output" / "review" / "index.html").is_file()


def test_b_one_word_edited_names_its_sheet_page_section_and_line(project):
    edit(project, EN, "were taking part in", "were participating in")
    status, log = build_and_review(project, "--strict")
    assert status == 1, log  # --strict: something changed
    assert log.splitlines()[0] == f"1 of 2 sheets changed since release {FIRST}: 01 en (page 1: 'Results')"
    assert "+'participating' -'taking part'" in log
    page = (project / "output" / "review" / "index.html").read_text(encoding="utf-8")
    assert "<ins>participating</ins>" in page and "<td>Results</td>" in page

    # The one area outlined on page 1 is around the line of the word, not the whole page.
    from knowledge_bites.record import Record
    from knowledge_bites.releasing.edition import find
    from knowledge_bites.releasing.review import compare

    review = compare(project / "output", find(project / "releases", None), Record.load(project / "output"), None)
    (changed,) = review.having("changed")
    (difference,) = changed.pages
    assert difference.page == 1 and len(difference.boxes) == 1
    box = difference.boxes[0]
    left, top, right, bottom = word_box(changed.after, "participating", difference.size[0])
    assert box.left <= left and box.top <= top and box.right >= right and box.bottom >= bottom
    assert box.bottom - box.top < 0.05 * difference.size[1]  # a line or two of a 1,697-pixel page

    # A translation of a complete language is now out of date: the release refuses, and says how to fix it.
    status, log = run_build(project, "release")
    assert status == 1, log
    assert "01-cash-for-work-guinea.es.md: out of date" in log and "no release was made" in log
    assert sorted(p.name for p in (project / "releases").iterdir() if p.is_dir()) == [FIRST]


def word_box(pdf: Path, word: str, width: int) -> tuple[float, float, float, float]:
    """Return where a word is printed on page 1 of a PDF, in pixels of a picture `width` wide."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        page_width, page_height = page.get_size()
        text = page.get_textpage()
        found = text.search(word).get_next()
        assert found is not None, word
        start, count = found
        boxes = [text.get_charbox(i) for i in range(start, start + count)]
        scale = width / page_width
        x0, x1 = min(b[0] for b in boxes) * scale, max(b[2] for b in boxes) * scale
        y0, y1 = (page_height - max(b[3] for b in boxes)) * scale, (page_height - min(b[1] for b in boxes)) * scale
        return x0, y0, x1, y1
    finally:
        document.close()


def test_b_a_revision_released_is_in_the_feed_and_says_so_on_the_sheet(project):
    import feedparser
    import pikepdf

    edit(project, EN, "were taking part in", "were participating in")
    assert run_build(project, "translations", "--mark", "1", "--lang", "es")[0] == 0
    run_build(project, "--jobs", "2")
    status, log = run_build(project, "release", "--name", "second")
    assert status == 0, log
    assert "revised  01 en" in log and "add `revised: YYYY-MM-DD`" in log
    record = json.loads((project / "releases" / "second" / "release.json").read_text(encoding="utf-8"))
    changes = {key: sheet["change"] for key, sheet in record["sheets"].items()}
    assert changes == {"01-cash-for-work-guinea.en": "revised", "01-cash-for-work-guinea.es": "unchanged"}
    # The unchanged sheet's files are the first release's very files.
    es = record["sheets"]["01-cash-for-work-guinea.es"]["pdf"]
    assert (project / "releases" / "second" / es).stat().st_ino == (project / "releases" / FIRST / es).stat().st_ino

    feed = feedparser.parse((project / "releases" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "rss20"
    assert len(feed.entries) == 3  # two new sheets, then one revised
    revised = feed.entries[-1]
    assert revised.link == f"{FEED_URL}second/{record['sheets']['01-cash-for-work-guinea.en']['pdf']}"
    assert revised.published_parsed[:3] == (2026, 11, 23)
    (enclosure,) = revised.enclosures
    assert enclosure.type == "image/png" and enclosure.href.startswith(f"{FEED_URL}second/thumbnails/")
    picture = project / "releases" / enclosure.href.removeprefix(FEED_URL)
    assert int(enclosure.length) == picture.stat().st_size > 0

    # The revision date prints in the fine print and dates the PDF's change; the clock never does.
    edit(project, EN, "published: 2026-11-23", "published: 2026-11-23\nrevised: 2026-12-02")
    assert run_build(project, "--jobs", "2")[0] == 0
    pdf = project / "output" / "en" / "knowledge-bites-01-cash-for-work-guinea-en.pdf"
    assert "Revised 2 December 2026" in pdf_text(pdf)
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/ModDate"]).startswith("D:20261202")


def pdf_text(pdf: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)
    finally:
        document.close()


def test_c_a_brand_colour_changes_every_sheet(project):
    edit(project, "styles/brand.css", "--brand: #0d3b54;", "--brand: #5a2d82;")
    status, log = build_and_review(project)
    assert status == 0, log
    summary = log.splitlines()[0]
    assert summary.startswith(f"2 of 2 sheets changed since release {FIRST}: 01 en (page"), summary
    assert "01 es (page" in summary


def test_d_a_practice_added_is_new_and_one_deleted_is_withdrawn(project):
    for lang in ("en", "es"):
        shutil.copy(ROOT / "content" / "practices" / f"02-employment-through-training-burkina-faso.{lang}.md",
                    project / "content" / "practices")  # fmt: skip
        (project / "content" / "practices" / f"01-cash-for-work-guinea.{lang}.md").unlink()
    status, log = build_and_review(project)
    assert status == 0, log
    assert log.splitlines()[0] == (
        f"0 of 2 sheets changed since release {FIRST}; 2 new: 02 en, 02 es; 2 withdrawn: 01 en, 01 es"
    )
    status, log = run_build(project, "release", "--name", "second")
    assert status == 0, log
    record = json.loads((project / "releases" / "second" / "release.json").read_text(encoding="utf-8"))
    assert sorted(record["withdrawn"]) == ["01-cash-for-work-guinea.en", "01-cash-for-work-guinea.es"]
    assert {s["change"] for s in record["sheets"].values()} == {"new"}


def test_e_a_failed_sheet_stops_the_release_and_leaves_the_earlier_one_alone(project):
    before = digests(project / "releases")
    edit(project, EN, "classification: good", "classification: great")
    assert run_build(project, "--jobs", "2")[0] == 1
    status, log = run_build(project, "release", "--name", "second")
    assert status == 1, log
    assert f"{project / EN}: failed" in log and "no release was made" in log
    assert digests(project / "releases") == before
    assert not (project / "releases" / "second").exists()
    # Nor does a release replace an earlier one of the same name.
    edit(project, EN, "classification: great", "classification: good")
    assert run_build(project, "--jobs", "2")[0] == 0
    status, log = run_build(project, "release", "--name", FIRST)
    assert status == 2 and "a release is never changed" in log
    assert digests(project / "releases") == before
    # Left to itself, a release of the same edition takes the next free name.
    status, log = run_build(project, "release")
    assert status == 0 and f"released {project / 'releases' / FIRST}-2" in log, log


def test_the_review_page_shows_the_pictures_in_chromium(project, tmp_path):
    pytest.importorskip("playwright")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    edit(project, EN, "were taking part in", "were participating in")
    assert build_and_review(project)[0] == 0
    page_file = project / "output" / "review" / "index.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            sizes = page.evaluate("[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
            assert len(sizes) == 4 and all(done and width == 1200 for done, width, _ in sizes), sizes
            assert page.locator(".box").count() == 3  # the area on before, after and the difference
            assert "01 en (page 1: 'Results')" in page.locator("#summary").inner_text()
            page.screenshot(path=tmp_path / "review.png")
        finally:
            browser.close()
    assert (tmp_path / "review.png").stat().st_size > 10_000


def test_the_preview_changes_view_serves_the_pictures_where_they_are(project):
    from knowledge_bites.preview.changes import changes_page
    from knowledge_bites.preview.server import application
    from knowledge_bites.project import Project

    edit(project, EN, "were taking part in", "were participating in")
    assert build_and_review(project)[0] == 0
    served = Project.at(project)
    page = changes_page(served)
    stem = "knowledge-bites-01-cash-for-work-guinea-en-1"
    assert f'src="/releases/{FIRST}/pages/{stem}.png"' in page and f'src="/output/pages/{stem}.png"' in page
    assert "01 en (page 1: &#39;Results&#39;)" in page
    paths = {getattr(route, "path", None) for route in application(served, None, ["127.0.0.1"]).routes}  # type: ignore[arg-type]
    assert {"/changes", "/releases"} <= paths


def test_a_revision_date_before_publication_is_one_line(project):
    edit(project, EN, "published: 2026-11-23", "published: 2026-11-23\nrevised: 2026-11-02")
    status, log = run_build(project, "--check")
    assert status == 1, log
    (line,) = [line for line in log.splitlines() if "revised" in line]
    said = "revised: is before published (2026-11-23): write the date of the revision"
    assert line.strip() == f"{project / EN}:9: {said}"
    assert "Traceback" not in log


def test_e_a_sheet_that_runs_over_two_pages_stops_the_release(project):
    before = digests(project / "releases")
    paragraph = "\n\nThe work consisted mostly of cleaning public spaces." * 120
    edit(project, EN, "## Results\n", f"## Results\n{paragraph}\n")
    assert run_build(project, "--jobs", "2")[0] == 1
    status, log = run_build(project, "release")
    assert status == 1, log
    (line,) = [line for line in log.splitlines() if line.startswith(f"{project / EN}: failed in the last build (")]
    assert "runs" in line and "over two pages" in line
    assert digests(project / "releases") == before


def test_a_new_practice_that_fails_is_not_built(project):
    source = project / "content" / "practices" / "02-employment-through-training-burkina-faso.en.md"
    shutil.copy(ROOT / "content" / "practices" / source.name, source)
    edit(project, "content/practices/" + source.name, "classification: good", "classification: great")
    status, log = build_and_review(project)
    assert status == 0, log
    assert log.splitlines()[0] == f"0 of 2 sheets changed since release {FIRST}; 1 not built: 02 en"


def test_a_review_without_a_release_says_how_to_make_one(project):
    shutil.rmtree(project / "releases")
    status, log = run_build(project, "review")
    assert status == 2 and "no release in" in log and "python build.py release" in log
    status, log = run_build(project, "review", "--against", "../elsewhere")
    assert status == 2 and "no release of that name" in log
