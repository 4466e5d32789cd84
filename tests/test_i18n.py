"""Labels, dates, numbers and country names in each sheet language."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge_bites.project import Project
from knowledge_bites.render.languages import Language, load_translations
from knowledge_bites.sources import PartialDate, Period

from .conftest import ROOT

LOCALES = Project.at(ROOT).locales


@pytest.fixture
def english(settings) -> Language:
    return Language.for_series(settings, "en", LOCALES)[0]


@pytest.fixture
def spanish(settings) -> Language:
    return Language.for_series(settings, "es", LOCALES)[0]


def test_long_dates(english, spanish):
    assert english.date(date(2021, 3, 15)) == "15 March 2021"
    assert spanish.date(date(2021, 3, 15)) == "15 de marzo de 2021"


def test_partial_dates_say_only_what_is_known(english, spanish):
    assert english.partial_date(PartialDate(2020, 12)) == "December 2020"
    assert spanish.partial_date(PartialDate(2020, 12)) == "diciembre de 2020"
    assert spanish.partial_date(PartialDate(2018)) == "2018"
    assert spanish.partial_date(PartialDate(2021, 3, 15)) == "15 de marzo de 2021"


def test_periods(english, spanish):
    both = Period(start=PartialDate(2017, 9), end=PartialDate(2019, 12))
    assert english.period(both) == "September 2017 – December 2019"
    assert spanish.period(both) == "septiembre de 2017 – diciembre de 2019"
    assert spanish.period(Period(start=PartialDate(2018))) == "desde 2018"


def test_numbers(english, spanish):
    assert english.number(1589) == "1,589"
    assert spanish.number(1589) == "1.589"
    assert spanish.number(37500) == "37.500"
    assert english.number(60, "percent") == "60%"
    assert spanish.number(60, "percent") == "60\xa0%"


def test_country_names_follow_house_style_then_cldr(english, spanish):
    assert spanish.country("IQ") == "el Iraq"
    assert spanish.country("CM") == "el Camerún"
    assert spanish.country("AF") == "Afganistán"
    assert english.country("CI") == "Côte d’Ivoire"
    assert spanish.join(["Malí", "el Camerún", "Guinea"]) == "Malí, el Camerún y Guinea"


def test_labels_come_from_the_catalog(english, spanish):
    assert spanish.gettext("Key figures") == "Cifras clave"
    assert english.gettext("Key figures") == "Key figures"


def test_every_template_label_is_translated(root):
    from babel.messages.extract import extract_from_dir

    labels = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(root), method_map=[("templates/**.html", "jinja2"), ("knowledge_bites/**.py", "python")]
        )
    }
    assert "Key figures" in labels
    translations, problems = load_translations(LOCALES, "es", reference=False)
    assert problems == []
    untranslated = sorted(label for label in labels if translations.gettext(label) == label)
    assert untranslated == []


def test_missing_translation_falls_back_to_english_and_is_reported(tmp_path, root):
    source = (LOCALES / "es/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    catalog = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(source.replace('msgstr "Cifras clave"', 'msgstr ""'), encoding="utf-8")
    translations, problems = load_translations(tmp_path, "es", reference=False)
    assert translations.gettext("Key figures") == "Key figures"
    assert translations.gettext("Region") == "Región"
    assert [p.message for p in problems] == ['missing translation of "Key figures": English is used']
    assert problems[0].line is not None and problems[0].severity == "warning"


def test_a_language_without_catalog_is_reported(tmp_path):
    _, problems = load_translations(tmp_path, "fr", reference=False)
    assert [p.message for p in problems] == ["no catalog for language 'fr': every label falls back to English"]
