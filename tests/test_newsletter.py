"""Newsletter outputs, checked from the files themselves: thumbnails, manifest, bundles, catalogue, announcement."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from knowledge_bites.limits import Limits
from knowledge_bites.names import RECORD
from knowledge_bites.outputs import bundles
from knowledge_bites.outputs.newsletter import derive
from knowledge_bites.outputs.webfonts import write_webfonts
from knowledge_bites.pipeline import BuildReport, SheetResult
from knowledge_bites.printing import pictures
from knowledge_bites.project import Project
from knowledge_bites.record import Record
from knowledge_bites.sources import load_series

from .conftest import GOOD_FRONT_MATTER, ROOT, compiled_languages, practice, shipped_sheets
from .conftest import run_build as run

EDITION = "2026-11-23"  # the newest `published` date of the shipped series
BRAND = (0x0D, 0x3B, 0x54)  # --brand in styles/brand.css: the header band of every sheet
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def series():
    return load_series(ROOT / "content")


@pytest.fixture(scope="module")
def manifest(shipped_build) -> dict:
    return json.loads((shipped_build.output / "manifest.json").read_text(encoding="utf-8"))


# --- Thumbnails ----------------------------------------------------------------------------------


def test_every_pdf_has_a_newsletter_thumbnail_and_a_preview_of_page_one(shipped_build):
    output = shipped_build.output
    pdfs = sorted(output.glob("*/*.pdf"))
    assert len(pdfs) == 23
    assert len(list((output / "thumbnails").glob("*.png"))) == 46
    for pdf in pdfs:
        box = PdfReader(pdf).pages[0].mediabox
        for width in (600, 1200):
            png = output / "thumbnails" / f"{pdf.stem}-{width}.png"
            with Image.open(png) as image:
                assert image.size == (width, round(width * float(box.height) / float(box.width))), png.name
                assert image.text[pictures.SOURCE_KEY] == sha256(pdf)
                rgb = image.convert("RGB")
            # Not blank: the dark header band at the top, mostly white paper, and text in between.
            assert all(abs(a - b) <= 6 for a, b in zip(rgb.getpixel((width // 100, width // 100)), BRAND, strict=True))
            grey = rgb.convert("L").resize((150, round(150 * rgb.height / rgb.width)))
            levels = grey.histogram()
            light, dark = sum(levels[236:]) / sum(levels), sum(levels[:100]) / sum(levels)
            assert 0.3 < light < 0.9 and dark > 0.1, (png.name, light, dark)


def test_both_pages_of_every_pdf_are_kept_as_pictures(shipped_build, manifest):
    output = shipped_build.output
    pdfs = sorted(output.glob("*/*.pdf"))
    assert len(list((output / "pages").glob("*.png"))) == 2 * len(pdfs) == 2 * len(shipped_sheets())
    for pdf in pdfs:
        shown = []
        for page in (1, 2):
            with Image.open(output / "pages" / f"{pdf.stem}-{page}.png") as image:
                assert image.size == (1200, 1697)
                assert image.text[pictures.SOURCE_KEY] == sha256(pdf)
                assert image.text[pictures.RECIPE_KEY].startswith(f"page {page}, ")
                shown.append(image.convert("L").resize((60, 85)).tobytes())
        assert shown[0] != shown[1]  # two different pages, not page 1 twice
        # Page 1 is drawn once: its picture and the larger thumbnail are the same file.
        assert (output / "pages" / f"{pdf.stem}-1.png").read_bytes() == (
            output / "thumbnails" / f"{pdf.stem}-1200.png"
        ).read_bytes()
    for record in manifest["sheets"]:
        stem = Path(record["pdf"]).stem
        assert record["page_pictures"] == [f"pages/{stem}-1.png", f"pages/{stem}-2.png"]


def test_the_worker_draws_the_pictures_as_it_prints(scratch, tmp_path, root):
    from knowledge_bites.pipeline import Options, build

    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(), encoding="utf-8")
    project = Project.at(root, scratch, tmp_path / "out")
    series = load_series(scratch)
    report = build(
        project, series, compiled_languages(series), options=Options(languages=("en",), limits=Limits(jobs=1))
    )
    (result,) = report.results
    names = sorted(path.relative_to(project.output).as_posix() for path in result.pictures)
    stem = result.pdf.stem
    assert names == [
        f"pages/{stem}-1.png",
        f"pages/{stem}-2.png",
        f"thumbnails/{stem}-1200.png",
        f"thumbnails/{stem}-600.png",
    ]
    assert all(path.is_file() for path in result.pictures)  # before the output stage has run
    assert pictures.is_current(pictures.pictures_of(project.output, result.pdf), result.sha256)
    # Printed again from the same sources, the PDF is the same: its pictures are kept, not drawn again.
    again = build(
        project,
        series,
        compiled_languages(series),
        options=Options(force=True, languages=("en",), limits=Limits(jobs=1)),
    )
    assert again.results[0].sha256 == result.sha256 and again.results[0].pictures == ()


def test_a_rendering_one_pixel_too_tall_is_trimmed_not_resampled():
    page = (595.28, 841.89)  # A4 in points: 1200 px wide is 1697.1 px tall, and pdfium gives 1698
    rendered = Image.effect_noise((1200, 1698), 60).convert("RGB")
    trimmed = pictures.sized(rendered, page, 1200)
    assert trimmed.size == (1200, 1697)
    assert trimmed.tobytes() == rendered.crop((0, 0, 1200, 1697)).tobytes()  # the same pixels, not a resampling
    assert pictures.sized(rendered, page, 600).size == (600, 849)  # a smaller size is resampled


def test_a_page_picture_is_a_sound_palette_png_that_names_its_pdf_before_its_pixels(tmp_path):
    import io

    picture = Image.effect_noise((300, 200), 80).convert("RGB")
    picture.paste((20, 60, 90), (0, 0, 300, 40))  # a band of flat colour, as a sheet's header
    half = picture.reduce(2)
    png = pictures.encode_png(picture, pictures.palette_of(half), "ab" * 32, "a recipe")
    with Image.open(io.BytesIO(png)) as image:
        image.verify()  # every chunk's checksum, and the pixels' compressed stream
    with Image.open(io.BytesIO(png)) as image:
        assert (image.mode, image.size) == ("P", (300, 200))
        quantized = picture.quantize(palette=pictures.palette_of(half), dither=Image.Dither.NONE)
        assert image.convert("RGB").tobytes() == quantized.convert("RGB").tobytes()
    path = tmp_path / "page.png"
    path.write_bytes(png)
    assert pictures.recorded_source(path) == ("ab" * 32, "a recipe")
    assert png.index(b"tEXt") < png.index(b"IDAT")  # read without decoding a pixel
    assert pictures.encode_png(picture, pictures.palette_of(half), "ab" * 32, "a recipe") == png  # reproducible


def reported(output: Path, series, status: str) -> BuildReport:
    """Return the report of a build that found (or made) every sheet's PDF as it is in `output`."""
    names = series.names(output)
    results = []
    for sheet in series.sheets:
        pdf = names.pdf(sheet.name)
        results.append(SheetResult(sheet.key, sheet.source, status, pdf, 2, pdf.stat().st_size, sha256=sha256(pdf)))
    return BuildReport(series, Record.load(output), results=results)  # type: ignore[arg-type]


def test_thumbnails_follow_the_pdf_bytes_not_the_build_list(shipped_build, series, tmp_path, root):
    output = tmp_path / "output"
    shutil.copytree(shipped_build.output, output)
    changed = output / "es" / "knowledge-bites-10-smes-former-returnees-afghanistan-es.pdf"
    shutil.copy(output / "en" / "knowledge-bites-10-smes-former-returnees-afghanistan-en.pdf", changed)
    before = {png.name: png.read_bytes() for png in (output / "thumbnails").glob("*.png")}
    # As an incremental build reports it: nothing rebuilt, every sheet "up to date", with the PDF it found.
    report = reported(output, series, "up to date")

    result = derive(Project.at(root, output=output), compiled_languages(series), report)

    assert (result.pictures_made, result.pictures_kept, result.problems) == (1, 22, [])
    after = {png.name: png.read_bytes() for png in (output / "thumbnails").glob("*.png")}
    remade = sorted(name for name in after if after[name] != before[name])
    assert remade == [f"{changed.stem}-1200.png", f"{changed.stem}-600.png"]
    with Image.open(output / "thumbnails" / f"{changed.stem}-600.png") as image:
        assert image.text[pictures.SOURCE_KEY] == sha256(changed)
    records = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["sheets"]
    assert {r["status"] for r in records} == {"up to date"}
    (record,) = [r for r in records if r["pdf"] == "es/" + changed.name]
    assert record["sha256"] == sha256(changed)


# --- Manifest ------------------------------------------------------------------------------------


def test_manifest_describes_every_sheet_from_its_files(shipped_build, manifest, series):
    output = shipped_build.output
    assert manifest["series"]["launched"] == 2020 and manifest["series"]["edition"] == EDITION
    records = manifest["sheets"]
    assert [(r["number"], r["language"]) for r in records] == [
        (n, lang)
        for n in range(1, 11)
        for lang in ("en", "es", "fr", "ar")
        if (lang != "fr" or n >= 9) and (lang != "ar" or n == 9)
    ]
    titles = series.titles
    for record in records:
        pdf = output / record["pdf"]
        assert not Path(record["pdf"]).is_absolute() and pdf.is_file()
        assert record["sha256"] == sha256(pdf)
        assert record["bytes"] == pdf.stat().st_size
        assert record["pages"] == len(PdfReader(pdf).pages) == 2
        assert record["status"] == "built" and record["messages"] == []
        assert record["title"] == titles[record["language"]][record["number"]]
        assert record["published"] == EDITION
        assert record["classification"] in ("good", "promising", "innovative") and record["countries"]
        assert sorted(record["thumbnails"]) == ["1200", "600"]
        assert all((output / path).is_file() for path in record["thumbnails"].values())
        assert (output / record["source"]).resolve() == (series.root / "practices" / Path(record["source"]).name)
        # Where each translation stands: every shipped translation follows its English text.
        translation = record["translation"]
        if record["language"] == "en":
            assert translation is None
        else:
            assert (translation["status"], translation["reference"]) == (
                "up to date",
                f"{Path(record['source']).name.rsplit('.', 2)[0]}.en.md",
            )
    assert manifest["series"]["languages_in_progress"] == ["fr", "ar"]
    assert manifest["translations"]["fr"] == {
        "in_progress": True,
        "practices": 10,
        "up_to_date": [9, 10],
        "out_of_date": [],
        "missing": [1, 2, 3, 4, 5, 6, 7, 8],
        "unreadable": [],
    }
    assert manifest["translations"]["es"]["up_to_date"] == list(range(1, 11))
    assert manifest["translations"]["ar"]["up_to_date"] == [9]
    assert not list(output.rglob("*.tmp"))


def test_manifest_stays_valid_json_and_records_a_failed_sheet(scratch, tmp_path, root):
    bad = GOOD_FRONT_MATTER.replace("  - value: 1589", "  - value: ciento")
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(bad), encoding="utf-8")
    other = GOOD_FRONT_MATTER.replace("number: 3", "number: 4")
    (scratch / "practices" / "04-other.en.md").write_text(practice(other), encoding="utf-8")
    output = tmp_path / "out"

    status, log = run(root, "--content", str(scratch), "--output", str(output), "--jobs", "1")

    assert status == 1, log
    records = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["sheets"]
    failed, built = records
    assert (failed["number"], failed["language"], failed["status"], failed["pdf"]) == (3, "en", "failed", None)
    (message,) = failed["messages"]
    assert re.search(r"03-entrepreneurship\.en\.md:10: key figure 1, value: expected a number", message)
    assert (built["number"], built["status"], built["pdf"]) == (4, "built", "en/knowledge-bites-04-other-en.pdf")
    assert (output / "index.html").is_file()


# --- Bundles -------------------------------------------------------------------------------------


def test_bundles_hold_each_language_and_everything_named_by_edition(shipped_build, manifest):
    output = shipped_build.output
    names = sorted(p.name for p in (output / "bundles").iterdir())
    assert names == [f"knowledge-bites-{label}-{EDITION}.zip" for label in ("all", "ar", "en", "es", "fr")]
    for label, expected in [
        ("en", [p.name for p in sorted((output / "en").glob("*.pdf"))]),
        ("es", [p.name for p in sorted((output / "es").glob("*.pdf"))]),
        ("fr", [p.name for p in sorted((output / "fr").glob("*.pdf"))]),
        ("all", [f"{p.parent.name}/{p.name}" for p in sorted(output.glob("*/*.pdf"))]),
    ]:
        path = output / "bundles" / f"knowledge-bites-{label}-{EDITION}.zip"
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            assert archive.namelist() == expected and len(expected) == {"all": 23, "fr": 2, "ar": 1}.get(label, 10)
            for info in archive.infolist():
                assert info.date_time == (2026, 11, 23, 0, 0, 0)
                assert info.external_attr >> 16 == 0o100644
                on_disk = output / (info.filename if "/" in info.filename else f"{label}/{info.filename}")
                assert archive.read(info) == on_disk.read_bytes()
    recorded = {b["path"]: b for b in manifest["bundles"]}
    for path, bundle in recorded.items():
        assert bundle["sha256"] == sha256(output / path) and bundle["bytes"] == (output / path).stat().st_size


def test_outputs_are_byte_identical_when_nothing_changed(shipped_build, series, tmp_path, root):
    output = tmp_path / "output"
    shutil.copytree(shipped_build.output, output)
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    report = reported(output, series, "built")

    result = derive(Project.at(root, output=output), compiled_languages(series), report)

    assert result.pictures_made == 0
    for path in ["index.html", *(f"bundles/{p.name}" for p in (output / "bundles").iterdir())]:
        assert (output / path).read_bytes() == (shipped_build.output / path).read_bytes(), path
    # The manifest too, but for the relative path from this output folder to the sources.
    ours, theirs = (json.loads((folder / "manifest.json").read_text()) for folder in (output, shipped_build.output))
    for record in ours["sheets"] + theirs["sheets"]:
        record["source"] = Path(record.pop("source")).name
    assert ours == theirs
    # Unchanged files are not even rewritten, so their modification times stay as they were.
    after = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    # (The build record notes the state of each file of this folder, so it is written again.)
    assert {p: t for p, t in after.items() if p.name not in ("manifest.json", RECORD)} == {
        p: t for p, t in before.items() if p.name not in ("manifest.json", RECORD)
    }
    members = tuple((p.name, p) for p in sorted((output / "en").glob("*.pdf")))
    zipped = bundles.zip_bytes(tuple(reversed(members)), result.entries[0].sheet.meta.published)  # type: ignore[union-attr]
    assert zipped == (output / "bundles" / f"knowledge-bites-en-{EDITION}.zip").read_bytes()


# --- Catalogue -----------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collect the tags, links and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_catalogue_is_self_contained_with_relative_links_to_existing_files(shipped_build):
    output = shipped_build.output
    source = (output / "index.html").read_text(encoding="utf-8")
    page = parse(output / "index.html")
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    assert "@import" not in source and not re.search(r"url\(\s*['\"]?(https?:|//)", source)
    links = [attrs.get("href") or attrs.get("src") for _, attrs in page.tags if "href" in attrs or "src" in attrs]
    assert len(links) > 60
    for link in links:
        assert link
        parts = urlsplit(link)
        if parts.scheme == "mailto":
            continue
        assert not parts.scheme and not parts.netloc, link
        assert (output / unquote(parts.path or "index.html")).is_file(), link
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 40 and all(attrs.get("alt") for attrs in images)  # every card in each of 4 editions
    editions = [attrs for tag, attrs in page.tags if attrs.get("class") == "edition"]
    assert [(e["id"], e["lang"]) for e in editions] == [("es", "es"), ("fr", "fr"), ("ar", "ar"), ("en", "en")]
    assert [e["dir"] for e in editions] == ["ltr", "ltr", "rtl", "ltr"]  # Arabic reads right to left
    text = squeeze(" ".join(page.text))
    for label in ["Catalogue of the series", "Catálogo de la serie", "Descargar todas las fichas", "Práctica n.º 10"]:
        assert label in text, label
    assert re.search(r"Inglés \(PDF, \d+ kB\)", text) and re.search(r"English \(PDF, \d+ KB\)", text)


def test_catalogue_is_set_in_the_brands_fonts_written_beside_it(shipped_build, root):
    output = shipped_build.output
    source = (output / "index.html").read_text(encoding="utf-8")
    faces = re.findall(r'font-family: "([^"]+)"; font-style: normal; font-weight: (\d+);[^}]*url\("([^"]+)"\)', source)
    assert [(family, weight) for family, weight, _ in faces] == [
        ("Lato", "400"),
        ("Lato", "700"),
        ("Lato", "900"),
        ("Noto Naskh Arabic", "400"),
        ("Noto Naskh Arabic", "700"),
    ]
    for *_, link in faces:
        font = output / unquote(link)
        assert font.parent == output / "fonts" and font.read_bytes()[:4] == b"wOF2", link
    for licence in ("OFL.txt", "NotoNaskhArabic-OFL.txt"):
        assert (output / "fonts" / licence).read_bytes() == (root / "styles" / "fonts" / licence).read_bytes()
    # Every character the page shows, in any language, is in the fonts of its weight: none falls back to another
    # font (Latin in Lato, Arabic in Noto Naskh Arabic).
    shown = set(" ".join(parse(output / "index.html").text))
    for weight in ("400", "700"):
        characters = set()
        for _, face_weight, link in faces:
            if face_weight == weight:
                characters |= set(TTFont(output / unquote(link)).getBestCmap())
        assert sorted(c for c in shown if not c.isspace() and ord(c) not in characters) == [], weight
    (black,) = [link for _, weight, link in faces if weight == "900"]
    characters = TTFont(output / unquote(black)).getBestCmap()
    latin = {c for c in shown if not c.isspace() and not "\u0600" <= c <= "\ufeff"}
    assert sorted(c for c in latin if ord(c) not in characters) == []


def test_catalogue_fonts_are_converted_again_only_when_a_font_changes(shipped_build, tmp_path, root):
    output = tmp_path / "output"
    shutil.copytree(shipped_build.output / "fonts", output / "fonts")
    (output / "fonts" / "lato-regular-0123456789ab.woff2").write_bytes(b"from an older font")
    kept = {path.name: path.stat().st_mtime_ns for path in (output / "fonts").glob("lato-b*.woff2")}
    there = {path.name for path in (output / "fonts").glob("*.woff2")}
    styles = tmp_path / "styles"
    shutil.copytree(root / "styles", styles)
    with (styles / "fonts" / "Lato-Regular.ttf").open("ab") as font:
        font.write(b"\0\0\0\0")  # a changed font (padding after its tables: still a valid font)
    written, (licence, *_) = write_webfonts(styles, output)
    now = {path.name: path.stat().st_mtime_ns for path in (output / "fonts").glob("*.woff2")}
    # Only the new font's file is added; removing the older one is the output stage's, once it knows it is its own.
    assert {font.path.name for font in written} | there == set(now)
    assert licence.read_bytes() == (root / "styles" / "fonts" / "OFL.txt").read_bytes()
    assert {name: now[name] for name in kept} == kept  # bold and black: the same files, not rewritten
    (regular,) = [font.path for font in written if font.weight == 400 and font.family == "Lato"]
    assert regular.name not in {p.name for p in (shipped_build.output / "fonts").iterdir()}
    assert TTFont(regular).getBestCmap()[ord("ñ")]


def test_a_new_output_folder_gets_its_fonts_from_the_cache_unconverted(shipped_build, tmp_path, monkeypatch):
    from knowledge_bites.outputs import webfonts

    def never(source):
        raise AssertionError(f"{source.name} converted again")

    webfonts._webfont.cache_clear()  # as in a new process
    monkeypatch.setattr(webfonts, "webfont_data", never)
    written, _ = write_webfonts(ROOT / "styles", tmp_path / "output")
    for font in written:
        assert font.path.read_bytes() == (shipped_build.output / "fonts" / font.path.name).read_bytes()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it with apt-get)")
def test_catalogue_in_a_browser_loads_every_thumbnail_and_link(shipped_build, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(shipped_build.output, site)
    # A probe added to a copy of the page reports what the browser itself loaded and resolved.
    probe = """<script>
window.addEventListener("load", () => document.fonts.ready.then(() => {
  const images = [...document.images];
  const report = {
    images: images.length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.getAttribute("src")),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
    shown: [...document.querySelectorAll(".edition")].filter((e) => getComputedStyle(e).display !== "none")
      .map((e) => e.id),
    fonts: [...document.fonts].map((f) => `${f.family} ${f.weight} ${f.status}`),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(report);
  document.body.append(out);
}));
</script>
"""
    page = site / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    flags = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,1600",
        "--virtual-time-budget=10000",  # lets the page load its fonts before the probe reports
    ]
    for fragment, language in [("", "en"), ("#es", "es"), ("#fr", "fr"), ("#ar", "ar")]:
        dom = subprocess.run(
            [*flags, "--dump-dom", page.as_uri() + fragment], capture_output=True, text=True, timeout=120, check=True
        ).stdout
        found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
        assert found, dom[-2000:]
        report = json.loads(html.unescape(found.group(1)))
        assert report["images"] == 40 and report["broken"] == []
        assert report["shown"] == [language]
        # The page is set in the brand's Lato (its Arabic in Noto Naskh Arabic), from the WOFF2 files beside it:
        # every face it uses loaded, and none failed.
        assert report["fonts"][:3] == ["Lato 400 loaded", "Lato 700 loaded", "Lato 900 loaded"]
        assert [font.rsplit(" ", 2)[0] for font in report["fonts"][3:]] == ["Noto Naskh Arabic"] * 2
        assert not [font for font in report["fonts"] if font.endswith(" error")]
        if language == "ar":
            assert (
                "Noto Naskh Arabic 400 loaded" in report["fonts"] and "Noto Naskh Arabic 700 loaded" in report["fonts"]
            )
        for link in report["links"]:
            parts = urlsplit(link)
            assert parts.scheme in ("file", "mailto"), link
            if parts.scheme == "file":
                assert Path(unquote(parts.path)).is_file(), link
    screenshot = tmp_path / "catalogue-es.png"
    subprocess.run(
        [*flags, f"--screenshot={screenshot}", page.as_uri() + "#es"], capture_output=True, timeout=120, check=True
    )
    with Image.open(screenshot) as image:
        assert image.size == (1280, 1600)
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 50


# --- Announcement --------------------------------------------------------------------------------


def test_spanish_announcement_lists_every_earlier_sheet_with_both_titles(series, tmp_path, root):
    status, log = run(root, "announce", "10", "--lang", "es", "--output", str(tmp_path))
    assert status == 0, log
    folder = tmp_path / "announcements"
    stem = "knowledge-bites-10-smes-former-returnees-afghanistan-es"
    assert sorted(p.name for p in folder.iterdir()) == [f"{stem}.html", f"{stem}.txt"]
    text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
    page = (folder / f"{stem}.html").read_text(encoding="utf-8")
    shown = squeeze(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    en, es = series.titles["en"], series.titles["es"]
    sheet = next(s for s in series.sheets if s.key == "10-smes-former-returnees-afghanistan.es")
    settings = series.settings
    for expected in [
        *(f"PRACTICE #{n}: {en[n]} ({es[n]})" for n in range(1, 10)),
        es[10],
        en[10],
        squeeze(sheet.meta.summary),
        "lanzada en 2020",
        "retornados empleados en 17 pymes apoyadas por RADA (82 hombres, 22 mujeres)",
        "datos de diciembre de 2020",
        "Práctica prometedora",
        settings.call_to_action.text["es"],
        settings.contact_email,
        squeeze(settings.disclaimer["es"]),
    ]:
        assert expected in squeeze(text), expected
        assert squeeze(expected) in shown.replace(" )", ")"), expected
    assert "- 104: retornados empleados en 17 pymes" in text and "PRACTICE #10" not in text
    # The text gives the address a reader can write to, and the subject; the page links to it.
    write_to = "ReturnReintegrationPlatform@iom.int (asunto: «Knowledge Bites: a practice to share»)"
    assert f"\nComparta su práctica: {write_to}\n" in text
    assert "mailto:" not in text and "%20" not in text
    assert f'href="{html.escape(settings.call_to_action.url)}"' in page
    # E-mail-safe: inline styles only, nothing to run or fetch; no picture before the sheet is built.
    assert not re.search(r"<(script|link|style|iframe|img)\b", page)
    assert 'style="' in page and "http://" not in page and "https://" not in page


def test_english_announcement_of_the_newest_practice_shows_its_thumbnail(shipped_build, series, tmp_path, root):
    shutil.copytree(shipped_build.output, tmp_path, dirs_exist_ok=True)

    status, log = run(root, "announce", "--lang", "en", "--output", str(tmp_path))

    assert status == 0, log
    stem = "knowledge-bites-10-smes-former-returnees-afghanistan-en"
    text = (tmp_path / "announcements" / f"{stem}.txt").read_text(encoding="utf-8")
    page = (tmp_path / "announcements" / f"{stem}.html").read_text(encoding="utf-8")
    for number in range(1, 10):
        assert f"- PRACTICE #{number}: {series.titles['en'][number]}\n" in text
    size = round((tmp_path / "en" / f"{stem}.pdf").stat().st_size / 1024)
    assert f"Attached: {stem}.pdf (PDF, {size} KB)" in text
    (source,) = re.findall(r'<img src="([^"]+)"', page)
    assert source == f"../thumbnails/{stem}-600.png"
    assert (tmp_path / "announcements" / source).resolve().is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99"], "announce: no practice #99 in the series (it has 1–10)"),
        (["--lang", "de"], "announce: unknown language de (the series has en, es, fr, ar)"),
    ],
)
def test_announce_refuses_an_unknown_practice_or_language(args, message, tmp_path, root):
    status, log = run(root, "announce", *args, "--output", str(tmp_path))
    assert (status, log.strip()) == (2, message)
    assert not list(tmp_path.iterdir())


# --- Sizes ---------------------------------------------------------------------------------------


def test_sheets_without_photos_stay_small_and_the_build_reports_sizes(shipped_build):
    sizes = {pdf.name: pdf.stat().st_size for pdf in shipped_build.output.glob("*/*.pdf")}
    assert max(sizes.values()) < 150 * 1024
    lines = shipped_build.log.splitlines()
    (line,) = [line for line in lines if line.startswith("sizes ")]
    largest = max(sizes, key=sizes.__getitem__)
    total = f"{sum(sizes.values()) / 1024:.0f}"
    assert re.fullmatch(rf"sizes   23 PDFs, {total} KB in all, largest \d+ KB \(.*{largest}\)", line)
    assert sum(1 for line in lines if line.startswith("bundle  ")) == 5
    assert lines[-1].startswith("built 23, up to date 0, failed 0, warnings 0 in ")


def test_a_large_photo_is_downsampled_to_print_resolution(tmp_path, root):
    # A scratch project: photos are read from the project's own content folder, never from the repository.
    project = tmp_path / "project"
    shutil.copytree(root / "templates", project / "templates")
    shutil.copytree(root / "styles", project / "styles")
    content = project / "content"
    (content / "practices").mkdir(parents=True)
    (content / "photos").mkdir()
    shutil.copy(root / "content" / "series.yaml", content / "series.yaml")
    noise = Image.effect_noise((4000, 3000), 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    photo = content / "photos" / "market.jpg"
    Image.blend(gradient, noise, 0.5).save(photo, quality=95)
    assert photo.stat().st_size > 2_000_000
    front = GOOD_FRONT_MATTER + 'photo: {file: "photos/market.jpg", alt: "A market stall", credit: "Test"}\n'
    (content / "practices" / "03-entrepreneurship.en.md").write_text(practice(front), encoding="utf-8")

    status, log = run(project, "--output", str(tmp_path / "out"), "--jobs", "1")

    assert status == 0, log
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    assert pdf.stat().st_size < 500 * 1024, log
    (image,) = PdfReader(pdf).pages[0].images
    assert image.image.width < 4000 / 2  # at 200 dpi the width of the page needs far fewer pixels
    with Image.open(tmp_path / "out" / "thumbnails" / f"{pdf.stem}-600.png") as thumbnail:
        assert thumbnail.width == 600
