"""Right-to-left languages: direction and script from the language, the Arabic sheet read back from its PDF, and the
warning for a character no project font covers."""

from __future__ import annotations

import io
import re
import unicodedata
from itertools import pairwise
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from fontTools.ttLib import TTFont

from knowledge_bites.render.languages import writing
from knowledge_bites.render.sheet import Renderer
from knowledge_bites.sources import load_series

from .conftest import GOOD_FRONT_MATTER, compiled_languages, only_languages, practice, run_build

ARABIC_KEY = "09-smes-iraq.ar"
ARABIC_PDF = Path("ar") / "knowledge-bites-09-smes-iraq-ar.pdf"


def test_direction_and_script_come_from_the_language():
    assert writing("ar") == writing("ar_IQ")
    assert (writing("ar").direction, writing("ar").script, writing("ar").joining) == ("rtl", "Arab", True)
    assert (writing("fa").direction, writing("fa").joining) == ("rtl", True)
    assert (writing("he").direction, writing("he").script, writing("he").joining) == ("rtl", "Hebr", False)
    for code in ("en_GB", "es", "fr"):
        assert (writing(code).direction, writing(code).script, writing(code).joining) == ("ltr", "Latn", False)


def _rendered(root: Path, key: str) -> str:
    series = load_series(root / "content")
    renderer = Renderer(root / "templates", root, series, compiled_languages(series))
    return renderer.render(next(s for s in series.sheets if s.key == key))


def test_the_arabic_sheet_reads_right_to_left_and_isolates_its_latin_runs(root):
    html = _rendered(root, ARABIC_KEY)
    assert '<html lang="ar" dir="rtl" data-script="arab" data-joining>' in html
    others = html.split('id="closing-others"')[1].split("</section>")[0]
    # An English title (a practice not translated yet) and its tag keep their own direction.
    english = '<span lang="en" dir="ltr">Cash-for-work, Guinea</span>&nbsp;'
    english += '<span class="language-tag" dir="ltr">(EN)</span>'
    assert english in others
    assert 'dir="ltr">ReturnReintegrationPlatform@iom.int</a>' in html
    assert "الممارسة رقم 9" in html and "أرقام رئيسية" in html


def test_a_left_to_right_sheet_needs_no_isolation(root):
    html = _rendered(root, "09-smes-iraq.fr")
    assert '<html lang="fr" dir="ltr" data-script="latn">' in html
    assert html.count('dir="') == 1  # only on the page: every run reads left to right like the page


def _arabic_words(text: str) -> list[str]:
    """The words of Arabic letters in a text, in order, without their vowel marks (which a PDF reader may place
    apart from their letter)."""
    bare = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.findall(r"[\u0621-\u064a]+", bare)


def test_the_arabic_pdf_has_its_language_its_text_in_reading_order_and_only_project_fonts(shipped_build, root):
    assert shipped_build.status == 0, shipped_build.log
    path = shipped_build.output / ARABIC_PDF
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        assert str(pdf.Root.Lang) == "ar"
        # Every font embedded is one of the project's, by the names inside the font program itself.
        shipped = set()
        for font_file in (root / "styles" / "fonts").glob("*.ttf"):
            names = TTFont(font_file)["name"]
            shipped.add((names.getDebugName(1), names.getDebugName(4)))
        embedded = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descendants = font.get("/DescendantFonts")
                descriptor = (descendants[0] if descendants is not None else font).FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                names = TTFont(io.BytesIO(program.read_bytes()))["name"]
                embedded.add((names.getDebugName(1), names.getDebugName(4)))
        assert embedded <= shipped, f"fonts not from styles/fonts/: {embedded - shipped}"
        assert {"Lato", "Noto Naskh Arabic"} <= {family for family, _ in embedded}
    # Each paragraph's words come out of the PDF in the order they are read, not as drawn from left to right: the
    # pairs of words that follow each other in the source follow each other in the text a PDF reader (pdfium, as
    # in Chromium) takes from the page, and none comes out the other way round.
    document = pdfium.PdfDocument(str(path))
    try:
        extracted = _arabic_words("\n".join(page.get_textpage().get_text_range() for page in document))
    finally:
        document.close()
    following = set(pairwise(extracted))
    source = (root / "content" / "practices" / "09-smes-iraq.ar.md").read_text(encoding="utf-8")
    paragraphs = [_arabic_words(line) for line in source.split("\n---\n", 1)[1].splitlines()]
    pairs = [list(pairwise(words)) for words in paragraphs if len(words) > 1]
    assert len(pairs) > 15
    for paragraph in pairs:
        in_order = sum(pair in following for pair in paragraph)
        backwards = [pair for pair in paragraph if pair not in following and pair[::-1] in following]
        # pdfium may set a word with a vowel mark on a line of its own (its reading, not the PDF's order)
        assert in_order >= 0.85 * len(paragraph), f"not in reading order: {' '.join(a for a, _ in paragraph)}"
        assert not backwards, f"read backwards: {backwards}"
    assert sum(map(len, pairs)) - sum(pair in following for p in pairs for pair in p) <= 0.03 * sum(map(len, pairs))


def test_a_character_no_project_font_covers_is_a_warning_and_strict_fails_it(scratch, tmp_path, root):
    only_languages(scratch, "en")
    front = GOOD_FRONT_MATTER.replace('title: "Support for Entrepreneurship in Burkina Faso"', 'title: "Support in 漢"')
    body = "\n## Context\n\nReturnees start small businesses (مشاريع صغيرة).\n\nA sign in हिन्दी.\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front, body), encoding="utf-8")
    status, log = run_build(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--check")
    assert status == 0, log
    lines = [line for line in log.splitlines() if "is in no font of the project" in line]
    source = "03-entrepreneurship.en.md"
    title = source + r":3: title: warning: '漢' \(U\+6F22, CJK UNIFIED IDEOGRAPH-6F22\) is in no font"
    text = source + r":\d+: warning: 'ह' \(U\+0939, DEVANAGARI LETTER HA\) is in no font"
    assert any(re.search(title, line) for line in lines), log
    assert any(re.search(text, line) for line in lines), log
    assert not any("U+06" in line for line in lines), "Arabic is covered by the shipped Noto Naskh Arabic"
    assert all(line.endswith("add a font that covers it to styles/fonts/ and styles/sheet.css") for line in lines)
    status, log = run_build(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--check", "--strict")
    assert status == 1, log


def test_the_shipped_sheets_use_no_character_outside_the_project_fonts(shipped_build):
    assert "is in no font of the project" not in shipped_build.log


def test_the_arabic_announcement_reads_right_to_left_and_stays_email_safe(tmp_path, root):
    status, log = run_build(root, "announce", "9", "--lang", "ar", "--output", str(tmp_path))
    assert status == 0, log
    page = (tmp_path / "announcements" / "knowledge-bites-09-smes-iraq-ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in page
    # E-mail programs ignore much of CSS: the column says its direction itself, and its sides are physical ones.
    assert 'dir="rtl" style="direction: rtl; text-align: right;' in page and "padding-right: 20px" in page
    assert "letter-spacing" not in page and "padding-left" not in page
    assert "<style" not in page and "<script" not in page
    assert 'dir="ltr" style="color:' in page  # the contact address keeps its own direction
