"""`python build.py import REPORT.docx`: a Word document into a practice source, with what is left to fill in.

The documents are made here with python-docx (tests/wordmaker.py), from the shipped practice #7's text, with every
element the issue names; and a few real Word documents come from python-docx's own test suite (tests/word/). Each
import runs through the command, as a writer types it. A bad document gets one line, writes nothing and leaves
content/ byte-identical.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader

from knowledge_bites.cli import parser
from knowledge_bites.importing import package

from .conftest import ROOT, run_build
from .wordmaker import Report, png, practice_seven

NEW = "11-pre-departure-reintegration-assistance.en.md"
PICTURES = "images/11-en-{}-pre-departure-reintegration-assistance.png"


def digest(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under a folder, by its relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def imported(content: Path, document: Path, *args: str) -> tuple[int, list[str]]:
    """Run the import command on a scratch content folder; return its status and lines, paths from content/."""
    status, log = run_build(ROOT, "--content", str(content), "import", str(document), *args)
    return status, [line.replace(f"{content}/", "").replace(f"{document.parent}/", "") for line in log.splitlines()]


def fill_in(source: Path, **values: str) -> None:
    """Write the facts a placeholder asks for, as a writer does in the editor."""
    text = source.read_text(encoding="utf-8")
    for name, value in values.items():
        text, found = re.subn(rf'^{name}: "TO FILL IN:[^"]*"$', f"{name}: {value}", text, flags=re.MULTILINE)
        assert found == 1, name
    source.write_text(text, encoding="utf-8")


FACTS_OF_SEVEN = {  # from the shipped 07-pre-departure-assistance-morocco.en.md
    "classification": "good",
    "classification_reason": '"The series announcement lists this practice among the series\' good-practice sheets."',
    "countries": "[BF, CM, CI, CD, GN, ML, MA, SN, TG]",
    "published": "2026-11-23",
}


@pytest.fixture(scope="module")
def seven(tmp_path_factory) -> tuple[Path, int, list[str], str]:
    """The shipped content with practice #7's report imported: (content folder, status, lines, source text)."""
    folder = tmp_path_factory.mktemp("import")
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    document = practice_seven(folder / "FORAS report.docx", linked=True, template=True)
    status, lines = imported(content, document)
    return content, status, lines, (content / "practices" / NEW).read_text(encoding="utf-8")


# --- What carries over --------------------------------------------------------------------------------------


def test_the_report_becomes_the_next_practice_with_its_title_and_pictures(seven):
    content, status, lines, text = seven
    assert status == 0
    assert f"wrote   {(content / 'practices' / NEW)}".replace(f"{content}/", "") in lines
    assert text.startswith(
        "---\nnumber: 11\n"
        'title: "Pre-Departure Reintegration Assistance In Morocco: Orientation, Counselling And Training"\n'
    )
    first, second = (content / PICTURES.format(n) for n in (1, 2))
    assert first.read_bytes() == png() and second.read_bytes() == png(400, 300, (200, 120, 0))
    assert f"![Orientation session in Morocco]({PICTURES.format(1)})" in text


def test_headings_lists_emphasis_links_and_tables_become_the_projects_markdown(seven):
    text = seven[3]
    assert "\n## Context\n" in text and "\n## How it works\n" in text
    assert "\n### Where the information comes from\n" in text  # Word's Heading 2, below a section
    assert "- Orientation and counselling.\n    - Sessions on the realistic opportunities of reintegration.\n" in text
    assert "1. IOM offices in the countries of origin.\n2. Counselling in Morocco.\n    1. Training.\n" in text
    assert "**FORAS** is part of IOM's *Assisted Voluntary Return and Reintegration* (AVRR)" in text
    assert "[the platform](mailto:ReturnReintegrationPlatform@iom.int)" in text
    assert "[the programme page](https://www.example.org/)" in text
    assert "or the report files." in text and "ftp:" not in text.split("-->")[1]
    assert re.search(r"\n\| beneficiaries who attended orientation and counselling sessions +\| 1589 \|\n", text)


def test_what_did_not_carry_over_is_printed_and_noted_at_the_top_of_the_text(seven):
    _, _, lines, text = seven
    notes = [line.split(": note: ", 1)[1] for line in lines if line.startswith("FORAS report.docx: note: ")]
    assert notes == [
        "1 footnote became the Notes section at the end, marked (note 1) in the text",
        "2 tracked changes accepted: 1 insertion kept, 1 deletion removed",
        "comment left out: Editor: “Check these addresses before publication” (on “Write to the platform, see the "
        "programme page or the report…”)",
        "table 1: merged cells were split; each one's text is in its first cell",
        "1 picture without a description: write one in the brackets of each ![](images/…), the words a screen "
        "reader says in its place",
        "link “the report files” to ftp://files.example.org/report.pdf became plain text: only https: and mailto: "
        "links are kept",
        "the text of a text box was left out: copy it where it belongs: “Counselling is only as realistic as the "
        "knowledge behind it.”",
        "a linked picture (https://www.example.org/linked.png) was not fetched: insert the picture itself into the "
        "document",
        "the document names a template elsewhere (https://www.example.org/template.dotx); it was not fetched (it "
        "changes nothing here)",
    ]
    body = text.split("\n---\n", 1)[1]
    comment = body.split("-->", 1)[0]
    assert body.startswith("\n<!-- Imported from FORAS report.docx: what did not carry over")
    assert all(f"- {note}\n" in comment for note in notes)


def test_footnotes_comments_and_tracked_changes(seven):
    text = seven[3].split("-->", 1)[1]
    assert "skills that will be useful. (note 1)\n" in text
    assert text.rstrip().endswith("## Notes\n\n1. FORAS means “opportunities” in Arabic.")
    assert "Check these addresses" not in text  # a comment is the reviewer's, not the sheet's
    assert text.count("links preparation") == 1  # the insertion kept, the deletion gone
    assert "countries of origin links preparation before departure with conditions after return." in text


def test_every_required_fact_the_report_lacks_is_a_placeholder_the_build_names(seven):
    content, _, lines, _ = seven
    expected = [
        f"practices/{NEW}:4: classification: still to fill in: good, promising or innovative",
        f"practices/{NEW}:5: classification_reason: still to fill in: why the practice has that classification, "
        "in a sentence or two",
        f"practices/{NEW}:6: countries: still to fill in: ISO codes of the countries, e.g. [SN]",
        f"practices/{NEW}:11: published: still to fill in: the publication date of this edition, as YYYY-MM-DD",
        f"practices/{NEW}:15: summary: still to fill in: one paragraph, shown under the title and stored as the "
        "PDF's subject",
    ]
    assert lines[-7:-2] == expected
    assert re.fullmatch(rf"practices/{NEW}:\d+: image '{PICTURES.format(2)}' has no alternative text: .*", lines[-2])
    assert lines[-1] == "6 things left to fill in: the build shows them until done"
    status, log = run_build(ROOT, "--content", str(content), "--check", "--only", "11")
    assert status == 1
    shown = [line.replace(f"{content}/", "") for line in log.splitlines()]
    assert all(line in shown for line in expected)


def test_once_filled_in_the_imported_source_builds_both_pages(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    assert imported(content, practice_seven(tmp_path / "report.docx"), "--summary")[0] == 0
    source = content / "practices" / NEW
    text = source.read_text(encoding="utf-8")
    assert "summary: >\n  Under the FORAS project, migrants in Morocco who sign up" in text
    assert "\nUnder the FORAS project" not in text.split("---", 2)[2]  # the summary leaves the text
    fill_in(source, **FACTS_OF_SEVEN)
    source.write_text(text := source.read_text(encoding="utf-8").replace("![](", "![A training session]("), "utf-8")
    status, log = run_build(
        ROOT, "--content", str(content), "--output", str(tmp_path / "out"), "--only", "11", "--lang", "en"
    )
    assert status == 0, log
    pdf = tmp_path / "out" / "en" / "knowledge-bites-11-pre-departure-reintegration-assistance-en.pdf"
    pages = PdfReader(pdf).pages
    assert len(pages) == 2
    printed = " ".join(page.extract_text() for page in pages)
    assert "FORAS means “opportunities” in Arabic." in printed and "Orientation and counselling." in printed
    assert "Check these addresses" not in printed and "Imported from" not in printed


# --- Options ------------------------------------------------------------------------------------------------


def test_dry_run_prints_what_it_would_write_and_writes_nothing(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    before = digest(content)
    status, lines = imported(content, practice_seven(tmp_path / "report.docx"), "--dry-run")
    assert status == 0 and digest(content) == before
    assert f"would write {PICTURES.format(1)}  (2 KB)" in lines
    assert f"would write practices/{NEW}:" in lines
    assert "    ## Context" in lines and "    number: 11" in lines


def test_an_existing_source_is_never_replaced_without_force(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    report = practice_seven(tmp_path / "report.docx")
    before = digest(content)
    status, lines = imported(content, report, "--number", "7")
    assert (status, lines) == (
        2,
        [
            "report.docx: 07-pre-departure-assistance-morocco.en.md already exists and was left as it is: to replace "
            "its text and keep its front matter, import with --update 7; to replace the whole file, add --force"
        ],
    )
    assert digest(content) == before
    assert imported(content, report, "--number", "7", "--force")[0] == 0
    replaced = (content / "practices" / "07-pre-departure-assistance-morocco.en.md").read_text(encoding="utf-8")
    assert 'classification: "TO FILL IN:' in replaced
    assert (content / "images" / "07-en-1-pre-departure-assistance-morocco.png").is_file()


def test_update_replaces_the_text_keeps_the_front_matter_and_the_translations_are_out_of_date(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    source = content / "practices" / "09-smes-iraq.en.md"
    front = source.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    report = Report()
    report.heading("Context", 1)
    report.paragraph("Returnees in Iraq start small businesses.")
    status, lines = imported(content, report.save(tmp_path / "iraq.docx"), "--update", "9")
    assert status == 0 and lines[-2:] == [
        "wrote   practices/09-smes-iraq.en.md",
        "the source is ready to build: python build.py --only 9 --lang en",
    ]
    text = source.read_text(encoding="utf-8")
    assert text == f"{front}\n---\n\n## Context\n\nReturnees in Iraq start small businesses.\n"
    status, log = run_build(ROOT, "--content", str(content), "translations")
    assert "out of date" in log and "09-smes-iraq.es.md" in log and "09-smes-iraq.fr.md" in log
    assert imported(content, tmp_path / "iraq.docx", "--update", "12")[1] == [
        "iraq.docx: practice #12 has no 'en' source to update: import it without --update"
    ]


def test_number_language_and_slug(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    report = Report()
    report.title("Pré-départ au Maroc")
    report.paragraph("Les migrants au Maroc suivent une orientation.")
    document = report.save(tmp_path / "maroc.docx")
    # A translation takes the slug its practice has in every language.
    status, lines = imported(content, document, "--number", "7", "--lang", "fr")
    assert status == 0 and "wrote   practices/07-pre-departure-assistance-morocco.fr.md" in lines
    assert imported(content, document, "--number", "8", "--lang", "fr", "--slug", "other")[1] == [
        "maroc.docx: practice #8's files share the slug 'community-bridge-somalia' in every language: leave out --slug"
    ]
    status, lines = imported(content, document, "--slug", "pre-departure-morocco")
    assert status == 0 and "wrote   practices/11-pre-departure-morocco.en.md" in lines
    assert "wrote   practices/12-pre-depart-maroc.en.md" in imported(content, document, "--number", "12")[1]
    assert imported(content, document, "--slug", "Not A Slug")[1] == [
        "maroc.docx: --slug 'Not A Slug' must be lowercase words of letters and digits joined by hyphens"
    ]
    unknown = "import: unknown language de (the series has en, es, fr, ar)"
    assert imported(content, document, "--lang", "de")[1] == [unknown]


def test_the_command_is_listed_in_help():
    assert re.search(r"\n +import +make a practice source from a Word document", parser().format_help())


# --- Text boxes, and what pandoc did not read --------------------------------------------------------------


def test_a_text_box_that_moved_and_a_paragraph_that_did_not_carry_over_are_named(tmp_path, scratch):
    report = Report()
    report.heading("Lessons learned", 1)
    boxed = report.paragraph("Offering training after counselling lets migrants choose. ")
    report.text_box(boxed, "Counselling is only as realistic as the knowledge behind it.", drawing=True)
    status, lines = imported(scratch, report.save(tmp_path / "box.docx"))
    assert status == 0
    assert (
        "box.docx: note: the text of a text box was moved to a paragraph of its own: “Counselling is only as "
        "realistic as the knowledge behind it.”" in lines
    )
    # pandoc drops the rest of a paragraph that holds a Word 2010 text box: the writer is told what to copy.
    assert (
        "box.docx: note: a paragraph did not carry over: copy it from the document: “Offering training after "
        "counselling lets migrants choose.”" in lines
    )


# --- Bad documents: one line, nothing written ---------------------------------------------------------------


def _ole(*streams: str) -> bytes:
    """Return the start of an OLE compound file (old Office files) that names these streams, as its directory does."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    return header + b"".join(name.encode("utf-16-le").ljust(64, b"\0") + bytes(64) for name in streams)


def _zipped(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _with_part(source: Path, target: Path, name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy a .docx with one part added or replaced."""
    with zipfile.ZipFile(source) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n != name}
    return _zipped(target, {**parts, name: data}, method)


def _png_header(width: int, height: int) -> bytes:
    """Return a PNG that declares a size and holds one row of pixels: a decompression bomb's header."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(bytes(width * 3 + 1)))
        + chunk(b"IEND", b"")
    )


def _plain_report(tmp_path: Path) -> Path:
    report = Report()
    report.heading("Context", 1)
    report.paragraph("Reintegration does not have to wait until a migrant is back home.")
    return report.save(tmp_path / "plain.docx")


def _bad_documents(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    plain = _plain_report(tmp_path)
    pdf = tmp_path / "renamed-pdf.docx"
    png_picture = tmp_path / "one.png"
    png_picture.write_bytes(png(20, 20))
    from PIL import Image

    Image.open(png_picture).convert("RGB").save(pdf, "PDF")
    (tmp_path / "text.docx").write_text("Reintegration does not have to wait.\n", encoding="utf-8")
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        b"<w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(plain) as archive:
        document_xml = archive.read("word/document.xml")
    lying = _with_part(plain, tmp_path / "lying.docx", "word/document.xml", document_xml + b" " * 50_000)
    data = bytearray(lying.read_bytes())  # the central directory now declares 100 bytes for the document part
    at = data.rfind(b"word/document.xml") - 46
    data[at + 24 : at + 28] = struct.pack("<I", 100)
    lying.write_bytes(bytes(data))
    oversized = Report()
    oversized.paragraph("A picture too large to print:")
    oversized.picture(_png_header(10_000, 8_000), "A bomb")
    return {
        "old .doc": (
            _write(tmp_path / "old.docx", _ole("Root Entry", "WordDocument", "1Table")),
            "an old Word document (.doc), which cannot be read safely: open it in Word and save it as a Word "
            "Document (.docx), then import that file",
        ),
        "password": (
            _write(tmp_path / "locked.docx", _ole("Root Entry", "EncryptionInfo", "EncryptedPackage")),
            "the document is protected by a password: in Word, remove the password (File > Info > Protect Document "
            "> Encrypt with Password), save it, then import it again",
        ),
        "renamed PDF": (pdf, "a PDF file, not a Word document: ask for the Word file (.docx) it was made from"),
        "text file": (
            tmp_path / "text.docx",
            "not a Word document (.docx): if Word opens it, open it in Word and save it as a Word Document (.docx), "
            "then import that file",
        ),
        "zip without a document": (
            _zipped(tmp_path / "notes.docx", {"notes.txt": b"hello"}),
            "a zip file, but not a Word document (it has no main document part)",
        ),
        "zip bomb (ratio)": (
            _with_part(plain, tmp_path / "bomb.docx", "word/media/filler.bin", bytes(20_000_000)),
            "the part word/media/filler.bin was compressed 1,028 times (from 20 MB), far more than a Word "
            "document's parts are: not unpacked (a zip bomb?)",
        ),
        "zip bomb (declared sizes)": (
            lying,
            "the part word/document.xml is damaged (Bad CRC-32 for file 'word/document.xml'): save the document "
            "again in Word",
        ),
        "oversized picture file": (
            _with_part(plain, tmp_path / "heavy.docx", "word/media/image9.png", bytes(31_000_000), zipfile.ZIP_STORED),
            "the picture word/media/image9.png is 31 MB; a picture may be at most 30 MB: make it smaller in Word "
            "(Compress Pictures), then import it again",
        ),
        "oversized picture": (
            oversized.save(tmp_path / "pixels.docx"),
            "picture 1 (word/media/image1.png): 10,000 × 8,000 pixels is too large to print (80 megapixels, at most "
            "60): scale it down to about 2,500 pixels across, then import it again",
        ),
        "XML entities": (
            _with_part(plain, tmp_path / "entities.docx", "word/document.xml", entities),
            "word/document.xml declares XML entities (<!DOCTYPE>), which Word never writes: not read",
        ),
    }


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_each_bad_document_gets_one_line_and_leaves_content_byte_identical(tmp_path, scratch):
    shutil.copy(ROOT / "content" / "practices" / "07-pre-departure-assistance-morocco.en.md", scratch / "practices")
    before = digest(scratch)
    for kind, (document, message) in _bad_documents(tmp_path).items():
        status, lines = imported(scratch, document)
        assert (status, lines) == (2, [f"{document.name}: {message}"]), kind
        assert digest(scratch) == before, kind


def test_a_document_too_large_and_one_that_is_not_there(tmp_path, scratch, monkeypatch):
    before = digest(scratch)
    document = _plain_report(tmp_path)
    assert imported(scratch, tmp_path / "missing.docx")[1] == ["missing.docx: no such file"]
    monkeypatch.setattr(package, "MAX_DOCUMENT_BYTES", 1000)
    assert imported(scratch, document)[1] == [
        "plain.docx: the file is 0 MB, more than the 0 MB a report can be: make its pictures smaller in Word "
        "(Compress Pictures), then import it again"
    ]
    assert digest(scratch) == before


def test_a_picture_in_a_document_may_be_as_large_as_the_build_allows_no_more():
    from knowledge_bites.sources import images

    assert package.MAX_PART_BYTES == images.MAX_BYTES
    shown = {f".{kind.lower()}" for kind in images.RASTER_FORMATS} | {".jpg", ".svg"}
    assert shown == package.PICTURE_FORMATS


def test_a_picture_linked_to_a_local_file_is_never_read(tmp_path, scratch):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(30, 30, (255, 0, 0)))
    report = Report()
    report.paragraph("A linked picture:")
    report.linked_picture(secret.as_uri(), "A linked picture")
    status, lines = imported(scratch, report.save(tmp_path / "linked.docx"))
    assert status == 0
    (note,) = [line for line in lines if "linked picture" in line]  # its address shortened if long
    assert re.fullmatch(
        r"linked\.docx: note: a linked picture \(file://.*\) was not fetched: insert the picture "
        r"itself into the document",
        note,
    )
    assert not (scratch / "images").exists()
    assert "![" not in (scratch / "practices" / "01-linked.en.md").read_text(encoding="utf-8")


# --- The build's own rules ----------------------------------------------------------------------------------


def test_a_placeholder_is_refused_by_the_build_with_what_to_write(scratch):
    from .conftest import GOOD_FRONT_MATTER, practice

    front = GOOD_FRONT_MATTER.replace(
        "countries: [BF]", 'countries: "TO FILL IN: ISO codes of the countries, e.g. [SN]"'
    )
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front), encoding="utf-8")
    status, log = run_build(ROOT, "--content", str(scratch), "--check")
    assert status == 1
    assert (
        f"{scratch}/practices/03-entrepreneurship.en.md:6: countries: still to fill in: ISO codes of the "
        "countries, e.g. [SN]" in log.splitlines()
    )


def test_a_comment_before_the_first_heading_takes_no_room(tmp_path):
    from knowledge_bites.sources.markdown import convert

    body = convert(tmp_path / "x.md", "<!-- a note\nfor the writer -->\n\n## Context\n\nText.\n", 20, tmp_path)
    assert [section.title for section in body.sections] == ["Context"]
    assert "intro" not in body.html and body.problems == ()


# --- Real Word documents: from python-docx's test suite (tests/word/python-docx/, MIT licence) ----------------

REAL = ROOT / "tests" / "word" / "python-docx"


@pytest.mark.parametrize(
    ("name", "notes", "text"),
    [
        (
            "having-images.docx",
            [
                "3 pictures without a description: write one in the brackets of each ![](images/…), the words a screen "
                "reader says in its place"
            ],
            ["![](images/01-en-1-having-images.png)", "![](images/01-en-3-having-images.png)"],
        ),
        (
            "par-hyperlinks.docx",
            [
                f"link “{text}” to http://{site}/ became plain text: only https: and mailto: links are kept"
                for text, site in [
                    ("awesome hyperlink", "yahoo.com"),
                    ("the first one", "google.com"),
                    ("second one", "python.org"),
                    ("third", "yahoo.com"),
                ]
            ],
            ["Three hyperlinks: the first one here, the second one, and the third."],
        ),
        (
            "comments-rich-para.docx",
            [
                "comment left out: Steve Canny: “Text with hyperlink https://google.com embedded.” (on “Some text "
                "worthy of note.”)",
                "comment left out: “Text with inline image in the middle.” (on “Other text worthy of note.”)",
                "comment left out: “Text with character style.” (on “Paragraph 5”)",
                "comment left out: “Paragraph with Heading 2 paragraph style.” (on “Paragraph 6”)",
            ],
            ["Some text worthy of note.\n\nOther document text.\n\nOther text worthy of note.\n\nParagraph 5"],
        ),
        (
            "tbl-cell-access.docx",
            [f"table {n}: merged cells were split; each one's text is in its first cell" for n in (2, 3, 4)],
            ["| 4   |     | 6   |\n|     |     | 9   |"],
        ),
        (
            "blk-paras-and-tables.docx",
            [
                "table 1 was left out: none of its cells holds text",
                "table 3: cells with several paragraphs, a list or a table became one line",
                "table 4 was left out: none of its cells holds text",
                "the page headers and footers were left out: “Copyright Page-number / Left-side Right-side”",
            ],
            ["| Text before; Table Between; Text after |", "Lorem ipsum dolor sit amet, consectetur adipiscing elit."],
        ),
    ],
)
def test_real_word_documents_import_with_what_did_not_carry_over(scratch, name, notes, text):
    before = digest(scratch)
    status, lines = imported(scratch, REAL / name)
    assert status == 0, lines
    assert [line.split(": note: ", 1)[1] for line in lines if ": note: " in line] == notes
    (source,) = (scratch / "practices").glob("01-*.en.md")  # the first practice of an empty series
    assert f"practices/{source.name}" not in before
    assert all(piece in source.read_text(encoding="utf-8") for piece in text)


def test_a_real_word_document_builds_once_its_placeholders_are_filled(tmp_path, scratch):
    assert imported(scratch, REAL / "having-images.docx", "--summary")[0] == 0
    source = scratch / "practices" / "01-having-images.en.md"
    fill_in(source, title='"Pictures from a Word document"', summary='"Five pictures, three files, from Word."')
    fill_in(source, **FACTS_OF_SEVEN)
    text = source.read_text(encoding="utf-8")
    for n in (1, 2, 3):
        text = text.replace(f"![](images/01-en-{n}-", f"![Picture {n} of the document](images/01-en-{n}-")
    source.write_text(text, encoding="utf-8")
    status, log = run_build(ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--only", "1")
    assert status == 0, log
    assert len(PdfReader(tmp_path / "out" / "en" / "knowledge-bites-01-having-images-en.pdf").pages) == 2


def test_a_picture_described_once_is_described_wherever_the_text_shows_it(tmp_path, scratch):
    report = Report()
    report.picture(png(), "Orientation session in Morocco")
    report.paragraph("The same picture again:")
    report.picture(png())  # Word keeps one file for both
    status, lines = imported(scratch, report.save(tmp_path / "twice.docx"))
    text = (scratch / "practices" / "01-twice.en.md").read_text(encoding="utf-8")
    assert status == 0 and not [line for line in lines if "description" in line or "alternative" in line]
    assert text.count("![Orientation session in Morocco](images/01-en-1-twice.png)") == 2
