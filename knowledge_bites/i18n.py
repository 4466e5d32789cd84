"""Language of a sheet: gettext labels from the .po catalogs, and Babel for dates, numbers, countries."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from . import record
from .content import PartialDate, Period, SeriesSettings
from .problems import Problem

DOMAIN = "messages"


def catalog_path(lang: str, locales_dir: Path | None = None) -> Path:
    """Return where the .po catalog of a language lives."""
    return (locales_dir or record.LOCALES_DIR) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(
    lang: str, reference: bool, locales_dir: Path | None = None
) -> tuple[gettext.NullTranslations, list[Problem]]:
    """Compile a language's .po catalog in memory; report labels that will fall back to English."""
    path = catalog_path(lang, locales_dir)
    if not path.exists():
        if reference:
            return gettext.NullTranslations(), []
        return gettext.NullTranslations(), [
            Problem(path, None, None, f"no catalog for language '{lang}': every label falls back to English", "warning")
        ]
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=None, domain=DOMAIN)
    problems = [
        Problem(
            path,
            message.lineno,
            None,
            f'{"fuzzy" if message.fuzzy else "missing"} translation of "{message.id}": English is used',
            "warning",
        )
        for message in catalog
        if message.id and (message.fuzzy or not message.string)
    ]
    buffer = BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, so they fall back to English
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN), problems


@dataclass(frozen=True)
class Language:
    """Formatting of labels, dates, numbers and country names in one sheet language."""

    code: str
    locale: Locale
    translations: gettext.NullTranslations
    country_names: dict[str, str]

    @classmethod
    def for_series(
        cls, settings: SeriesSettings, code: str, locales_dir: Path | None = None
    ) -> tuple[Language, list[Problem]]:
        """Build the language `code` of the series, with the problems of its catalog."""
        translations, problems = load_translations(code, code == settings.reference_language, locales_dir)
        locale = Locale.parse(settings.languages[code])
        return cls(code, locale, translations, dict(settings.country_names.get(code, {}))), problems

    def gettext(self, message: str) -> str:
        """Translate a label."""
        return self.translations.gettext(message)

    def date(self, value: date) -> str:
        """Format a full date: '15 de marzo de 2021'."""
        return format_date(value, "long", locale=self.locale)

    def partial_date(self, value: PartialDate) -> str:
        """Format a date known to the year, month or day: '2018', 'julio de 2018', '15 de marzo de 2021'."""
        if value.precision == "day":
            return self.date(value.as_date)
        if value.precision == "month":
            return format_skeleton("yMMMM", value.as_date, locale=self.locale)
        return str(value.year)

    def period(self, value: Period) -> str:
        """Format a period: 'September 2017 – December 2019', or 'since 2018' while it runs."""
        start = self.partial_date(value.start)
        if value.end is None:
            return self.gettext("since %(start)s") % {"start": start}
        return f"{start} – {self.partial_date(value.end)}"

    def number(self, value: float, unit: str = "count") -> str:
        """Format a number: '1.589' in Spanish, '60 %' for a percentage."""
        if unit == "percent":
            return format_percent(value / 100, locale=self.locale, decimal_quantization=False)
        return format_decimal(value, locale=self.locale)

    def country(self, code: str) -> str:
        """Return a country's name in house style, else the standard (CLDR) name."""
        return self.country_names.get(code) or self.locale.territories.get(code, code)

    def join(self, items: list[str]) -> str:
        """Join items as a sentence list: 'a, b y c'."""
        return format_list(items, locale=self.locale) if items else ""
