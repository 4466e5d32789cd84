"""End to end: the build command on the shipped series and on scratch series, checked from the PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from .conftest import GOOD_FRONT_MATTER, only_languages, practice
from .conftest import run_build as run


def text_of(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_shipped_series_builds_twenty_three_two_page_pdfs(shipped_build):
    output, status, log = shipped_build.output, shipped_build.status, shipped_build.log
    assert status == 0, log
    assert log.strip().splitlines()[-1].startswith("built 23, up to date 0, failed 0, warnings 0 in ")
    pdfs = sorted(output.glob("*/*.pdf"))
    assert len(pdfs) == 23
    assert sorted({p.parent.name for p in pdfs}) == ["ar", "en", "es", "fr"]
    for pdf in pdfs:
        assert re.fullmatch(r"knowledge-bites-\d\d-[a-z0-9-]+-(en|es|fr|ar)\.pdf", pdf.name)
        assert pdf.name.endswith(f"-{pdf.parent.name}.pdf")
        assert len(PdfReader(pdf).pages) == 2, pdf.name
    assert not list(output.rglob("*.tmp"))


def test_spanish_sheet_speaks_spanish(shipped_build):
    output = shipped_build.output
    text = text_of(output / "es" / "knowledge-bites-10-smes-former-returnees-afghanistan-es.pdf")
    # Small labels are set in capitals by the stylesheet, so compare them without case.
    for expected in [
        "Cifras clave",
        "Práctica prometedora",
        "23 de noviembre de 2026",
        "diciembre de 2020",
        "Otras prácticas de la serie",
        "Dinero por trabajo, Guinea",
        "Página",
    ]:
        assert expected.lower() in text.lower(), expected
    assert "key figures" not in text.lower()
    english = text_of(output / "en" / "knowledge-bites-10-smes-former-returnees-afghanistan-en.pdf")
    assert "23 November 2026" in english and "key figures" in english.lower()


def test_pdf_metadata_bookmarks_and_links(shipped_build):
    output = shipped_build.output
    reader = PdfReader(output / "es" / "knowledge-bites-07-pre-departure-assistance-morocco-es.pdf")
    info = reader.metadata
    assert info.title == (
        "Práctica n.º 7: Asistencia para la reintegración previa a la partida en Marruecos: "
        "orientación, asesoramiento y capacitación"
    )
    assert info.author == "Organización Internacional para las Migraciones (OIM)"
    assert info.subject.startswith("Con el proyecto FORAS")
    assert "Marruecos" in info["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "es"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0].startswith("Asistencia para la reintegración previa")
    nested = [item.title for group in reader.outline if isinstance(group, list) for item in group]
    assert "Recomendaciones" in nested and "Comparta su práctica" in nested
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "mailto:ReturnReintegrationPlatform@iom.int" in links
    assert any(link.startswith("mailto:ReturnReintegrationPlatform@iom.int?subject=") for link in links)


def test_options_pick_languages_and_practices(tmp_path, root):
    status, log = run(root, "--output", str(tmp_path), "--lang", "es", "--only", "1,3-4", "--jobs", "1")
    assert status == 0, log
    assert sorted(p.name for p in tmp_path.rglob("*.pdf")) == [
        "knowledge-bites-01-cash-for-work-guinea-es.pdf",
        "knowledge-bites-03-entrepreneurship-burkina-faso-es.pdf",
        "knowledge-bites-04-employability-empowerment-mali-es.pdf",
    ]


def test_check_validates_without_writing(tmp_path, root):
    status, log = run(root, "--output", str(tmp_path), "--check")
    assert status == 0, log
    assert log.strip().splitlines()[-1].startswith("checked 23, failed 0")
    assert not list(tmp_path.iterdir())


def test_html_preview_is_kept_on_request(tmp_path, root):
    status, _ = run(root, "--output", str(tmp_path), "--only", "9", "--lang", "en", "--html", "--jobs", "1")
    assert status == 0
    (preview,) = tmp_path.glob("html/en/*.html")
    assert preview.name == "knowledge-bites-09-smes-iraq-en.html"
    assert '<link rel="stylesheet" href="styles/sheet.css">' in preview.read_text(encoding="utf-8")


def test_short_sheet_still_fills_two_pages(scratch, tmp_path, root):
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(), encoding="utf-8")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 0, log
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    assert "Share your practice" in reader.pages[1].extract_text()


def test_overflowing_sheet_is_refused_and_the_others_still_build(scratch, tmp_path, root):
    sentence = "Returnees rebuild their lives with support from their community."
    long_body = "\n".join(f"## Section {n}\n\n" + " ".join([sentence] * 20) for n in range(1, 9))
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(body=long_body), encoding="utf-8")
    other = GOOD_FRONT_MATTER.replace("number: 3", "number: 4")
    (scratch / "practices" / "04-other.en.md").write_text(practice(other), encoding="utf-8")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 1
    failure = next(line for line in log.splitlines() if "runs" in line).strip()
    assert re.fullmatch(
        r"\S*03-entrepreneurship\.en\.md: runs 1 page over two pages \(\d+ mm past page 2\); "
        r"spilled: 'Section 7' \(line 34\), 'Section 8' \(line 37\), the call to action, the list of other "
        r"practices, the funding statement and disclaimer; cut about \d+0 words, "
        r"e.g. in 'Section 1' \(line 16, 182 words\)",
        failure,
    ), failure
    assert [p.name for p in (tmp_path / "out").rglob("*.pdf")] == ["knowledge-bites-04-other-en.pdf"]
    assert "FAILED" in log and log.strip().splitlines()[-1].startswith("built 1, up to date 0, failed 1")


def test_bad_series_settings_exit_with_status_2(scratch, tmp_path, root):
    (scratch / "series.yaml").write_text("languages: [en\n", encoding="utf-8")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"))
    assert status == 2
    assert log.strip().endswith(
        "series.yaml:2: not valid YAML (expected ',' or ']', but got '<stream end>'): "
        "check quotes, colons and indentation here or just above"
    )
    assert not (tmp_path / "out").exists()


def test_unknown_language_option_is_a_usage_error(root, tmp_path):
    status, log = run(root, "--output", str(tmp_path), "--lang", "de")
    assert status == 2
    assert "--lang: unknown language de (the series has en, es, fr, ar)" in log


def test_content_mistake_fails_its_sheet_without_traceback(scratch, tmp_path, root):
    bad = GOOD_FRONT_MATTER.replace("  - value: 1589", "  - value: ciento")
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(bad), encoding="utf-8")
    (scratch / "practices" / "04-other.en.md").write_text(
        practice(GOOD_FRONT_MATTER.replace("number: 3", "number: 4")), encoding="utf-8"
    )
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 1
    assert "Traceback" not in log
    assert re.search(r'03-entrepreneurship\.en\.md:10: key figure 1, value: expected a number, got "ciento"', log)
    assert [p.name for p in (tmp_path / "out").rglob("*.pdf")] == ["knowledge-bites-04-other-en.pdf"]


def test_long_words_and_template_syntax_print_whole_and_inside_the_page(scratch, tmp_path, root):
    only_languages(scratch, "en")
    word = "Reintegration" * 23
    address = "https://example.org/" + "a" * 250
    front = (
        GOOD_FRONT_MATTER.replace(
            '"Support for Entrepreneurship in Burkina Faso"', '"Tools & <b>trade</b> {{ 7 * 7 }}"'
        )
        + f'partners: ["{word}"]\n'
    )
    table = f"| a | b |\n|---|---|\n| {word} | x |\n"
    body = f"\n## Context\n\nReturnees {word} start. See [{address}]({address}).\n\n{table}"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front, body), encoding="utf-8")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--strict", "--jobs", "1")
    assert status == 0, log
    (pdf,) = (tmp_path / "out").rglob("*.pdf")
    compact = "".join(text_of(pdf).replace("-\n", "").split())  # rejoin the word where it was hyphenated
    assert compact.count(word) == 3  # partners, the text and the table: nothing lost
    assert address in compact
    assert "Tools&<b>trade</b>{{7*7}}" in compact and "49" not in compact
