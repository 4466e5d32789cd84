"""The languages of the series: gettext labels from the .po catalogs, and Babel for dates, numbers, countries."""

from __future__ import annotations

import gettext
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from ..problems import Problem
from ..sources import PartialDate, Period, SeriesSettings

DOMAIN = "messages"


def catalog_path(locales: Path, lang: str) -> Path:
    """Return where the .po catalog of a language lives in the catalogs folder."""
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_labels(locales: Path, lang: str, *, reference: bool) -> tuple[gettext.NullTranslations, list[Problem], str]:
    """Compile a language's .po catalog in memory; report labels that will fall back to English. Return the
    labels, the problems and the SHA-256 of the catalog's bytes as read ("" when there is none)."""
    path = catalog_path(locales, lang)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if reference:
            return gettext.NullTranslations(), [], ""
        return (
            gettext.NullTranslations(),
            [
                Problem(
                    path, None, None, f"no catalog for language '{lang}': every label falls back to English", "warning"
                )
            ],
            "",
        )
    catalog = read_po(BytesIO(raw), locale=None, domain=DOMAIN)
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
    return Translations(fp=buffer, domain=DOMAIN), problems, hashlib.sha256(raw).hexdigest()


def language_name(settings: SeriesSettings, code: str, in_locale: Locale | str = "en") -> str:
    """Return the name of one of the series' languages, in a locale: 'Spanish', 'inglés' (the language alone: the
    name of en_GB is 'English')."""
    locale = Locale.parse(settings.languages[code])
    return Locale(locale.language).get_display_name(in_locale) or code


# Scripts whose letters join: letter-spacing would pull them apart, so their sheets set none (ISO 15924 codes).
JOINING_SCRIPTS = frozenset({"Arab", "Syrc", "Nkoo", "Mong", "Adlm", "Rohg", "Mand", "Phag"})


@dataclass(frozen=True)
class Writing:
    """How a language is written, as the templates lay it out: its script and the direction of its lines."""

    script: str  # ISO 15924 code: "Latn", "Arab"
    direction: str  # "ltr" or "rtl": the `dir` of every page in that language

    @property
    def joining(self) -> bool:
        """Whether the script's letters join, so that its text must not be letter-spaced."""
        return self.script in JOINING_SCRIPTS

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


def writing(locale: Locale | str) -> Writing:
    """Return how a locale's language is written: the one place that decides a page's direction and script.

    The direction is CLDR's character order for the locale (Babel's `Locale.character_order`); the script is the
    locale's own, else the likely one for its language (`ar` → `Arab`, `fa` → `Arab`, `he` → `Hebr`)."""
    parsed = Locale.parse(locale) if isinstance(locale, str) else locale
    direction = "rtl" if parsed.character_order == "right-to-left" else "ltr"
    script = parsed.script
    if not script:
        likely = get_global("likely_subtags").get(parsed.language, "")
        script = next((part for part in likely.split("_") if len(part) == 4 and part.istitle()), "Latn")
    return Writing(script, direction)


@dataclass(frozen=True)
class Language:
    """Formatting of labels, dates, numbers and country names in one sheet language."""

    code: str
    locale: Locale
    labels: gettext.NullTranslations  # the labels of its catalog, compiled (gettext calls them translations)
    country_names: dict[str, str]
    catalog_digest: str = ""  # SHA-256 of its catalog as compiled: an input of its sheets

    @classmethod
    def for_series(cls, settings: SeriesSettings, code: str, locales: Path) -> tuple[Language, list[Problem]]:
        """Build the language `code` of the series, with the problems of its catalog."""
        reference = code == settings.reference_language
        labels, problems, digest = load_labels(locales, code, reference=reference)
        locale = Locale.parse(settings.languages[code])
        return cls(code, locale, labels, dict(settings.country_names.get(code, {})), digest), problems

    @property
    def writing(self) -> Writing:
        """How the language is written: script and direction."""
        return writing(self.locale)

    def gettext(self, message: str) -> str:
        """Translate a label."""
        return self.labels.gettext(message)

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
            # Translators: A period that has not ended, in the facts box on page 1 of a sheet. %(start)s is its first
            # year, month or day, e.g. "2018".
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


@dataclass(frozen=True)
class Languages:
    """Every language of the series, each catalog compiled once for a whole build and handed to every stage."""

    by_code: dict[str, Language]
    problems: tuple[Problem, ...]  # what the catalogs lack: labels that fall back to English
    falling_back: frozenset[str]  # languages some of whose labels fall back to English

    @classmethod
    def compile(cls, settings: SeriesSettings, locales: Path) -> Languages:
        """Compile the catalog of every language of the series, from the catalogs folder `locales`."""
        by_code: dict[str, Language] = {}
        problems: list[Problem] = []
        falling_back = set()
        for code in settings.languages:
            by_code[code], found = Language.for_series(settings, code, locales)
            problems.extend(found)
            if any(p.severity == "warning" for p in found):
                falling_back.add(code)
        return cls(by_code, tuple(problems), frozenset(falling_back))

    @property
    def catalogs(self) -> dict[str, str]:
        """Return the digest of each language's catalog as compiled for this build."""
        return {code: language.catalog_digest for code, language in self.by_code.items()}

    def __getitem__(self, code: str) -> Language:
        return self.by_code[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_code)
