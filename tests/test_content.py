"""Loading and validating practice sources: good input loads, bad input gets one exact line each."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge_bites.problems import SeriesConfigError
from knowledge_bites.sources import PartialDate, load_series, load_settings, load_sheet
from knowledge_bites.sources.versions import version_of

from .conftest import GOOD_FRONT_MATTER, practice


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / "practices" / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path, settings) -> list[str]:
    _, problems = load_sheet(path, settings)
    return [str(p.shown_from(path.parent)) for p in problems]


def test_good_front_matter_loads(scratch, settings):
    path = write(scratch, "03-entrepreneurship.en.md", practice())
    sheet, problems = load_sheet(path, settings)
    assert problems == []
    assert sheet.meta.number == 3
    assert sheet.meta.countries == ["BF"]
    assert sheet.meta.published == date(2026, 11, 23)
    assert sheet.meta.key_figures[0].as_of == PartialDate(2019, 12)
    assert sheet.lang == "en" and sheet.slug == "entrepreneurship"
    assert sheet.line_of("countries") == 6
    assert [(s.title, s.line) for s in sheet.sections] == [("Context", 17), ("Recommendations", 21)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('title: "Support for Entrepreneurship in Burkina Faso"\n', "", "2: title: required field is missing"),
        ('"Support for Entrepreneurship in Burkina Faso"', '""', "3: title: must not be empty"),
        (
            '"Support for Entrepreneurship in Burkina Faso"',
            '"Unclosed',
            "5: not valid YAML (expected <block end>, but found '<scalar>'): "
            "check quotes, colons and indentation here or just above",
        ),
        ("number: 3", "number: 3\ntittle: x", "3: tittle: unknown field (did you mean 'title'?)"),
        ("number: 3", "number: three", '2: number: expected a number, got "three"'),
        (
            "classification: good",
            "classification: great",
            "4: classification: input should be 'good', 'promising' or 'innovative', got \"great\"",
        ),
        ("countries: [BF]", "countries: [bf]", "6: country 1: country codes are written in capitals: BF"),
        (
            "countries: [BF]",
            "countries: [XY]",
            "6: country 1: 'XY' is not an ISO 3166 alpha-2 country code (two capital letters, such as SN for Senegal)",
        ),
        ("countries: [BF]", "countries: []", "6: countries: needs at least 1 item(s)"),
        (
            "countries: [BF]",
            "countries: [BF, SEN]",
            "6: country 2: 'SEN' is not an ISO 3166 alpha-2 country code: write SN",
        ),
        (
            "countries: [BF]",
            "countries: [Sénégal]",
            "6: country 1: 'Sénégal' is not an ISO 3166 alpha-2 country code: write SN",
        ),
        (
            '    as_of: "2019-12"',
            '    as_of: "2019-02-30"',
            "12: key figure 1, as_of: not a real date: February 2019 has days 01 to 28, not 30",
        ),
        (
            "published: 2026-11-23",
            "published: 2026-13-01",
            "8: published: '2026-13-01' is not a real date: there is no month 13; "
            "the month comes after the year, from 01 to 12 (YYYY-MM-DD)",
        ),
        ("published: 2026-11-23", "published: soon", '8: published: expected a date as YYYY-MM-DD, got "soon"'),
        ("  - value: 1589", "  - value: ciento", '10: key figure 1, value: expected a number, got "ciento"'),
        (
            '    as_of: "2019-12"',
            '    as_of: "December"',
            '12: key figure 1, as_of: expected a date as "YYYY", "YYYY-MM" or "YYYY-MM-DD", got "December"',
        ),
        (
            "regions: [west-central-africa]",
            "regions: [west-africa]",
            "7: region 1: unknown region 'west-africa' (did you mean 'east-horn-africa' or 'west-central-africa'?)",
        ),
        ("number: 3", "number: 4", "2: number: 4 does not match the number in the file name (3)"),
        (
            "published: 2026-11-23",
            "published: 2026-11-23\npublished: 2026-11-24",
            "9: key 'published' appears twice (first on line 8)",
        ),
        ("countries: [BF]", "countries:\n\t- BF", "7: tab character in the indentation: indent with spaces"),
    ],
    ids=[
        "missing",
        "empty",
        "bad-yaml",
        "near-miss",
        "wrong-type",
        "classification",
        "lowercase-country",
        "unknown-country",
        "no-country",
        "alpha-3-country",
        "country-name",
        "impossible-day",
        "impossible-date",
        "not-a-date",
        "figure-text",
        "partial-date",
        "region",
        "number-mismatch",
        "duplicate-key",
        "tab",
    ],
)
def test_field_mistakes_name_line_and_field(scratch, settings, old, new, expected):
    assert old in GOOD_FRONT_MATTER
    path = write(scratch, "03-entrepreneurship.en.md", practice(GOOD_FRONT_MATTER.replace(old, new)))
    assert messages(path, settings) == [f"03-entrepreneurship.en.md:{expected}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "1: the file is empty: it needs front matter between '---' lines, then the text"),
        ("## Context\n\nNo front matter.\n", "1: front matter missing: the file must start with a '---' line"),
        ("---\nnumber: 3\n\n## Context\n", "1: front matter not closed: add a '---' line after the last field"),
        ("---\n- number\n- title\n---\nText\n", "2: front matter is a list: expected 'field: value' lines"),
        ("---\njust words\n---\nText\n", "2: front matter is a single value: expected 'field: value' lines"),
    ],
    ids=["empty", "missing", "unterminated", "list", "scalar"],
)
def test_front_matter_shape(scratch, settings, text, expected):
    path = write(scratch, "03-entrepreneurship.en.md", text)
    assert messages(path, settings) == [f"03-entrepreneurship.en.md:{expected}"]


def test_not_utf8_names_the_encoding_problem(scratch, settings):
    path = write(
        scratch, "03-entrepreneurship.en.md", practice().replace("Returnees", "Retorn\u00e9s").encode("latin-1")
    )
    assert messages(path, settings) == [
        "03-entrepreneurship.en.md:19: not UTF-8 text (byte 0xe9 at offset 406): save the file as UTF-8"
    ]


def test_byte_order_mark_and_windows_line_endings_are_fine(scratch, settings):
    text = "\ufeff" + practice().replace("\n", "\r\n")
    path = write(scratch, "03-entrepreneurship.en.md", text.encode("utf-8"))
    sheet, problems = load_sheet(path, settings)
    assert problems == []
    assert sheet.meta.title == "Support for Entrepreneurship in Burkina Faso"
    assert sheet.line_of("countries") == 6


def test_file_name_must_carry_number_slug_and_a_series_language(scratch, settings):
    bad_name = write(scratch, "entrepreneurship.md", practice())
    bad_lang = write(scratch, "03-entrepreneurship.de.md", practice())
    assert messages(bad_name, settings) == [
        "entrepreneurship.md: file name must look like NN-slug.LANG.md, e.g. 01-cash-for-work-guinea.en.md"
    ]
    assert messages(bad_lang, settings) == [
        "03-entrepreneurship.de.md: language 'de' in the file name is not a series language (en, es, fr, ar)"
    ]


def test_missing_twin_is_a_warning_and_the_existing_language_still_builds(scratch):
    write(scratch, "03-entrepreneurship.en.md", practice())
    series = load_series(scratch)
    assert [s.key for s in series.sheets] == ["03-entrepreneurship.en"]
    assert [str(p.shown_from(scratch)) for p in series.problems] == [
        "practices/03-entrepreneurship.en.md: warning: no 'es' version (03-entrepreneurship.es.md); "
        "the other languages are still built"
    ]


def test_twins_must_agree_on_countries_and_figures(scratch):
    english = write(scratch, "03-entrepreneurship.en.md", practice())
    spanish = GOOD_FRONT_MATTER.replace("countries: [BF]", "countries: [ML]").replace("value: 1589", "value: 1598")
    # A translation made from the English text as it is (so that only the disagreements are reported).
    spanish += f'translated_from: "{version_of(english.read_bytes())}"\n'
    write(scratch, "03-entrepreneurship.es.md", practice(spanish))
    series = load_series(scratch)
    assert [s.key for s in series.sheets] == ["03-entrepreneurship.en"]
    assert [str(p.shown_from(scratch)) for p in series.problems] == [
        "practices/03-entrepreneurship.es.md:6: countries: ML disagrees with 03-entrepreneurship.en.md (BF); "
        "the languages must agree",
        "practices/03-entrepreneurship.es.md:9: key_figures: 1598 disagrees with 03-entrepreneurship.en.md (1589); "
        "the languages must agree",
    ]


def test_a_number_used_twice_fails_both_practices(scratch):
    write(scratch, "03-entrepreneurship.en.md", practice())
    write(scratch, "03-other.en.md", practice())
    series = load_series(scratch)
    assert series.sheets == []
    lines = sorted(str(p.shown_from(scratch)) for p in series.problems if p.severity == "error")
    assert lines == [
        "practices/03-entrepreneurship.en.md:2: number: 3 is also used by 03-other.en.md",
        "practices/03-other.en.md:2: number: 3 is also used by 03-entrepreneurship.en.md",
    ]


def test_bad_series_settings_are_a_configuration_error(scratch):
    settings = scratch / "series.yaml"
    settings.write_text(settings.read_text().replace('  es: "Knowledge Bites"\n', "", 1), encoding="utf-8")
    with pytest.raises(SeriesConfigError) as caught:
        load_settings(settings)
    assert [str(p.shown_from(scratch)) for p in caught.value.problems] == [
        "series.yaml:23: short_name: no text for language 'es'"
    ]


def test_shipped_series_is_complete_and_valid(root):
    series = load_series(root / "content")
    assert series.problems == []
    assert len(series.sheets) == 23
    numbers = sorted({s.meta.number for s in series.sheets})
    assert numbers == list(range(1, 11))
    spanish_titles = series.titles["es"]
    assert spanish_titles[1] == "Dinero por trabajo, Guinea"
    assert (
        spanish_titles[9]
        == "Estimular el empleo de los migrantes que retornan mediante el apoyo a las pymes en el Iraq"
    )
