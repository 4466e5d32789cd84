"""Translations as a workflow: out-of-date translations and what changed, the `translations` command, languages in
progress, and titles shown in another language than the sheet's.

The scratch series here are git repositories, as the team's content is: the build looks up the English text a
translation was made from in git, to say what changed since.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from knowledge_bites.files import shown_path
from knowledge_bites.sources import load_series, versions
from knowledge_bites.sources.versions import version_of, with_version

from .conftest import ROOT, only_languages, run_build
from .pdfcheck import drawn_content, walk

SHIPPED = ROOT / "content" / "practices"
IRAQ = "09-smes-iraq"


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def settings(content: Path, **changes: object) -> None:
    """Change settings of a scratch series.yaml."""
    path = content / "series.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def lines(content: Path, *args: str) -> tuple[int, list[str]]:
    """Run a command on a scratch series; return its status and its lines, paths shown from the content folder."""
    status, log = run_build(ROOT, "--content", str(content), "--output", str(content.parent / "out"), *args)
    shown = shown_path(content)  # relative to the working folder when inside it
    return status, [line.replace(f"{content}/", "").replace(f"{shown}/", "") for line in log.splitlines()]


def out_of_date(found: list[str]) -> list[str]:
    return [line for line in found if ": out of date: " in line]


@pytest.fixture
def translated(scratch: Path) -> Path:
    """Practice 9 in English, Spanish (a complete language) and French (in progress), committed to git."""
    only_languages(scratch, "en", "es", "fr")
    for lang in ("en", "es", "fr"):
        shutil.copy(SHIPPED / f"{IRAQ}.{lang}.md", scratch / "practices")
    git(scratch, "init", "-q")
    git(scratch, "add", "-A")
    git(scratch, "commit", "-q", "-m", "Practice 9 in three languages")
    return scratch


def test_the_shipped_translations_follow_their_english_texts(root):
    """Whatever the shipped series holds: no translation is out of date, and each language's line counts its files."""
    status, found = lines(root / "content", "translations")
    settings = yaml.safe_load((root / "content" / "series.yaml").read_text(encoding="utf-8"))
    english = sorted(path.name.removesuffix(".en.md") for path in SHIPPED.glob("*.en.md"))
    assert status == 0
    expected = []
    for lang in [code for code in settings["languages"] if code != "en"]:
        have = [name for name in english if (SHIPPED / f"{name}.{lang}.md").is_file()]
        missing = [name for name in english if name not in have]
        in_progress = lang in settings.get("languages_in_progress", [])
        expected += [f"missing      practices/{name}.{lang}.md" for name in missing]
        tag = f"{lang} (in progress)" if in_progress else lang
        expected.append(
            f"{tag}: {len(english)} practices: {len(have)} up to date, 0 out of date, {len(missing)} missing"
        )
    assert sorted(found) == sorted(expected)


FUND = ': "EDF." → "Enterprise Development Fund."'  # a few words edited in a section are shown


def test_an_edited_section_makes_each_translation_out_of_date_and_marking_brings_it_back(translated):
    english = translated / "practices" / f"{IRAQ}.en.md"
    edit(english, "4,975 jobs under the EDF.", "4,975 jobs under the Enterprise Development Fund.")
    git(translated, "commit", "-qam", "Results: the fund's full name")

    status, found = lines(translated, "--check")
    assert status == 0
    assert out_of_date(found) == [
        f"practices/{IRAQ}.es.md:3: translated_from: warning: out of date: {IRAQ}.en.md has changed: section "
        f"'Results' edited{FUND}; bring it up to date, then run python build.py translations --mark 9 --lang es",
        f"practices/{IRAQ}.fr.md:3: translated_from: note: out of date: {IRAQ}.en.md has changed: section "
        f"'Results' edited{FUND}; bring it up to date, then run python build.py translations --mark 9 --lang fr",
    ]
    assert "fr (in progress): 1 of 1 practice translated, 1 out of date; none missing: it can leave " in "\n".join(
        found
    )
    assert found[-1].startswith("checked 3, failed 0, warnings 1 in ")

    # --strict fails the Spanish translation, whose language is complete, and nothing else.
    status, found = lines(translated, "--check", "--strict")
    assert status == 1
    assert [line for line in found if line.startswith("failed ")] == [f"failed  practices/{IRAQ}.es.md"]

    status, found = lines(translated, "translations")
    assert (status, found) == (
        0,
        [
            f"out of date  practices/{IRAQ}.es.md  ({IRAQ}.en.md has changed: section 'Results' edited{FUND})",
            f"out of date  practices/{IRAQ}.fr.md  ({IRAQ}.en.md has changed: section 'Results' edited{FUND})",
            "es: 1 practice: 0 up to date, 1 out of date, 0 missing",
            "fr (in progress): 1 practice: 0 up to date, 1 out of date, 0 missing",
        ],
    )

    spanish = translated / "practices" / f"{IRAQ}.es.md"
    before = spanish.read_bytes().split(b"\n")
    status, found = lines(translated, "translations", "--mark", "9", "--lang", "es")
    assert (status, found) == (
        0,
        [
            f"marked  practices/{IRAQ}.es.md  (follows {IRAQ}.en.md as it is now; it was out of date)",
            KEPT,
        ],
    )
    after = spanish.read_bytes().split(b"\n")
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [(before[2], f'translated_from: "{version_of(english.read_bytes())}"'.encode())]
    assert not list(spanish.parent.glob(".*.tmp"))
    status, found = lines(translated, "--check", "--strict")
    assert status == 0
    assert [line for line in out_of_date(found) if ".es.md" in line] == []


def test_what_changed_names_a_new_key_figure_a_changed_title_and_a_removed_section(translated):
    english = translated / "practices" / f"{IRAQ}.en.md"
    edit(english, 'title: "Boosting', 'title: "Supporting')
    edit(
        english,
        '    label: "of jobs in Iraq are in the private sector, most of them in SMEs"\n',
        '    label: "of jobs in Iraq are in the private sector, most of them in SMEs"\n'
        "  - value: 1000\n"
        '    label: "SMEs supported by the EDF"\n'
        '    as_of: "2021-12"\n',
    )
    text = english.read_text(encoding="utf-8")
    start, end = text.index("## Lessons learned"), text.index("## Recommendations")
    english.write_text(text[:start] + text[end:], encoding="utf-8")

    _, found = lines(translated, "--check")

    assert out_of_date(found)[0] == (
        f"practices/{IRAQ}.es.md:3: translated_from: warning: out of date: {IRAQ}.en.md has changed: title, "
        "key figures (1 added), section 'Lessons learned' removed; bring it up to date, then run "
        "python build.py translations --mark 9 --lang es"
    )


KEPT = "kept    the text each translation follows, in versions/ (commit it with the content)"


def test_what_changed_is_told_without_git_from_the_text_kept_in_the_content(scratch):
    for lang in ("en", "es"):
        shutil.copy(SHIPPED / f"{IRAQ}.{lang}.md", scratch / "practices")  # no git repository here
    settings(scratch, languages={"en": "en_GB", "es": "es"}, languages_in_progress=[])
    english = scratch / "practices" / f"{IRAQ}.en.md"
    edit(english, "## Context", "## The context")  # a version of the text that no git repository has seen
    assert lines(scratch, "translations", "--mark", "9", "--lang", "es") == (
        0,
        [f"marked  practices/{IRAQ}.es.md  (follows {IRAQ}.en.md as it is now; it was out of date)", KEPT],
    )
    kept = scratch / "versions" / f"{version_of(english.read_bytes())}.md"
    assert kept.read_bytes() == english.read_bytes()  # named by its content: the same text is the same file
    edit(english, "4,975 jobs under the EDF.", "4,975 jobs under the Enterprise Development Fund.")

    _, found = lines(scratch, "--check")

    assert out_of_date(found) == [
        f"practices/{IRAQ}.es.md:3: translated_from: warning: out of date: {IRAQ}.en.md has changed: section "
        f"'Results' edited{FUND}; bring it up to date, then run python build.py translations --mark 9 --lang es",
    ]


def test_what_changed_is_unknown_without_the_earlier_text_but_the_translation_is_still_out_of_date(scratch):
    for lang in ("en", "es"):
        shutil.copy(SHIPPED / f"{IRAQ}.{lang}.md", scratch / "practices")  # no git repository here
    settings(scratch, languages={"en": "en_GB", "es": "es"}, languages_in_progress=[])
    english = scratch / "practices" / f"{IRAQ}.en.md"
    edit(english, "## Context", "## The context")  # a version of the text that no git repository has seen
    assert lines(scratch, "translations", "--mark", "9", "--lang", "es")[0] == 0
    recorded = version_of(english.read_bytes())[:7]
    shutil.rmtree(scratch / "versions")  # the kept text was not copied along with the content
    versions._found.clear()  # nor found by an earlier test in this process
    edit(english, "## Results", "## Results so far")
    unrecorded = scratch / "practices" / "10-smes-former-returnees-afghanistan.es.md"
    shutil.copy(SHIPPED / "10-smes-former-returnees-afghanistan.en.md", scratch / "practices")
    shipped = (SHIPPED / unrecorded.name).read_bytes().splitlines(keepends=True)
    unrecorded.write_bytes(b"".join(line for line in shipped if not line.startswith(b"translated_from:")))

    status, found = lines(scratch, "--check")

    assert status == 0
    assert out_of_date(found) == [
        f"practices/{IRAQ}.es.md:3: translated_from: warning: out of date: {IRAQ}.en.md has changed; what changed "
        f"is unknown (version {recorded}: its text is not kept in versions/, and the content is not in a git "
        "repository to look it up in); bring it up "
        "to date, then run python build.py translations --mark 9 --lang es",
        "practices/10-smes-former-returnees-afghanistan.es.md: translated_from: warning: out of date: it does not "
        "record which version of 10-smes-former-returnees-afghanistan.en.md it translates, so what changed is "
        "unknown; bring it up to date, then run python build.py translations --mark 10 --lang es",
    ]


def test_a_language_in_progress_sums_up_in_one_line_and_passes_strict(scratch):
    settings(scratch, languages={"en": "en_GB", "fr": "fr"}, languages_in_progress=["fr"])
    for name in ("03-entrepreneurship", "04-other"):
        text = (SHIPPED / f"{IRAQ}.en.md").read_text(encoding="utf-8")
        (scratch / "practices" / f"{name}.en.md").write_text(
            text.replace("number: 9", f"number: {int(name[:2])}"), encoding="utf-8"
        )
    started = scratch / "practices" / "03-entrepreneurship.fr.md"
    status, found = lines(scratch, "translations", "--start", "3", "--lang", "fr")
    assert (status, found) == (
        0,
        [
            "started practices/03-entrepreneurship.fr.md  (a copy of 03-entrepreneurship.en.md: translate its text)",
            KEPT,
        ],
    )
    english = (scratch / "practices" / "03-entrepreneurship.en.md").read_bytes()
    assert started.read_bytes() == with_version(english, version_of(english))
    assert lines(scratch, "translations", "--start", "3", "--lang", "fr") == (
        2,
        [
            "translations: 03-entrepreneurship.fr.md already exists: translate it there, then mark it with: "
            "python build.py translations --mark 3 --lang fr"
        ],
    )

    status, found = lines(scratch, "--strict", "--jobs", "1")

    assert status == 0, found
    assert [line for line in found if line.startswith("fr")] == [
        "fr (in progress): 1 of 2 practices translated; missing: 4"
    ]
    assert not [line for line in found if ": warning: " in line]
    assert found[-1].startswith("built 3, up to date 0, failed 0, warnings 0 in ")


def test_a_complete_language_that_lacks_a_practice_still_warns(scratch):
    settings(scratch, languages_in_progress=[])
    for lang in ("en", "es"):
        shutil.copy(SHIPPED / f"{IRAQ}.{lang}.md", scratch / "practices")
    status, found = lines(scratch, "--check", "--strict")
    assert status == 1
    warning = f"practices/{IRAQ}.en.md: warning: no 'fr' version ({IRAQ}.fr.md); the other languages are still built"
    assert warning in found
    assert not [line for line in found if line.startswith("fr (in progress)")]


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        ("[en]", "'en' is the reference language: list only languages still being translated"),
        ("[de]", "'de' is not one of `languages`: list only languages still being translated"),
    ],
)
def test_languages_in_progress_must_be_other_languages_of_the_series(scratch, listed, message):
    path = scratch / "series.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("languages_in_progress: [fr, ar]", f"languages_in_progress: {listed}")
    path.write_text(text, encoding="utf-8")
    status, found = lines(scratch, "--check")
    assert status == 2
    assert found == [f"series.yaml:14: language in progress 1: {message}"]


def test_the_version_line_is_the_only_change_whatever_the_line_endings():
    written = b"\xef\xbb\xbf---\r\nnumber: 9\r\ntitle: T\r\n---\r\nText\r\n"
    assert with_version(written, "a" * 40) == (
        b'\xef\xbb\xbf---\r\nnumber: 9\r\ntranslated_from: "' + b"a" * 40 + b'"\r\ntitle: T\r\n---\r\nText\r\n'
    )
    again = with_version(with_version(written, "a" * 40), "b" * 40)
    assert again == with_version(written, "b" * 40)
    assert version_of(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"  # what `git hash-object` gives an empty file


# --- Titles in another language than the sheet's -------------------------------------------------------------


FRENCH = "fr/knowledge-bites-10-smes-former-returnees-afghanistan-fr.pdf"


def test_english_titles_on_a_french_sheet_carry_their_own_language_in_the_pdf(shipped_build):
    series = load_series(ROOT / "content")
    path = shipped_build.output / FRENCH
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        marked = [
            (str(e.obj.Lang), pages[e.obj.Pg.objgen], [int(k) for k in _mcids(e.obj)])
            for e in walk(pdf.Root.StructTreeRoot)
            if "/Lang" in e.obj
        ]
    drawn = drawn_content(path)
    english = " ".join(
        "".join(drawn[page][0][mcid].text for mcid in mcids) for lang, page, mcids in marked if lang == "en"
    )
    assert {lang for lang, _, _ in marked} == {"en"}
    shown = " ".join(english.replace("\u2010", "-").split())
    for number in range(1, 9):
        title = " ".join(series.titles["en"][number].split())
        assert title in shown, title
    assert "Soutenir" not in shown and "Stimuler" not in shown  # French text keeps the sheet's language
    text = " ".join(PdfReader(path).pages[1].extract_text().split())
    assert "Cash-for-work, Guinea (EN)" in text.replace("\u2010", "-")


def _mcids(element: pikepdf.Object) -> list[int]:
    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
    found = []
    for kid in kids:
        if isinstance(kid, int):
            found.append(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found += _mcids(kid)
    return found


def test_english_titles_on_a_french_sheet_are_hyphenated_as_english(shipped_layouts):
    layout = shipped_layouts["10-smes-former-returnees-afghanistan.fr"]
    languages: dict[str, set[str]] = {}

    def visit(box) -> None:
        if type(box).__name__ == "TextBox":
            languages.setdefault(box.text.strip(), set()).add(box.style["lang"])
        for child in getattr(box, "children", []):
            visit(child)

    for page in layout.document.pages:
        visit(page._page_box)
    assert languages["Cash-for-work, Guinea"] == {"en"}
    assert languages["(EN)"] == {"fr"}
    assert languages["Autres pratiques de la série"] == {"fr"}


def test_french_sheet_has_no_english_label_and_a_french_long_date(shipped_build):
    from babel.messages.pofile import read_po

    pages = PdfReader(shipped_build.output / FRENCH).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split()).lower()  # labels may be in capitals
    assert "publiée le 23 novembre 2026" in text and "chiffres clés" in text
    with (ROOT / "templates/locales/fr/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        english = message.id if isinstance(message.id, str) else message.id[0]
        french = " ".join(message.string).lower() if isinstance(message.string, tuple) else message.string.lower()
        for words in re.split(r"%\(\w+\)s", english):
            words = words.strip(" .:,()#").lower()
            if len(words) >= 4 and words not in french:  # "Contact:" is "Contact :" in French
                assert words not in text, english


def test_the_catalogue_tags_titles_in_another_language_and_tells_where_translations_stand(shipped_build):
    page = (shipped_build.output / "index.html").read_text(encoding="utf-8")
    french = page[page.index('<section class="edition" id="fr"') : page.index('<section class="edition" id="ar"')]
    assert re.search(
        r'<a href="en/knowledge-bites-01-cash-for-work-guinea-en\.pdf" lang="en">Cash-for-work, Guinea</a>'
        r'&nbsp;<span class="language-tag">\(EN\)</span>',
        french,
    )
    assert "Stimuler l’emploi des migrants de retour" in french and french.count("(EN)") == 8
    assert french.count("Français\u00a0: pas encore traduite") == 8
    english = page[page.index('<section class="edition" id="en"') :]
    assert english.count("French: not translated yet") == 8 and "(EN)" not in english


def test_the_catalogue_marks_a_translation_that_is_out_of_date(translated):
    edit(translated / "practices" / f"{IRAQ}.en.md", "## Results", "## What it achieved")
    status, _ = lines(translated, "--only", "9", "--lang", "es", "--jobs", "1")
    assert status == 0
    page = (translated.parent / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count('<span class="state">out of date</span>') == 1
    assert page.count('<span class="state">desactualizada</span>') == 1
    assert page.count('<span class="state">à mettre à jour</span>') == 1


def test_the_french_announcement_tags_the_earlier_sheets_it_lacks(tmp_path, root):
    status, log = run_build(root, "announce", "10", "--lang", "fr", "--output", str(tmp_path))
    assert status == 0, log
    stem = "knowledge-bites-10-smes-former-returnees-afghanistan-fr"
    text = (tmp_path / "announcements" / f"{stem}.txt").read_text(encoding="utf-8")
    assert "- PRACTICE #1: Cash-for-work, Guinea (EN)\n" in text
    assert (
        "- PRACTICE #9: Boosting Returnees’ Employment through Support to SMEs in Iraq "
        "(Stimuler l’emploi des migrants de retour grâce au soutien aux PME en Iraq)\n"
    ) in text
    assert "Projet\u00a0: Aide à la réintégration et au développement en Afghanistan (RADA)" in text
    page = (tmp_path / "announcements" / f"{stem}.html").read_text(encoding="utf-8")
    assert '<span lang="en">PRACTICE #1: Cash-for-work, Guinea</span>' in page
    assert re.search(r'<span lang="en">Supporting SMEs and former returnees[^<]*</span>', page)


def test_the_translation_commands_refuse_what_they_cannot_do(translated):
    practices = translated / "practices"
    before = {path.name: path.read_bytes() for path in practices.iterdir()}
    assert lines(translated, "translations", "--mark", "9") == (
        2,
        ["translations: --mark needs the one language to write: add --lang CODE"],
    )
    assert lines(translated, "translations", "--mark", "9", "--lang", "en") == (
        2,
        ["translations: 'en' is the reference language: its files translate no other file"],
    )
    assert lines(translated, "translations", "--mark", "8", "--lang", "es") == (
        2,
        ["translations: no practice #8 in the 'en' files to translate"],
    )
    (practices / f"{IRAQ}.fr.md").unlink()
    assert lines(translated, "translations", "--mark", "9", "--lang", "fr") == (
        2,
        [
            f"translations: practice #9 has no 'fr' translation to mark ({IRAQ}.fr.md); "
            "start one with: python build.py translations --start 9 --lang fr"
        ],
    )
    assert {path.name: path.read_bytes() for path in practices.iterdir()} == {
        name: text for name, text in before.items() if not name.endswith(".fr.md")
    }


def test_a_reference_file_that_records_a_version_is_told_to_drop_it(translated):
    english = translated / "practices" / f"{IRAQ}.en.md"
    english.write_bytes(with_version(english.read_bytes(), "0" * 40))
    _, found = lines(translated, "--check")
    assert (
        f"practices/{IRAQ}.en.md:3: translated_from: warning: 'en' is the reference language, whose files "
        "translate no other file: remove this line"
    ) in found
