"""The translator's kit: `translations --export` writes a practice as XLIFF 1.2 for a CAT tool, `--import` writes the
kit that came back as the translation's source.

translate-toolkit plays the CAT tool: it reads each kit, and fills and saves one. The scratch series are git
repositories, as the team's content is: a translation's earlier English text comes from git.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from translate.storage import factory
from translate.storage.placeables import StringElem

from knowledge_bites.sources import load_series
from knowledge_bites.sources.versions import version_of

from .conftest import ROOT, only_languages, run_build
from .test_translations import IRAQ, SHIPPED, edit, git

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
SHIPPED_TRANSLATIONS = sorted(p.name for p in SHIPPED.glob("*.md") if not p.name.endswith(".en.md"))
MAIL = "mailto:ReturnReintegrationPlatform@iom.int"  # the series' contact address (content/series.yaml)
# A sentence added to #9's English text for these tests: two links (to the series' address) and bold.
SHARE = (
    "This sheet shows how the **Enterprise Development Fund** does so in Iraq. "
    f"[Share your practice]({MAIL}) or [write to the series]({MAIL})."
)


def command(content: Path, *args: str) -> tuple[int, list[str]]:
    status, log = run_build(ROOT, "--content", str(content), "--output", str(content.parent / "out"), *args)
    return status, [line.replace(f"{content.parent}/", "") for line in log.splitlines()]


def kit_of(content: Path, number_slug: str, lang: str) -> Path:
    return content.parent / "out" / "translation" / f"{number_slug}.en-{lang}.xlf"


def words(text: str) -> int:
    """Count words as an agency does, independently of the build: tokens with a letter or a digit."""
    return sum(1 for token in text.split() if re.search(r"\w", token))


@pytest.fixture
def iraq(scratch: Path) -> Path:
    """Practice 9 in English, Spanish and French, committed to git."""
    for lang in ("en", "es", "fr"):
        shutil.copy(SHIPPED / f"{IRAQ}.{lang}.md", scratch / "practices")
    git(scratch, "init", "-q")
    git(scratch, "add", "-A")
    git(scratch, "commit", "-q", "-m", "Practice 9 in three languages")
    return scratch


# --- Export ---------------------------------------------------------------------------------------------------


def test_a_kit_of_every_shipped_translation_opens_in_translate_toolkit(tmp_path):
    content = ROOT / "content"  # read only: the kits go to a temporary output folder
    for lang in ("es", "fr", "ar"):
        numbers = sorted({int(name[:2]) for name in SHIPPED_TRANSLATIONS if name.endswith(f".{lang}.md")})
        status, log = run_build(ROOT, "--output", str(tmp_path), "translations", "--export",
                                ",".join(map(str, numbers)), "--lang", lang)  # fmt: skip
        assert status == 0, log
    for name in SHIPPED_TRANSLATIONS:
        stem, lang = name.removesuffix(".md").rsplit(".", 1)
        store = factory.getobject(str(tmp_path / "translation" / f"{stem}.en-{lang}.xlf"))
        assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("en-GB", lang)
        units = {unit.getid().split("\x04")[-1]: unit for unit in store.units}
        english = (content / "practices" / f"{stem}.en.md").read_text(encoding="utf-8")
        title = re.search(r'^title: "(.*)"$', english, re.M)[1]
        assert units["front/title"].source == title
        assert units["front/title"].xmlelement.get("maxwidth") == "260"
        assert "At most 260 characters" in units["front/title"].getnotes()
        assert {"front/summary", "front/classification_reason"} <= set(units)
        headings = re.findall(r"^## (.*)$", english, re.M)
        assert [u.source for i, u in units.items() if i.endswith("/heading")] == headings
        for unit_id, unit in units.items():
            assert unit.target, f"{name}: {unit_id} is already translated and pre-filled"
            assert unit.get_state_n() >= unit.S_TRANSLATED
            assert unit.getnotes(), f"{name}: {unit_id} has a note for the translator"
            assert not re.fullmatch(r"[\d\s.,%-]*", unit.source), "numbers alone are never units"
        # Bold is an inline code around the words it marks; no address is in the kit.
        bold = re.findall(r"\*\*(.+?)\*\*", english)
        sources = [str(unit.rich_source[0]) for unit in units.values()]
        for words_in_bold in bold:
            assert any(words_in_bold in source for source in sources)
        assert "https://" not in "".join(sources) and "mailto:" not in "".join(sources)
        header = store.document.getroot().find(f".//{{{XLIFF}}}prop-group")
        props = {prop.get("prop-type"): prop.text for prop in header}
        assert props["practice"] == str(int(stem[:2])) and props["target-language"] == lang
        assert len(props["reference-version"]) == 40


def test_editing_one_english_section_leaves_exactly_its_edited_units_to_translate(iraq):
    english = iraq / "practices" / f"{IRAQ}.en.md"
    edit(english, "4,975 jobs under the EDF.", "4,975 jobs under the Enterprise Development Fund.")
    edit(english, "- they suffered loss or damage;", "- they had suffered loss or damage;")
    git(iraq, "commit", "-qam", "Two edits in the English text")

    status, found = command(iraq, "translations", "--export", "9", "--lang", "es")

    assert status == 0, found
    store = factory.getobject(str(kit_of(iraq, IRAQ, "es")))
    left = {u.getid().split("\x04")[-1]: u for u in store.units if not u.target}
    assert sorted(left) == ["body/how-it-works/3", "body/results/1"]
    assert left["body/results/1"].source.endswith("under the Enterprise Development Fund.")
    previous = left["body/results/1"].getalttrans()[0]
    assert previous.target.endswith("en el marco del EDF.")  # the earlier Spanish, for reference
    # The word counts printed are those of the units, counted here on their own.
    total = sum(words(unit.source) for unit in store.units)
    to_translate = sum(words(unit.source) for unit in left.values())
    new_lines = ["they had suffered loss or damage;", next(t for t in english.read_text().split("\n") if "4,975" in t)]
    assert to_translate == sum(words(line) for line in new_lines)
    assert (
        found[-1]
        == f"{IRAQ}: {total} words, {to_translate} to translate in 2 units, {total - to_translate} already translated"
    )


def test_a_translation_whose_structure_differs_still_exports_and_says_what_did_not_match(iraq):
    spanish = iraq / "practices" / f"{IRAQ}.es.md"
    text = spanish.read_text(encoding="utf-8")
    edit(spanish, "Los migrantes que retornan necesitan empleo.", "Los migrantes que retornan necesitan empleo.\n\nY")
    assert spanish.read_text(encoding="utf-8") != text
    git(iraq, "commit", "-qam", "A Spanish paragraph split in two")

    status, found = command(iraq, "translations", "--export", "9", "--lang", "es")

    assert status == 0, found
    assert any(line.startswith("  not matched with the earlier translation: section 'Context'") for line in found)
    store = factory.getobject(str(kit_of(iraq, IRAQ, "es")))
    left = [u.getid().split("\x04")[-1] for u in store.units if not u.target]
    assert left and all(unit_id.startswith("body/context/") for unit_id in left)


# --- The CAT tool, then import ------------------------------------------------------------------------------------

ACCENTS = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")


def pseudo(element: StringElem) -> StringElem:
    """Pseudo-translate a rich text as a CAT tool's test does: every word changed, every inline code kept."""
    changed = copy.deepcopy(element)
    for node in changed.depth_first():
        node.sub = [part.translate(ACCENTS) if isinstance(part, str) else part for part in node.sub]
    return changed


def test_a_kit_filled_in_a_cat_tool_imports_and_builds_with_the_reference_numbers_codes_and_links(iraq):
    only_languages(iraq, "en", "fr")
    (iraq / "practices" / f"{IRAQ}.es.md").unlink()
    (iraq / "practices" / f"{IRAQ}.fr.md").unlink()
    edit(iraq / "practices" / f"{IRAQ}.en.md", "This sheet shows how the Enterprise Development Fund does so in Iraq.",
         SHARE)  # fmt: skip
    git(iraq, "add", "-A")
    git(iraq, "commit", "-qm", "English only, with links")
    assert command(iraq, "translations", "--export", "9", "--lang", "fr")[0] == 0
    kit = kit_of(iraq, IRAQ, "fr")
    store = factory.getobject(str(kit))
    for unit in store.units:
        unit.rich_target = [pseudo(unit.rich_source[0])]
    # The translator moves the bold onto another word, and swaps the two links.
    shared = next(unit for unit in store.units if unit.getid().endswith("body/context/2"))
    target = shared.get_target_dom()
    for code in list(target):
        target.remove(code)
    target.text = "Cétté fíché móntré cómmé lé Fónds dé dévéléppémént déz éntrépríséz lé faít én "
    for code_id, words_in_code, tail in (("1", "Íráq", ". "), ("3", "Écrívéz", " óu "), ("2", "pártágéz", ".")):
        etree.SubElement(target, f"{{{XLIFF}}}g", {"id": code_id}).text = words_in_code
        target[-1].tail = tail
    store.savefile(str(kit))

    status, found = command(iraq, "translations", "--import", str(kit))

    assert status == 0, found
    assert found[0].startswith(f"imported content/practices/{IRAQ}.fr.md  (from {kit.name}: ")
    series = load_series(iraq)
    french = next(sheet for sheet in series.sheets if sheet.lang == "fr")
    english = next(sheet for sheet in series.sheets if sheet.lang == "en")
    assert french.meta.title == english.meta.title.translate(ACCENTS)
    assert (french.meta.countries, french.meta.period, french.meta.published) == (
        english.meta.countries, english.meta.period, english.meta.published)  # fmt: skip
    assert [f.value for f in french.meta.key_figures] == [f.value for f in english.meta.key_figures]
    assert "<strong>Íráq</strong>" in french.html
    assert re.search(rf'<a href="{MAIL}">Écrívéz</a> óu <a href="{MAIL}">pártágéz</a>', french.html)
    assert series.translations.state(9, "fr").status == "up to date"

    status, log = run_build(ROOT, "--content", str(iraq), "--output", str(iraq.parent / "out"), "--only", "9",
                            "--lang", "fr", "--jobs", "1")  # fmt: skip
    assert status == 0, log
    pdf = PdfReader(next((iraq.parent / "out" / "fr").glob("*.pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Íráq" in text and "60" in text
    links = [a.get_object()["/A"]["/URI"] for page in pdf.pages for a in page.get("/Annots", [])
             if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]  # fmt: skip
    assert links.count(MAIL) == 3  # the two links of the text, and the contact address in the fine print


# --- Kits refused ------------------------------------------------------------------------------------------------


def unit_line(kit: Path, unit_id: str, then: str = "") -> int:
    """Return the line of a unit in a kit (or of the first line after it that holds `then`)."""
    lines = kit.read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if f'id="{unit_id}"' in line)
    return 1 + next(n for n in range(start, len(lines)) if then in lines[n])


def change(kit: Path, old: str, new: str, count: int = 1) -> None:
    text = kit.read_text(encoding="utf-8")
    assert old in text, old
    kit.write_text(text.replace(old, new, count), encoding="utf-8")


def untranslate(kit: Path, unit_id: str) -> None:
    """Take a unit's translation out of a kit, as a CAT tool leaves a unit nobody translated."""
    text = kit.read_text(encoding="utf-8")
    start = text.index(f'id="{unit_id}"')
    target = re.compile(r"\s*<target[^>]*>.*?</target>", re.S)
    kit.write_text(text[:start] + target.sub("", text[start:], count=1), encoding="utf-8")


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n'
    f'<xliff xmlns="{XLIFF}" version="1.2"><file><body>&d;</body></file></xliff>\n'
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    f'<xliff xmlns="{XLIFF}" version="1.2"><file><body>&secret;</body></file></xliff>\n'
)
BODY = "body/why-it-is-a-good-practice/1"


@pytest.mark.parametrize(
    ("name", "spoil", "unit", "then", "message"),
    [
        (
            "untranslated",
            lambda k: untranslate(k, "body/context/1"),
            "body/context/1",
            "",
            "not translated: translate it, or import with --allow-partial",
        ),
        (
            "code missing",
            lambda k: change(k, '<g id="1" ctype="bold">Donner la priorité</g>', "Donner la priorité"),
            "body/recommendations/4",
            "<target",
            "inline code {1} (bold) is missing: put it back around the words",
        ),
        (
            "code added",
            lambda k: change(
                k,
                "pour la plupart dans des PME</target>",
                'pour la plupart dans des <x id="7" ctype="lb"/>PME</target>',
            ),
            "front/key_figures/1/label",
            "<target",
            "inline code {7} is not in the source text: remove it",
        ),
        (
            "code made single",
            lambda k: change(
                k, '<g id="1" ctype="bold">Donner la priorité</g>', '<x id="1" ctype="bold"/>Donner la priorité'
            ),
            "body/recommendations/4",
            "<target",
            "inline code {1} (bold) must be a pair around the words it marks",
        ),
        (
            "number missing",
            lambda k: change(k, "En Iraq, 60", "En Iraq, 70"),
            "body/context/1",
            "<target",
            "the number 60 of the source text is missing from the translation",
        ),
        (
            "foreign element",
            lambda k: change(k, "En Iraq, 60", 'En Iraq, <ph id="1">60</ph>'),
            "body/context/1",
            "<ph",
            "<ph> is not one of the kit's inline codes",
        ),
        (
            "title too long",
            lambda k: change(k, "Stimuler l’emploi", "Stimuler " * 30 + "l’emploi"),
            "front/title",
            "<target",
            "characters, more than the 260 it may have: shorten it",
        ),
    ],
)
def test_a_bad_kit_is_refused_with_its_line_and_unit_and_nothing_is_written(iraq, name, spoil, unit, then, message):
    french = iraq / "practices" / f"{IRAQ}.fr.md"
    assert command(iraq, "translations", "--export", "9", "--lang", "fr")[0] == 0
    kit = kit_of(iraq, IRAQ, "fr")
    if name in ("code missing", "code made single"):
        _bold_in_french(iraq, kit)
    before = french.read_bytes()
    spoil(kit)

    status, found = command(iraq, "translations", "--import", str(kit))

    line = unit_line(kit, unit, then)
    assert status == 2
    assert found[0].startswith(f"out/translation/{kit.name}:{line}: unit '{unit}': "), found
    assert message in found[0]
    assert found[-1].startswith("translations: nothing written (1 problem)")
    assert french.read_bytes() == before
    assert sorted(p.name for p in french.parent.iterdir()) == [f"{IRAQ}.{lang}.md" for lang in ("en", "es", "fr")]


def _bold_in_french(content: Path, kit: Path) -> None:
    """Give the French recommendation on priority its bold, as the English has, and export again."""
    for lang, words_in_bold in (("en", "Give priority"), ("fr", "Donner la priorité")):
        edit(content / "practices" / f"{IRAQ}.{lang}.md", f"- {words_in_bold}", f"- **{words_in_bold}**")
    git(content, "commit", "-qam", "Bold in a recommendation")
    assert command(content, "translations", "--mark", "9", "--lang", "fr")[0] == 0
    git(content, "commit", "-qam", "Marked")
    assert command(content, "translations", "--export", "9", "--lang", "fr")[0] == 0
    assert 'ctype="bold">Donner la priorité</g>' in kit.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("not xml", "Bonjour\n", ":1: not a well-formed XML file ("),
        (
            "not xliff",
            "<html><body><p>Bonjour</p></body></html>\n",
            ":1: not an XLIFF 1.2 file (it starts with <html>)",
        ),
        ("entity expansion", BILLION_LAUGHS, ":1: the file declares a DTD (entities), which a kit never has"),
        ("external entity", EXTERNAL, ":1: the file declares a DTD (entities), which a kit never has"),
    ],
)
def test_a_file_that_is_no_kit_or_hostile_xml_is_refused_unread(iraq, name, text, message):
    french = iraq / "practices" / f"{IRAQ}.fr.md"
    before = french.read_bytes()
    kit = iraq.parent / "returned.xlf"
    kit.write_text(text, encoding="utf-8")

    status, found = command(iraq, "translations", "--import", str(kit))

    assert status == 2
    assert found[0].startswith(f"returned.xlf{message}"), found
    assert "secret" not in "\n".join(found) and "root:" not in "\n".join(found)
    assert french.read_bytes() == before


@pytest.mark.parametrize(
    ("prop", "value", "args", "message"),
    [
        ("practice", "12", (), "the kit was made for practice #12, which this series does not have"),
        ("slug", "smes-elsewhere", (), "the kit was made for practice #9 'smes-elsewhere', but #9 here is 'smes-iraq'"),
        ("target-language", "de", (), "the kit is for language 'de', which this series does not translate into"),
        ("target-language", "fr", ("--lang", "es"), "the kit is for 'fr', not for es as asked"),
        (
            "reference-version",
            "0" * 40,
            (),
            "the kit was made from version 0000000 of 09-smes-iraq.en.md, which the "
            "build cannot find (it is not in the git history): export a new kit",
        ),
    ],
)
def test_a_kit_for_another_practice_language_or_version_is_refused(iraq, prop, value, args, message):
    french = iraq / "practices" / f"{IRAQ}.fr.md"
    before = french.read_bytes()
    assert command(iraq, "translations", "--export", "9", "--lang", "fr")[0] == 0
    kit = kit_of(iraq, IRAQ, "fr")
    text = kit.read_text(encoding="utf-8")
    text = re.sub(rf'(<prop prop-type="{prop}">)[^<]*', rf"\g<1>{value}", text)
    kit.write_text(text, encoding="utf-8")

    status, found = command(iraq, "translations", "--import", str(kit), *args)

    assert status == 2
    assert found[0].startswith(f"out/translation/{kit.name}:3: {message}"), found
    assert french.read_bytes() == before


def test_a_kit_whose_source_was_edited_or_lost_a_unit_is_refused(iraq):
    french = iraq / "practices" / f"{IRAQ}.fr.md"
    before = french.read_bytes()
    assert command(iraq, "translations", "--export", "9", "--lang", "fr")[0] == 0
    kit = kit_of(iraq, IRAQ, "fr")
    change(kit, "<source>Context</source>", "<source>Background</source>")
    text = kit.read_text(encoding="utf-8")
    text = re.sub(r'\s*<trans-unit [^>]*id="body/lessons-learned/heading".*?</trans-unit>', "", text, flags=re.S)
    kit.write_text(text, encoding="utf-8")

    status, found = command(iraq, "translations", "--import", str(kit))

    assert status == 2
    assert found[:2] == [
        f"out/translation/{kit.name}:{unit_line(kit, 'body/context/heading')}: unit 'body/context/heading': its "
        "source text is not the one exported: leave the source as it is",
        f"out/translation/{kit.name}:3: unit 'body/lessons-learned/heading': missing from the kit: export the kit "
        "again",
    ]
    assert french.read_bytes() == before


# --- Partial kits, a changed reference, the report ---------------------------------------------------------------


def test_a_partial_kit_keeps_the_english_and_the_translation_stays_out_of_date(iraq):
    edit(iraq / "practices" / f"{IRAQ}.en.md", "4,975 jobs under the EDF.", "4,975 jobs under the Fund.")
    git(iraq, "commit", "-qam", "Results edited")
    assert command(iraq, "translations", "--export", "9", "--lang", "es")[0] == 0
    assert command(iraq, "translations")[1][-1].startswith(f"kit waiting  out/translation/{IRAQ}.en-es.xlf  (")

    status, found = command(iraq, "translations", "--import", str(kit_of(iraq, IRAQ, "es")), "--allow-partial")

    assert status == 0, found
    assert "1 left in the source text" in found[0] and "its previous text is in git: git show " in found[0]
    spanish = (iraq / "practices" / f"{IRAQ}.es.md").read_text(encoding="utf-8")
    assert "4,975 jobs under the Fund." in spanish
    report = command(iraq, "translations", "--lang", "es")[1]
    assert (
        report[0]
        == f"out of date  content/practices/{IRAQ}.es.md  ({IRAQ}.en.md has changed: section 'Results' edited: "
        '"EDF." → "Fund.")'
    )


def test_a_kit_returned_after_the_english_changed_again_is_out_of_date_at_once(iraq):
    assert command(iraq, "translations", "--export", "9", "--lang", "fr")[0] == 0
    edit(iraq / "practices" / f"{IRAQ}.en.md", "## Lessons learned", "## What was learned")
    git(iraq, "commit", "-qam", "A heading renamed")
    french = iraq / "practices" / f"{IRAQ}.fr.md"
    french.chmod(0o644)
    edit(french, "## Contexte", "## Le contexte")  # not committed: the import keeps a backup beside it

    status, found = command(iraq, "translations", "--import", str(kit_of(iraq, IRAQ, "fr")))

    assert status == 0, found
    assert found[0].startswith(f"imported content/practices/{IRAQ}.fr.md  (")
    assert "its previous text is kept in " in found[0]
    assert found[1].startswith(f"  out of date at once: {IRAQ}.en.md has changed since the kit was made "
                               "(section 'What was learned' added, section 'Lessons learned' removed)")  # fmt: skip
    backups = list(french.parent.glob("*.bak"))
    assert len(backups) == 1 and "## Le contexte" in backups[0].read_text(encoding="utf-8")
    assert "## Contexte" in french.read_text(encoding="utf-8")
    assert load_series(iraq).translations.state(9, "fr").status == "out of date"


# --- Round trip ------------------------------------------------------------------------------------------------


def test_export_and_import_of_an_untouched_kit_leave_every_shipped_translation_unchanged(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    fully = []
    for lang in ("es", "fr", "ar"):
        numbers = sorted({int(name[:2]) for name in SHIPPED_TRANSLATIONS if name.endswith(f".{lang}.md")})
        status, found = command(content, "translations", "--export", ",".join(map(str, numbers)), "--lang", lang)
        assert status == 0, found
        fully += [line.split(":")[0] + f".{lang}" for line in found if " 0 to translate in 0 units" in line]
    assert len(fully) == len(SHIPPED_TRANSLATIONS)  # every shipped translation matched fully
    before = {p.name: p.read_bytes() for p in (content / "practices").glob("*.md")}

    status, found = command(
        content, "translations", "--import", *map(str, (tmp_path / "out" / "translation").glob("*.xlf"))
    )

    assert status == 0, found
    changed = sorted(name for name, data in before.items() if (content / "practices" / name).read_bytes() != data)
    # Its summary, wrapped at other words; and two whose text came back with the apostrophes the sheet prints.
    assert changed == [
        "02-employment-through-training-burkina-faso.es.md",
        "04-employability-empowerment-mali.es.md",
        "07-pre-departure-assistance-morocco.es.md",
    ]
    for name in (changed[0], changed[2]):
        after = (content / "practices" / name).read_bytes()
        assert after.replace("’".encode(), b"'") == before[name] and after != before[name]
    changed = [changed[1]]
    # A source that changed must still give the same PDF: build it from the text before and after.
    after = (content / "practices" / changed[0]).read_bytes()
    pdfs = []
    for data in (before[changed[0]], after):
        (content / "practices" / changed[0]).write_bytes(data)
        out = tmp_path / f"pdf-{len(pdfs)}"
        status, log = run_build(ROOT, "--content", str(content), "--output", str(out), "--only", "4", "--lang", "es",
                                "--jobs", "1")  # fmt: skip
        assert status == 0, log
        pdfs.append(next((out / "es").glob("*.pdf")).read_bytes())
    assert pdfs[0] == pdfs[1]
    assert load_series(content).translations.state(4, "es").status == "up to date"


def test_a_kit_with_the_translator_shows_in_the_report_and_on_the_preview_sheet(iraq):
    from knowledge_bites.preview.hub import Hub, Relay
    from knowledge_bites.preview.view import View
    from knowledge_bites.project import Project
    from knowledge_bites.session import Reporter

    (iraq / "practices" / f"{IRAQ}.fr.md").unlink()  # French not started: its kit shows on the English sheet
    git(iraq, "commit", "-qam", "No French yet")
    assert command(iraq, "translations", "--export", "9", "--lang", "fr,es")[0] == 0
    edit(iraq / "practices" / f"{IRAQ}.es.md", "## Contexto", "## El contexto")  # worked on since: not waiting

    report = command(iraq, "translations")[1]
    assert [line.split("  (")[0] for line in report if line.startswith("kit ")] == [
        f"kit waiting  out/translation/{IRAQ}.en-fr.xlf"
    ]
    view = View(Project.at(iraq.parent, iraq, iraq.parent / "out"))
    Relay(Reporter(), Hub(view)).loaded(load_series(iraq), None)  # no build yet: no record
    sheets = {sheet["key"]: sheet for sheet in view.as_json()["sheets"]}
    version = version_of((iraq / "practices" / f"{IRAQ}.en.md").read_bytes())[:7]
    badge = {"kind": "kit", "text": f"fr kit with the translator ({IRAQ}.en-fr.xlf, version {version})"}
    assert badge in sheets[f"{IRAQ}.en"]["notes"]
    assert not [note for note in sheets[f"{IRAQ}.es"]["notes"] if note["kind"] == "kit"]
