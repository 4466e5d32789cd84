"""Accessible and archival PDFs: every shipped sheet checked by libraries other than the one that wrote it."""

from __future__ import annotations

import io
import re
import shutil
import zlib
from itertools import count
from typing import get_args

import pikepdf
import pydyf
import pytest

from knowledge_bites.printing.profiles import DEFAULT_PROFILE, PROFILES
from knowledge_bites.sources import SeriesSettings

from .conftest import GOOD_FRONT_MATTER, add_photo_practice, practice, set_pdf_profile, shipped_sheets
from .conftest import run_build as run
from .pdfcheck import accessibility_problems, conformance_failures, drawn_content, qpdf_check, walk, xmp_values

SHEETS = shipped_sheets()
BOTTOM_MARGIN_PT = 17 * 72 / 25.4  # @page margin-bottom in sheet.css


def test_series_settings_offer_exactly_the_profiles_the_printer_knows():
    assert set(get_args(SeriesSettings.model_fields["pdf_profile"].annotation)) == set(PROFILES)
    assert SeriesSettings.model_fields["pdf_profile"].default == DEFAULT_PROFILE


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.key for s in SHEETS])
def test_shipped_sheet_passes_the_accessibility_check(shipped_build, sheet):
    assert shipped_build.status == 0, shipped_build.log
    assert accessibility_problems(shipped_build.output / sheet.pdf, sheet.lang) == []


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.key for s in SHEETS])
def test_qpdf_finds_nothing_wrong(shipped_build, sheet):
    assert qpdf_check(shipped_build.output / sheet.pdf) == ""


def test_shipped_sheets_are_pdf_ua_1_with_dates_from_the_source(shipped_build):
    for sheet in SHEETS:
        with pikepdf.open(shipped_build.output / sheet.pdf) as pdf:
            assert pdf.pdf_version == "1.7"
            xmp = xmp_values(pdf)
            assert xmp["pdfuaid:part"] == "1"
            assert "pdfaid:part" not in xmp  # the default profile is 'accessible', not 'archival'
            # Every shipped sheet is published on 23 November 2026; no date comes from the build's clock.
            assert pdf.docinfo["/CreationDate"] == pdf.docinfo["/ModDate"] == "D:20261123000000Z"
            assert xmp["xmp:CreateDate"] == xmp["xmp:ModifyDate"] == "2026-11-23T00:00:00Z"


def test_running_footer_and_page_numbers_are_artifacts_in_the_bottom_margin(shipped_build):
    sheet = next(s for s in SHEETS if s.lang == "es")
    for number, (tagged, artifacts, height) in enumerate(drawn_content(shipped_build.output / sheet.pdf), 1):
        margin_top = height - BOTTOM_MARGIN_PT
        footer = " ".join(box.text for box in artifacts)
        assert f"Página {number}/2" in footer and "Knowledge Bites" in footer
        assert all(box.top >= margin_top for box in artifacts)
        assert all(box.bottom <= margin_top + 1 for box in tagged.values()), "tagged content in the footer area"


def test_structure_has_the_sheet_parts_in_reading_order(shipped_build):
    sheet = next(s for s in SHEETS if s.key.startswith("07-") and s.lang == "es")
    with pikepdf.open(shipped_build.output / sheet.pdf) as pdf:
        tags = [element.tag for element in walk(pdf.Root.StructTreeRoot)]
        figures = [str(e.obj.Alt) for e in walk(pdf.Root.StructTreeRoot) if e.tag == "/Figure"]
    assert figures == ["Knowledge Bites"]  # the logo
    assert tags.index("/H1") < tags.index("/H2")  # title, then the key figures and the sections
    assert tags.count("/H2") >= 8  # key figures, six sections, call to action, other practices
    assert tags.count("/LI") > 10 and "/Lbl" in tags and "/Link" in tags


def test_identical_sources_give_identical_pdfs(shipped_build, tmp_path, root):
    sheet = next(s for s in SHEETS if s.key.startswith("05-") and s.lang == "en")
    status, log = run(root, "--output", str(tmp_path), "--only", "5", "--lang", "en", "--jobs", "1")
    assert status == 0, log
    assert (tmp_path / sheet.pdf).read_bytes() == (shipped_build.output / sheet.pdf).read_bytes()


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.key for s in SHEETS])
def test_independent_validator_finds_the_sheet_pdf_ua_1_conformant(shipped_build, sheet):
    assert shipped_build.status == 0, shipped_build.log
    assert conformance_failures(shipped_build.output / sheet.pdf, "ua1") == []


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.key for s in SHEETS])
def test_independent_validator_finds_the_archival_sheet_pdf_a_3a_and_pdf_ua_1_conformant(archival_build, sheet):
    assert archival_build.status == 0, archival_build.log
    pdf_path = archival_build.output / sheet.pdf
    assert conformance_failures(pdf_path, "3a") == []
    assert conformance_failures(pdf_path, "ua1") == []


@pytest.mark.parametrize(("profile", "validated"), [("accessible", ["ua1"]), ("archival", ["3a", "ua1"])])
def test_independent_validator_finds_a_sheet_with_a_photo_conformant(shipped_copy, tmp_path, root, profile, validated):
    add_photo_practice(shipped_copy)  # the shipped sheets have no photo: a raster image brings rules of its own
    set_pdf_profile(shipped_copy, profile)
    output = tmp_path / "out"
    status, log = run(root, "--content", str(shipped_copy), "--output", str(output), "--only", "7", "--jobs", "1")
    assert status == 0, log
    (pdf_path,) = output.glob("en/*.pdf")
    for standard in validated:
        assert conformance_failures(pdf_path, standard) == [], standard


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.key for s in SHEETS])
def test_archival_profile_is_pdf_a_3a_and_pdf_ua_1(archival_build, sheet):
    assert archival_build.status == 0, archival_build.log
    pdf_path = archival_build.output / sheet.pdf
    assert accessibility_problems(pdf_path, sheet.lang) == []
    assert qpdf_check(pdf_path) == ""
    with pikepdf.open(pdf_path) as pdf:
        xmp = xmp_values(pdf)
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"], xmp["pdfuaid:part"]) == ("3", "A", "1")
        # PDF/A accepts pdfuaid only with its extension schema declared.
        assert "http://www.aiim.org/pdfua/ns/id/" in xmp["schemas"]
        # PDF/A keeps the metadata readable without decoding it.
        assert "/Filter" not in pdf.Root.Metadata.stream_dict
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and len(intent.DestOutputProfile.read_bytes()) > 1000
        assert len(pdf.trailer.ID) == 2 and not pdf.is_encrypted
        # The information dictionary and the XMP metadata agree.
        info = pdf.docinfo
        assert xmp["dc:title"] == str(info.Title)
        assert xmp["xmp:CreateDate"] == "2026-11-23T00:00:00Z" and info.CreationDate == "D:20261123000000Z"
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert int(annotation.F) & 4, "annotations of a PDF/A file must be printable"


def test_a_stream_whose_data_ends_with_a_carriage_return_is_read_at_its_length():
    """Compressed data ends with CR once in 256 streams; the line feed pydyf writes next must not pair with it."""
    data = next(text for i in count() if zlib.compress(text := f"q Q % {i}".encode(), 9).endswith(b"\r"))
    pdf = pydyf.PDF()
    contents = pydyf.Stream([data], compress=True)
    pdf.add_object(contents)
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": pydyf.Array([0, 0, 595, 842])})
    page["Contents"] = contents.reference
    pdf.add_object(page)
    pdf.add_page(page)
    PROFILES[DEFAULT_PROFILE].finish(None, pdf)
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", identifier=b"test", compress=True)
    assert b"\r\r\nendstream" in output.getvalue()
    # The validator finds this tiny PDF far from PDF/A, but not in the extent of its streams.
    failures = conformance_failures(output.getvalue(), "3a")
    assert failures and not [f for f in failures if "STREAM-LENGTH" in f], failures


def test_unknown_pdf_profile_is_a_settings_error(scratch, tmp_path, root):
    set_pdf_profile(scratch, "printable")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"))
    assert status == 2
    assert re.search(
        r"series\.yaml:\d+: pdf_profile: input should be 'accessible' or 'archival', got \"printable\"", log
    ), log


def test_photo_and_body_images_carry_their_alternative_text(scratch, tmp_path, root):
    (scratch / "photos").mkdir()
    shutil.copy(root / "styles" / "logo.svg", scratch / "photos" / "logo.svg")
    front = GOOD_FRONT_MATTER + 'photo: {file: "photos/logo.svg", alt: "The series logo, a bitten circle"}\n'
    body = "\n## Context\n\nReturnees start small businesses.\n\n![A chart of returns by year](photos/logo.svg)\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front, body), encoding="utf-8")
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 0, log
    (pdf_path,) = (tmp_path / "out").rglob("*.pdf")
    assert accessibility_problems(pdf_path, "en") == []
    with pikepdf.open(pdf_path) as pdf:
        alts = [str(e.obj.Alt) for e in walk(pdf.Root.StructTreeRoot) if e.tag == "/Figure"]
    assert alts == ["Knowledge Bites", "The series logo, a bitten circle", "A chart of returns by year"]


def test_body_image_without_alternative_text_fails_its_sheet(scratch, tmp_path, root):
    (scratch / "photos").mkdir()
    shutil.copy(root / "styles" / "logo.svg", scratch / "photos" / "logo.svg")
    body = "\n## Context\n\nReturnees start small businesses.\n\n![](photos/logo.svg)\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(body=body), encoding="utf-8")
    (scratch / "practices" / "04-other.en.md").write_text(
        practice(GOOD_FRONT_MATTER.replace("number: 3", "number: 4")), encoding="utf-8"
    )
    status, log = run(root, "--content", str(scratch), "--output", str(tmp_path / "out"), "--jobs", "1")
    assert status == 1
    assert re.search(
        r"03-entrepreneurship\.en\.md:21: image 'photos/logo\.svg' has no alternative text: describe it, "
        r"e\.g\. !\[Returnees at work\]\(photos/logo\.svg\)",
        log,
    ), log
    assert [p.name for p in (tmp_path / "out").rglob("*.pdf")] == ["knowledge-bites-04-other-en.pdf"]


def test_a_pdf_that_would_not_meet_its_standard_is_not_written(root, tmp_path):
    from knowledge_bites.locations import Locator
    from knowledge_bites.printing.job import PrintJob
    from knowledge_bites.printing.press import print_sheet

    html = '<html lang="en"><title>T</title><img src="styles/logo.svg"></html>'
    source = root / "content" / "practices" / "sheet.en.md"
    target = tmp_path / "sheet.pdf"
    job = PrintJob(
        key="sheet.en",
        source=source,
        target=target,
        identity="test",
        pdf_profile="accessible",
        html=html,
        short_html=html,
        sections=(),
        locator=Locator((), "", 1),
    )
    result = print_sheet(job, root=root, styles=root / "styles", asset_roots=[root / "styles", root / "content"])
    assert result.status == "failed"
    assert any(
        p.severity == "error" and re.search(r"Image .*logo\.svg.* has no required alt", p.message)
        for p in result.problems
    ), result.problems
    assert list(tmp_path.iterdir()) == []
