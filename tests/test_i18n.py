"""Labels, dates, numbers and country names in each sheet language."""

from __future__ import annotations

import re
from datetime import date

import pytest

from knowledge_bites.project import Project
from knowledge_bites.render.languages import Language, load_labels
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


def extracted_labels(root) -> dict[tuple[str | None, str], list[str]]:
    """Return every label of the templates and the code, as `make catalogs` extracts them: (context, msgid) ->
    the translator comments written beside it."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map = [("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2"), ("knowledge_bites/**.py", "python")]
    labels: dict[tuple[str | None, str], list[str]] = {}
    for _, _, message, comments, context in extract_from_dir(
        str(root), method_map=method_map, keywords=DEFAULT_KEYWORDS, comment_tags=("Translators:",)
    ):
        msgid = message if isinstance(message, str) else message[0]
        labels.setdefault((context, msgid), []).extend(comments)
    return labels


def catalog(lang: str):
    from babel.messages.pofile import read_po

    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_every_label_has_a_translators_comment_and_the_template_catalog_is_current(root):
    from babel.messages.pofile import read_po

    labels = extracted_labels(root)
    assert ("translation", "out of date") in labels  # one English word, two translations: a context tells them apart
    assert sorted(msgid for (_, msgid), comments in labels.items() if not comments) == []
    with (LOCALES / "messages.pot").open("rb") as handle:
        template = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(handle) if m.id}
    assert set(template) == set(labels), "the catalog template is stale: run `make catalogs`"
    for key, message in template.items():
        assert message.auto_comments, f"{key}: no translator's comment in messages.pot: run `make catalogs`"


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_label_is_translated_with_its_placeholders(root, lang):
    labels = extracted_labels(root)
    translations, problems, _ = load_labels(LOCALES, lang, reference=False)
    assert problems == []
    messages = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog(lang) if m.id}
    assert sorted(str(key) for key in set(labels) - set(messages)) == []
    for key in labels:
        message = messages[key]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, key
        wanted = set(re.findall(r"%\((\w+)\)s", key[1]))
        for string in strings:
            assert set(re.findall(r"%\((\w+)\)s", string)) <= wanted | {"num"}, (key, string)
    assert translations.pgettext("translation", "out of date") != "out of date"


def test_french_labels_and_formats(settings):
    french = Language.for_series(settings, "fr", LOCALES)[0]
    assert french.date(date(2026, 11, 23)) == "23 novembre 2026"
    assert french.period(Period(start=PartialDate(2017), end=PartialDate(2022))) == "2017 – 2022"
    assert french.partial_date(PartialDate(2020, 12)) == "décembre 2020"
    assert french.number(60, "percent") == "60\u00a0%"
    assert french.gettext("Published by %(publisher)s.") % {"publisher": settings.publisher["fr"]} == (
        "Éditeur\u00a0: Organisation internationale pour les migrations (OIM)."
    )
    # House style: the names the United Nations use in French, with their article.
    assert [french.country(code) for code in ("IQ", "AF", "CD")] == [
        "l’Iraq",
        "l’Afghanistan",
        "la République démocratique du Congo",
    ]


def test_missing_translation_falls_back_to_english_and_is_reported(tmp_path, root):
    source = (LOCALES / "es/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    catalog = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(source.replace('msgstr "Cifras clave"', 'msgstr ""'), encoding="utf-8")
    translations, problems, _ = load_labels(tmp_path, "es", reference=False)
    assert translations.gettext("Key figures") == "Key figures"
    assert translations.gettext("Region") == "Región"
    assert [p.message for p in problems] == ['missing translation of "Key figures": English is used']
    assert problems[0].line is not None and problems[0].severity == "warning"


def test_a_language_without_catalog_is_reported(tmp_path):
    _, problems, _ = load_labels(tmp_path, "fr", reference=False)
    assert [p.message for p in problems] == ["no catalog for language 'fr': every label falls back to English"]
