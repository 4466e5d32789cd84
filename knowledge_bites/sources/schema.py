"""The declared schema of the sources: a practice's front matter and the series settings, field by field.

Each field's description is the text of its row in the README's field tables (a test holds the two together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..names import MAX_NUMBER
from .countries import country_code
from .yamltext import unreal_date

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


# --- Partial dates ("2018", "2018-07", "2018-07-15") -------------------------------------------


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def as_date(self) -> date:
        """Return the first day the partial date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        """Return how precisely the date is known."""
        return "day" if self.day else "month" if self.month else "year"

    def __str__(self) -> str:
        return "-".join([f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day) if v])


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return PartialDate(value)
    if isinstance(value, str) and (match := _PARTIAL_DATE.match(value.strip())):
        year, month, day = (int(g) if g else None for g in match.groups())
        if (why := unreal_date(year, month, day)) is not None:
            raise ValueError(f"not a real date: {why}")
        return PartialDate(year, month, day)
    raise ValueError('expected a date as "YYYY", "YYYY-MM" or "YYYY-MM-DD"')


Approximate = Annotated[PartialDate, BeforeValidator(_partial_date)]


def _full_date(value: Any) -> Any:
    # YAML reads 2026-11-23 as a date, but "2026-11-23" in quotes as text: accept both.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        year, month, day = (int(part) for part in value.strip().split("-"))
        if (why := unreal_date(year, month, day)) is not None:
            raise ValueError(f"'{value.strip()}' is not a real date: {why}")
        return date(year, month, day)
    return value


FullDate = Annotated[date, BeforeValidator(_full_date)]


CountryCode = Annotated[str, BeforeValidator(country_code)]


def _text_version(value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{40}", value.strip()):
        return value.strip()
    raise ValueError(
        "expected the version that `python build.py translations --mark` writes (40 hexadecimal digits): "
        "run that command rather than editing the line"
    )


# A version of a source file's text: its git blob id (see sources/translations.py).
TextVersion = Annotated[str, BeforeValidator(_text_version)]


# --- Practice front matter ---------------------------------------------------------------------

# A value the writer has still to fill in, as `python build.py import` writes it for each fact a Word document does
# not give: `countries: "TO FILL IN: ISO codes of the countries, e.g. [SN]"`. The build refuses it, saying what to
# write: `countries: still to fill in: ISO codes of the countries, e.g. [SN]`.
PLACEHOLDER = "TO FILL IN:"


def _filled_in(value: Any) -> Any:
    if isinstance(value, str) and value.strip().upper().startswith(PLACEHOLDER):
        raise ValueError(f"still to fill in: {value.strip()[len(PLACEHOLDER) :].strip()}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Period(_Strict):
    """When the practice ran."""

    start: Approximate = Field(description="First year, month or day of the practice.")
    end: Approximate | None = Field(None, description="Last year, month or day; leave out while it runs.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class KeyFigure(_Strict):
    """One number shown in the key-figures panel."""

    value: StrictInt | Annotated[StrictFloat, AllowInfNan(False)] = Field(
        description="The number itself, without separators or % sign."
    )
    label: Text = Field(description="What the number counts, in the sheet's language.")
    as_of: Approximate | None = Field(None, description="Date the number refers to.")
    unit: Literal["count", "percent"] = Field("count", description="`percent` prints 60 as 60 %.")


_FOCUS_WORDS = {word: word for word in ("top", "bottom", "left", "right", "center")} | {"centre": "center"}
_FOCUS_POINT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%\s+(\d{1,3}(?:\.\d+)?)%$")


def _focus(value: Any) -> str:
    """Return a photo's focus as a CSS object-position: a word, or a point as "X% Y%" from the top left corner."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _FOCUS_WORDS:
            return _FOCUS_WORDS[text]
        if (match := _FOCUS_POINT.match(text)) and all(float(number) <= 100 for number in match.groups()):
            return f"{match[1]}% {match[2]}%"
    raise ValueError(
        f'expected top, center, bottom, left, right or a point as "X% Y%" from the top left corner of the photo '
        f'(such as "50% 30%"), got "{value}"'
    )


class Photo(_Strict):
    """An optional photo on page 1."""

    file: Text = Field(description="Image file, relative to the content folder.")
    alt: Text = Field(description="Alternative text read out by screen readers.")
    credit: Text | None = Field(None, description="Photo credit printed under the photo.")
    focus: Annotated[str, BeforeValidator(_focus)] | None = Field(
        None,
        description="Crop the photo to a band across the page, keeping this part of it: `top`, `center`, "
        '`bottom`, `left`, `right`, or a point `"X% Y%"` from its top left corner (`"50% 30%"`). Without it, '
        "the photo is shown whole.",
    )


class PracticeMeta(_Strict):
    """The front matter of one practice sheet."""

    number: StrictInt = Field(
        ge=1,
        le=MAX_NUMBER,
        description="The practice number in the series; the same in every language. "
        "It must match the number in the file name.",
    )
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=260)] = Field(
        description="The title in the sheet's language, up to 260 characters. Longer titles are set in smaller "
        "type (see the title size rule in `styles/sheet.css`)."
    )
    classification: Literal["good", "promising", "innovative"] = Field(
        description="`good`, `promising` or `innovative`; shown as the badge on page 1."
    )
    classification_reason: Text = Field(description="Why the practice has that classification, in a sentence or two.")
    countries: Annotated[list[CountryCode], Field(min_length=1)] = Field(
        description="ISO 3166 alpha-2 codes (`IQ`, `CM`). Each sheet prints the names in its own language, "
        "in house style where `series.yaml` gives one."
    )
    regions: list[str] = Field([], description="Keys of `regions` in `series.yaml` (`west-central-africa`).")
    project: Text | None = Field(None, description="Name of the project or programme.")
    funder: Text | None = Field(None, description="Who funds the practice.")
    partners: list[Text] = Field([], description="A list of partner organisations.")
    period: Period | None = Field(
        None,
        description='`start`, plus `end` once the practice has ended. Each is `"YYYY"`, `"YYYY-MM"` or '
        '`"YYYY-MM-DD"` (in quotes). A period without an end prints as "since …".',
    )
    published: FullDate = Field(
        description="Publication date of this edition, `YYYY-MM-DD`. It is printed as a long date in the "
        "sheet's language and recorded as the PDF date."
    )
    revised: FullDate | None = Field(
        None,
        description="When the text was last revised after it was published, `YYYY-MM-DD`. The sheet then says "
        '"Revised …" in its fine print and records the date in the PDF as its date of change. `python build.py '
        "release` tells which released sheets need it.",
    )
    key_figures: Annotated[list[KeyFigure], Field(max_length=4)] = Field(
        [],
        description="Up to four items, each with a `value` (a plain number: `1589`, not `1,589`), a `label` "
        'saying what it counts, an optional `as_of` date (`"2020-12"`), and an optional `unit: percent`.',
    )
    summary: Text = Field(description="One paragraph, shown under the title and stored as the PDF's subject.")
    photo: Photo | None = Field(
        None,
        description="`file` (relative to `content/`), `alt` (alternative text, required), an optional `credit`, "
        "and an optional `focus` to crop it to a band across the page (see [Photos](#photos)).",
    )
    translated_from: TextVersion | None = Field(
        None,
        description="In a translation: the version of the reference-language file it translates, so that the "
        "build can say when that file changes. Written by `python build.py translations --start` and `--mark` "
        "(see [Adding a language](#adding-a-language)); never edited by hand.",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _not_a_placeholder(cls, value: Any) -> Any:
        return _filled_in(value)

    @field_validator("revised")
    @classmethod
    def _after_publication(cls, value: date | None, info: ValidationInfo) -> date | None:
        published = info.data.get("published")
        if value is not None and published is not None and value < published:
            raise ValueError(f"is before published ({published.isoformat()}): write the date of the revision")
        return value


# --- Series settings ---------------------------------------------------------------------------

Localized = dict[str, Text]


class CallToAction(_Strict):
    """The "share your practice" invitation."""

    text: Localized = Field(description="The invitation, in each language.")
    link_text: Localized = Field(description="The words of its link, in each language.")
    url: Annotated[str, StringConstraints(pattern=r"^(https://|mailto:)\S+$")] = Field(
        description="Where the link leads: an `https:` or `mailto:` address."
    )


class SeriesSettings(_Strict):
    """The settings in content/series.yaml."""

    languages: Annotated[dict[str, str], Field(min_length=1)] = Field(
        description="Each language code used in file names, with the locale Babel formats it in "
        "(`en: en_GB`, `es: es`). The first language is the reference: the other languages are checked "
        "against it."
    )
    languages_in_progress: list[str] = Field(
        [],
        description="Languages still being translated, e.g. `[fr]`: the build says in one line how far each one "
        "has come, instead of a warning per practice it lacks, and `--strict` does not fail them for it. Each is "
        "one of `languages`, not the first.",
    )
    practices_in_progress: list[StrictInt] = Field(
        [],
        description="Practices still being written or translated, by number, e.g. `[11]`: a language that has no "
        "file yet for one of them gets a note instead of a warning, so that `--strict` passes while you write. Take "
        "the number out once the practice is in every language.",
    )
    launched: StrictInt = Field(description="The year the series started.")
    series_name: Localized = Field(description="The full name of the series, printed in the masthead.")
    short_name: Localized = Field(description="The short name, printed in the footer and used in file names.")
    publisher: Localized = Field(description="The publisher, printed on the sheet and stored as the PDF's author.")
    contact_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = Field(
        description="The contact address, printed as a link."
    )
    call_to_action: CallToAction = Field(
        description='The "share your practice" invitation: `text`, `link_text` and `url` (`https:` or `mailto:`).'
    )
    funding_statement: Localized = Field(
        {}, description="Optional text printed on every sheet, for example the donor of the whole series."
    )
    disclaimer: Localized = Field(description="The disclaimer in the fine print.")
    regions: dict[str, Localized] = Field(
        {}, description="The regions that practices may name, with their name in each language."
    )
    country_names: dict[str, dict[str, Text]] = Field(
        {},
        description="House-style country names per language, where they differ from the standard (CLDR) name, "
        'e.g. `es: {IQ: "el Iraq", CM: "el Camerún"}`.',
    )
    other_practices_limit: Annotated[StrictInt, Field(ge=0)] = Field(
        12,
        description="How many other practices each sheet lists (the nearest numbers first), so that a long "
        "series still fits on two pages. Default: 12.",
    )
    releases_url: Annotated[str, StringConstraints(pattern=r"^https://\S+/$")] | None = Field(
        None,
        description="The web address where the `releases/` folder is published, ending in `/` "
        "(`https://example.org/knowledge-bites/releases/`): `python build.py release` then writes "
        "`releases/feed.xml`, the RSS feed of new and revised sheets that a newsletter tool can send.",
    )
    pdf_profile: Literal["accessible", "archival"] = Field(
        "accessible",
        description="Which standards the PDFs meet: `accessible` (PDF/UA-1, tagged for screen readers) or "
        "`archival` (PDF/A-3a and PDF/UA-1, for long-term archives). Default: `accessible`. "
        "See [Standards](#standards).",
    )

    @property
    def reference_language(self) -> str:
        """Return the language whose files are the reference for the others."""
        return next(iter(self.languages))

    def order(self, lang: str | None) -> int:
        """Return where a language comes in the series' order (the reference first); an unknown one comes last."""
        codes = list(self.languages)
        return codes.index(lang) if lang in codes else len(codes)

    def in_progress(self, lang: str) -> bool:
        """Return whether a language is still being translated (listed in `languages_in_progress`)."""
        return lang in self.languages_in_progress

    def practice_in_progress(self, number: int) -> bool:
        """Return whether a practice is still being written or translated (listed in `practices_in_progress`)."""
        return number in self.practices_in_progress

    def missing_translations(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Return (field path, language) for each text that lacks a language of the series."""
        texts: dict[tuple[str | int, ...], dict[str, str]] = {
            ("series_name",): self.series_name,
            ("short_name",): self.short_name,
            ("publisher",): self.publisher,
            ("call_to_action", "text"): self.call_to_action.text,
            ("call_to_action", "link_text"): self.call_to_action.link_text,
            ("disclaimer",): self.disclaimer,
        }
        if self.funding_statement:
            texts[("funding_statement",)] = self.funding_statement
        texts.update({("regions", key): names for key, names in self.regions.items()})
        return [(loc, lang) for loc, values in texts.items() for lang in self.languages if lang not in values]
