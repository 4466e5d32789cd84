"""What a writer meets while writing a practice and translating it, through the command: the order of a sheet's
problems, the count of files checked, a practice in progress, and the announcement of a practice whose
translations are still to come."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .conftest import GOOD_FRONT_MATTER, ROOT, practice, run_build

MOROCCO = "07-pre-departure-assistance-morocco"
LANGUAGES = ("en", "es", "fr")


def lines(content: Path, output: Path, *args: str) -> tuple[int, list[str]]:
    """Run a command on a copy of the content; return its status and its lines, paths shown from its folder."""
    status, log = run_build(ROOT, "--content", str(content), "--output", str(output), *args)
    return status, [line.replace(f"{content.parent}/", "") for line in log.strip().splitlines()]


def set_series(content: Path, **values) -> None:
    path = content / "series.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(values)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def new_practice(content: Path, front_matter: str = GOOD_FRONT_MATTER) -> Path:
    """Practice #11, in English only: a new practice not yet translated."""
    source = content / "practices" / "11-new-practice.en.md"
    source.write_text(practice(front_matter.replace("number: 3", "number: 11")), encoding="utf-8")
    return source


def test_an_error_comes_before_the_warnings_and_every_file_read_is_counted(shipped_copy, tmp_path):
    source = new_practice(shipped_copy)
    text = source.read_text(encoding="utf-8").replace("Returnees start", "Returnees <b>start</b>")
    source.write_text(text + "\n![](images/chart.png)\n", encoding="utf-8")

    status, found = lines(shipped_copy, tmp_path / "out", "--check")

    assert status == 1
    mine = [line for line in found if "11-new-practice.en.md:" in line]
    assert len(mine) == 3
    assert "image 'images/chart.png' does not exist" in mine[0]
    assert "image 'images/chart.png' has no alternative text" in mine[1]
    assert "warning: raw HTML is not allowed in the text" in mine[2]
    # What keeps the sheet from being built comes first, then what only warns, though it is on an earlier line.
    assert [": warning: " in line for line in mine] == [False, False, True]
    error_line, warning_line = (int(mine[i].split(":")[1]) for i in (0, 2))
    assert warning_line < error_line
    read = len(list((shipped_copy / "practices").glob("*.md")))  # every file read: the one that failed counts too
    assert found[-1].startswith(f"checked {read}, failed 1, ")


def test_a_practice_in_progress_is_quiet_about_the_languages_it_lacks_and_passes_strict(shipped_copy, tmp_path):
    new_practice(shipped_copy)
    status, found = lines(shipped_copy, tmp_path / "out", "--check", "--strict")
    assert status == 1 and "failed  content/practices/11-new-practice.en.md" in found

    set_series(shipped_copy, practices_in_progress=[11])
    status, found = lines(shipped_copy, tmp_path / "out", "--check", "--strict")

    assert status == 0, found
    assert [line for line in found if "11-new-practice" in line] == [
        "content/practices/11-new-practice.en.md: note: no 'es' version yet (11-new-practice.es.md): practice #11 "
        "is in progress (practices_in_progress in series.yaml)",
        "ok      content/practices/11-new-practice.en.md",
    ]
    read = len(list((shipped_copy / "practices").glob("*.md")))
    assert found[-1].startswith(f"checked {read}, failed 0, warnings 0 ")


def test_announce_writes_every_language_that_has_the_sheet_and_says_which_are_to_come(shipped_copy, tmp_path):
    languages = {"en": "en_GB", "es": "es", "fr": "fr", "pt": "pt_PT", "de": "de"}
    data = yaml.safe_load((shipped_copy / "series.yaml").read_text(encoding="utf-8"))
    texts = {k: v for k, v in data.items() if isinstance(v, dict) and "en" in v and isinstance(v["en"], str)}
    for value in [*texts.values(), data["call_to_action"]["text"], data["call_to_action"]["link_text"]]:
        value.setdefault("pt", value["en"])  # series texts untranslated for this test: only the languages matter
        value.setdefault("de", value["en"])
    for region in data["regions"].values():
        region.setdefault("pt", region["en"])
        region.setdefault("de", region["en"])
    data.update(languages=languages, languages_in_progress=["fr", "pt", "de"])
    (shipped_copy / "series.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    output = tmp_path / "out"

    status, found = lines(shipped_copy, output, "announce", "8")

    assert status == 0, found
    assert [line for line in found if line.startswith("wrote")] == [
        f"wrote   out/announcements/knowledge-bites-08-community-bridge-somalia-{lang}.{suffix}"
        for lang in ("en", "es")
        for suffix in ("html", "txt")
    ]
    assert found[-1] == (
        "to come  practice #8 in 'fr', 'pt', 'de': no translation yet (announced in en, es); "
        "run `python build.py announce 8 --lang fr,pt,de` once it is built"
    )
    status, found = lines(shipped_copy, output, "announce", "8", "--lang", "fr")
    assert (status, found[-1]) == (2, "announce: practice #8 has no 'fr' version yet: nothing to announce")


def test_the_plain_text_announcement_gives_the_contact_address_once(shipped_copy, tmp_path):
    status, found = lines(shipped_copy, tmp_path / "out", "announce", "7", "--lang", "en")
    assert status == 0, found
    text = (tmp_path / "out" / "announcements" / f"knowledge-bites-{MOROCCO}-en.txt").read_text(encoding="utf-8")
    address = "ReturnReintegrationPlatform@iom.int"
    assert len(re.findall(re.escape(address), text)) == 1, text
    assert "\n\nShare your practice\n" in text and f"Share your practice: {address} (subject: " in text
    assert "\n\nKnowledge Bites are short fact sheets" in text  # the paragraph after it keeps its blank line


def test_straight_quotes_print_as_the_quotation_marks_of_each_language(scratch, tmp_path):
    front = GOOD_FRONT_MATTER.replace(
        '"Support for Entrepreneurship in Burkina Faso"', "\"Mentors' costs and the 'jobs first' idea\""
    )
    body = "\n## Context\n\nFORAS means \"opportunities\"; the returnees' plan, Côte d'Ivoire.\n"
    for lang in LANGUAGES:
        (scratch / "practices" / f"03-entrepreneurship.{lang}.md").write_text(practice(front, body), "utf-8")

    status, log = run_build(ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--html")

    assert status == 0, log
    html = {lang: next((tmp_path / "out" / "html" / lang).glob("*.html")).read_text("utf-8") for lang in LANGUAGES}
    for lang, (opening, closing) in {"en": ("“", "”"), "es": ("«", "»"), "fr": ("«\u202f", "\u202f»")}.items():
        assert f"FORAS means {opening}opportunities{closing}; the returnees’ plan, Côte d’Ivoire." in html[lang]
        assert "Mentors’ costs and the ‘jobs first’ idea" in html[lang]  # the title, from the front matter
        assert "&#39;" not in html[lang] and "&#34;" not in html[lang]


def test_a_wide_chart_in_the_text_is_told_how_small_its_type_prints(scratch, tmp_path):
    from PIL import Image

    (scratch / "images").mkdir()
    for width, height in ((1200, 600), (420, 210)):
        Image.new("RGB", (width, height), "white").save(scratch / "images" / f"chart-{width}.png")
    body = "\n## Results\n\n![A chart of the results](images/chart-1200.png)\n\n![A small one](images/chart-420.png)\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(body=body), encoding="utf-8")
    set_series(scratch, languages={"en": "en_GB"}, languages_in_progress=[])

    status, found = lines(scratch, tmp_path / "out", "--check")

    assert status == 0, found
    assert [line for line in found if "chart-" in line] == [
        "content/practices/03-entrepreneurship.en.md:19: warning: image 'images/chart-1200.png' is 1,200 pixels wide "
        "and prints 86.5 mm wide, at 27% of its size, so text drawn in it at 12 pixels prints at about 2.5 pt (the "
        "smallest readable size is 7 pt): draw it about 420 pixels wide, or with type 3 times as large"
    ]


def test_no_shipped_sheet_prints_a_straight_quote(shipped_build):
    from pypdf import PdfReader

    for pdf in sorted(shipped_build.output.glob("*/*.pdf")):
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert "'" not in text and '"' not in text, pdf.name
