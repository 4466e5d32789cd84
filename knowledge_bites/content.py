"""Series settings and practice sources: the declared schema, loading, validation, Sheet objects."""

from __future__ import annotations

import difflib
import math
import re
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from babel import Locale, UnknownLocaleError
from pydantic import (
    AllowInfNan,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from . import images
from .images import markdown_images
from .jobs import Locator
from .problems import Problem, SeriesConfigError
from .yamltext import YamlDocument, YamlError, parse_yaml

PRACTICE_FILE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[A-Za-z_-]+)\.md$")
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
        try:
            date(year, month or 1, day or 1)
        except ValueError as error:
            raise ValueError(f"not a real date ({error})") from None
        return PartialDate(year, month, day)
    raise ValueError('expected a date as "YYYY", "YYYY-MM" or "YYYY-MM-DD"')


Approximate = Annotated[PartialDate, BeforeValidator(_partial_date)]


def _full_date(value: Any) -> Any:
    # YAML reads 2026-11-23 as a date, but "2026-11-23" in quotes as text: accept both.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as error:
            raise ValueError(f"'{value.strip()}' is not a real date ({error})") from None
    return value


FullDate = Annotated[date, BeforeValidator(_full_date)]


def _country_code(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a two-letter ISO 3166 country code, such as IQ")
    code = value.strip()
    if code.upper() != code and code.upper() in _territories():
        raise ValueError(f"country codes are written in capitals: {code.upper()}")
    if code not in _territories():
        raise ValueError(f"'{code}' is not an ISO 3166 alpha-2 country code")
    return code


def _territories() -> set[str]:
    return {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}


CountryCode = Annotated[str, BeforeValidator(_country_code)]


# --- Practice front matter ---------------------------------------------------------------------


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


class Photo(_Strict):
    """An optional photo on page 1."""

    file: Text = Field(description="Image file, relative to the content folder.")
    alt: Text = Field(description="Alternative text read out by screen readers.")
    credit: Text | None = Field(None, description="Photo credit printed under the photo.")


class PracticeMeta(_Strict):
    """The front matter of one practice sheet."""

    number: StrictInt = Field(ge=1, description="Practice number in the series; the same in every language.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=260)] = Field(
        description="Title of the practice in the sheet's language (up to 260 characters)."
    )
    classification: Literal["good", "promising", "innovative"] = Field(description="good, promising or innovative.")
    classification_reason: Text = Field(description="Why the practice has that classification.")
    countries: Annotated[list[CountryCode], Field(min_length=1)] = Field(
        description="ISO 3166 alpha-2 codes; names are printed in the sheet's language."
    )
    regions: list[str] = Field([], description="Keys of `regions` in series.yaml.")
    project: Text | None = Field(None, description="Name of the project or programme.")
    funder: Text | None = Field(None, description="Who funds the practice.")
    partners: list[Text] = Field([], description="Partner organisations.")
    period: Period | None = Field(None, description="`start` and optional `end` of the practice.")
    published: FullDate = Field(description="Publication date of this edition (YYYY-MM-DD).")
    key_figures: Annotated[list[KeyFigure], Field(max_length=4)] = Field(
        [], description="Up to four figures: `value`, `label`, optional `as_of` and `unit`."
    )
    summary: Text = Field(description="One paragraph shown under the title.")
    photo: Photo | None = Field(None, description="Optional photo: `file`, `alt`, `credit`.")


# --- Series settings ---------------------------------------------------------------------------

Localized = dict[str, Text]


class CallToAction(_Strict):
    """The "share your practice" invitation."""

    text: Localized
    link_text: Localized
    url: Annotated[str, StringConstraints(pattern=r"^(https://|mailto:)\S+$")]


class SeriesSettings(_Strict):
    """The settings in content/series.yaml."""

    languages: Annotated[dict[str, str], Field(min_length=1)]
    launched: StrictInt
    series_name: Localized
    short_name: Localized
    publisher: Localized
    contact_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    call_to_action: CallToAction
    funding_statement: Localized = {}
    disclaimer: Localized
    regions: dict[str, Localized] = {}
    country_names: dict[str, dict[str, Text]] = {}
    other_practices_limit: Annotated[StrictInt, Field(ge=0)] = 12
    # Which standards the PDFs meet: `accessible` (PDF/UA-1) or `archival` (PDF/A-3a and PDF/UA-1); see profiles.py.
    pdf_profile: Literal["accessible", "archival"] = "accessible"

    @property
    def reference_language(self) -> str:
        """Return the language whose files are the reference for the others."""
        return next(iter(self.languages))

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


# --- Sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One practice in one language, validated and ready to render."""

    source: Path
    lang: str
    slug: str
    meta: PracticeMeta
    body: str
    body_line: int  # file line where the Markdown body starts
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)  # file line of each front-matter key

    def line_of(self, name: str) -> int | None:
        """Return the file line of a front-matter field."""
        return self.field_lines.get(name)

    @property
    def key(self) -> str:
        """Return the identifier of the sheet, e.g. `10-afghanistan-smes.es`."""
        return f"{self.meta.number:02d}-{self.slug}.{self.lang}"

    def asset_paths(self, content_root: Path) -> list[Path]:
        """Return the files of the content folder this sheet shows: its photo and images in its text."""
        names = [self.meta.photo.file] if self.meta.photo else []
        names += re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", self.body)
        return [content_root / name for name in names if "://" not in name]

    def locator(self) -> Locator:
        """Return what finds a piece of printed text in this sheet's source, as plain data for a worker process."""
        fields = tuple((name, self.line_of(name), " ".join(str(_plain(value)).split())) for name, value in self.meta)
        return Locator(fields, self.body, self.body_line)

    def line_of_heading(self, heading: str) -> int | None:
        """Return the file line of the `##` heading with this text, if there is one."""
        for offset, text in enumerate(self.body.split("\n")):
            if text.startswith("##") and text.lstrip("#").strip() == heading:
                return self.body_line + offset
        return None


@dataclass
class Series:
    """Everything loaded from content/: settings, valid sheets, and the problems found."""

    root: Path
    settings: SeriesSettings
    sheets: list[Sheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed_sources: list[Path] = field(default_factory=list)

    def other_practices(self, sheet: Sheet) -> list[tuple[int, str]]:
        """Return the (number, title) pairs a sheet lists as other practices: the nearest numbers first."""
        others = [(n, t) for n, t in self.titles[sheet.lang].items() if n != sheet.meta.number]
        nearest = sorted(others, key=lambda item: (abs(item[0] - sheet.meta.number), item[0]))
        return sorted(nearest[: self.settings.other_practices_limit])

    @cached_property
    def titles(self) -> dict[str, dict[int, str]]:
        """Return, per language, the title of every practice number (reference language as fallback)."""
        by_lang: dict[str, dict[int, str]] = {}
        reference = {s.meta.number: s.meta.title for s in self.sheets if s.lang == self.settings.reference_language}
        for lang in self.settings.languages:
            own = {s.meta.number: s.meta.title for s in self.sheets if s.lang == lang}
            by_lang[lang] = dict(sorted({**reference, **own}.items()))
        return by_lang


# --- Loading -----------------------------------------------------------------------------------


MAX_SOURCE_BYTES = 1_000_000  # a two-page sheet is a few KB of text; anything this big is the wrong file
# Line breaks other programs write (Windows, old Mac, Word's manual line break, Unicode separators):
# all become "\n", so that every line number (ours, YAML's, Markdown's) counts the same lines.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def read_text(path: Path) -> str:
    """Read a UTF-8 source, accepting a byte-order mark and Windows line endings."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Never open a folder, a device such as /dev/urandom or a pipe: reading them may never end.
            raise YamlError(None, "not a regular file (a folder, device or pipe): not read")
        if info.st_size > MAX_SOURCE_BYTES:
            raise YamlError(
                None, f"the file is {info.st_size // 1000:,} KB, far more than a sheet holds: is it the right file?"
            )
        raw = path.read_bytes()
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise YamlError(None, f"cannot be read ({error.strerror or error})") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError(1, "saved as UTF-16 text: save the file as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(
            line, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}): save the file as UTF-8"
        ) from None
    return _LINE_BREAKS.sub("\n", text)


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """Split a source into (front matter, its first line, body, its first line)."""
    if not text.strip():
        raise YamlError(1, "the file is empty: it needs front matter between '---' lines, then the text")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise YamlError(1, "front matter missing: the file must start with a '---' line")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2
    raise YamlError(1, "front matter not closed: add a '---' line after the last field")


def _plain(value: Any) -> Any:
    """Return a front-matter value as plain data (models as dicts), to search its text."""
    return value.model_dump() if isinstance(value, BaseModel) else value


def _describe(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


def _location(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=2)
    if close:
        return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
    return f" (known: {', '.join(known)})"


def _message(error: dict[str, Any], known_fields: list[str]) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        return f"unknown field{_did_you_mean(name, known_fields)}"
    if kind == "literal_error":
        return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {_describe(error['input'])}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "string_too_short" or (kind == "string_type" and error["input"] is None):
        return "must not be empty"
    if kind == "string_too_long":
        return f"is {len(error['input'])} characters long; at most {error['ctx']['max_length']} are allowed"
    if kind == "string_type":
        hint = " (put it in quotes)" if isinstance(error["input"], int | float | date) else ""
        return f"expected text, got {_describe(error['input'])}{hint}"
    if kind == "list_type":
        return f"expected a list, such as [a, b] or one '- item' line each, got {_describe(error['input'])}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected 'name: value' fields indented below it, got {_describe(error['input'])}"
    if kind == "too_short":
        return f"needs at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return f"has {error['ctx']['actual_length']} items, at most {error['ctx']['max_length']} are allowed"
    if kind in ("int_type", "float_type", "int_parsing", "finite_number"):
        if isinstance(error["input"], float) and not math.isfinite(error["input"]):
            return f"expected an ordinary number, got {_describe(error['input'])}"
        return f"expected a number, got {_describe(error['input'])}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date as YYYY-MM-DD, got {_describe(error['input'])}"
    message = error["msg"][0].lower() + error["msg"][1:]
    return f"{message}, got {_describe(error['input'])}"


def _model_problems(
    error: ValidationError, doc: YamlDocument, path: Path, model: type[BaseModel], prefix: tuple = ()
) -> list[Problem]:
    problems = []
    seen: set[tuple] = set()
    items = error.errors()
    # `tittle:` is one mistake, not two: a misspelt field explains the "missing" field it was meant to be.
    misspelt = {
        (*loc[:-1], close)
        for item in items
        if item["type"] == "extra_forbidden" and (loc := _plain_loc(item["loc"]))
        for close in difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1)
    }
    for item in items:
        loc = _plain_loc(item["loc"])
        # A union (int | float) reports one error per member: keep the first.
        if loc in seen or (item["type"] == "missing" and loc in misspelt):
            continue
        seen.add(loc)
        known = _fields_at(model, loc[:-1]) if item["type"] == "extra_forbidden" else []
        problems.append(Problem(path, doc.line_of(prefix + loc), _location(loc), _message(item, known)))
    return problems


def _plain_loc(loc: tuple) -> tuple:
    """Return a pydantic error location without the names of union members."""
    return tuple(part for part in loc if not (isinstance(part, str) and part in _UNION_TAGS))


_UNION_TAGS = {"int", "float", "function-after[_ordered(), Period]", "str", "list[...]"}


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[part].annotation
        current = next(
            (a for a in _flatten(annotation) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
        if current is None:
            return []
    return list(current.model_fields)


def _flatten(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    return [flat for arg in args for flat in _flatten(arg)]


def load_settings(path: Path) -> SeriesSettings:
    """Load and check series.yaml; raise SeriesConfigError listing every problem."""
    try:
        doc = parse_yaml(read_text(path))
    except FileNotFoundError:
        raise SeriesConfigError([Problem(path, None, None, "series settings not found")]) from None
    except YamlError as problem:
        raise SeriesConfigError([Problem(path, problem.line, problem.field, problem.message)]) from None
    if not isinstance(doc.data, dict):
        raise SeriesConfigError([Problem(path, 1, None, "expected settings as 'name: value' lines")])
    try:
        settings = SeriesSettings.model_validate(doc.data)
    except ValidationError as error:
        raise SeriesConfigError(_model_problems(error, doc, path, SeriesSettings)) from None
    problems = [
        Problem(path, doc.line_of(loc), _location(loc), f"no text for language '{lang}'")
        for loc, lang in settings.missing_translations()
    ]
    for lang, locale in settings.languages.items():
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            problems.append(
                Problem(path, doc.line_of(("languages", lang)), f"languages.{lang}", f"unknown locale '{locale}'")
            )
    if problems:
        raise SeriesConfigError(problems)
    return settings


def load_series(root: Path) -> Series:
    """Load content/series.yaml and every practice under content/practices, checking them all."""
    settings = load_settings(root / "series.yaml")
    series = Series(root=root, settings=settings)
    practices = root / "practices"
    # Hidden files (".03-x.en.md.swp", macOS "._03-x.en.md") are an editor's or a system's, not practices.
    candidates = (
        sorted(p for p in practices.iterdir() if p.suffix == ".md" and not p.name.startswith("."))
        if practices.is_dir()
        else []
    )
    for path in candidates:
        sheet, problems = load_sheet(path, settings, root)
        series.problems.extend(problems)
        if sheet is not None and not any(p.severity == "error" for p in problems):
            series.sheets.append(sheet)
        else:
            series.failed_sources.append(path)
    _check_across(series)
    series.sheets.sort(key=lambda s: (s.meta.number, list(settings.languages).index(s.lang)))
    return series


def load_sheet(
    path: Path, settings: SeriesSettings, content_root: Path | None = None
) -> tuple[Sheet | None, list[Problem]]:
    """Load one practice file; return the sheet (None if unusable) and its problems."""
    content_root = content_root or path.parent.parent
    match = PRACTICE_FILE.match(path.name)
    if not match:
        return None, [
            Problem(path, None, None, "file name must look like NN-slug.LANG.md, e.g. 01-cash-for-work-guinea.en.md")
        ]
    lang = match["lang"]
    if lang not in settings.languages:
        known = ", ".join(settings.languages)
        return None, [
            Problem(path, None, None, f"language '{lang}' in the file name is not a series language ({known})")
        ]
    if not path.resolve().is_relative_to(content_root.resolve()):
        return None, [Problem(path, None, None, "a link to a file outside the content folder: not read")]
    try:
        front, front_line, body, body_line = split_front_matter(read_text(path))
        doc = parse_yaml(front, front_line)
    except YamlError as problem:
        return None, [Problem(path, problem.line, problem.field, problem.message)]
    except FileNotFoundError:
        return None, [Problem(path, None, None, "the file disappeared while the build was reading it")]
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        return None, [Problem(path, front_line, None, f"front matter is {kind}: expected 'field: value' lines")]
    try:
        meta = PracticeMeta.model_validate(doc.data)
    except ValidationError as error:
        return None, sorted(_model_problems(error, doc, path, PracticeMeta), key=lambda p: p.line or 0)
    problems = []
    if meta.number != int(match["number"]):
        problems.append(
            Problem(
                path,
                doc.line_of(("number",)),
                "number",
                f"{meta.number} does not match the number in the file name ({int(match['number'])})",
            )
        )
    for index, region in enumerate(meta.regions):
        if region not in settings.regions:
            hint = _did_you_mean(region, list(settings.regions))
            problems.append(
                Problem(path, doc.line_of(("regions", index)), f"regions[{index}]", f"unknown region '{region}'{hint}")
            )
    if not body.strip():
        problems.append(Problem(path, body_line, None, "the sheet has no text after the front matter", "warning"))
    problems.extend(_image_problems(path, meta, doc, body, body_line, content_root))
    lines = {name: doc.line_of((name,)) for name in doc.data}
    return Sheet(path, lang, match["slug"], meta, body, body_line, lines), problems


def _image_problems(
    path: Path, meta: PracticeMeta, doc: YamlDocument, body: str, body_line: int, content_root: Path
) -> list[Problem]:
    """Check the photo and every Markdown image before layout: inside content/, real, not too large."""
    references: list[tuple[str, int | None, str | None, bool]] = []
    if meta.photo is not None:
        references.append((meta.photo.file, doc.line_of(("photo", "file")), "photo.file", False))
    try:
        sources = markdown_images(body)
    except RecursionError:
        return [Problem(path, body_line, None, "the text is nested too deeply (lists or quotes inside each other)")]
    lines = body.split("\n")
    for source in sources:
        line = next((body_line + offset for offset, text in enumerate(lines) if source and source in text), None)
        references.append((source, line, None, True))
    problems = []
    for reference, line, name, is_url in references:
        label = "" if name else "image "
        try:
            target = images.resolve(reference, content_root, url=is_url)
        except images.ImageError as error:
            problems.append(Problem(path, line, name, f"{label}{error}"))
            continue
        if message := images.check(target):
            problems.append(Problem(path, line, name, f"{label}'{reference.strip()}': {message}"))
    return problems


_TWIN_FIELDS = ("countries", "regions", "published", "period")


def _check_across(series: Series) -> None:
    """Check facts that involve several files: numbering and agreement between languages."""
    settings = series.settings
    bad: set[Path] = set()
    renumbered: set[tuple[str, str]] = set()  # (slug, language) of translations that exist, but disagree
    for sheet, reference in _number_disagreements(series.sheets, settings.reference_language):
        series.problems.append(_disagreement(sheet, reference, "number"))
        bad.add(sheet.source)
        renumbered.add((sheet.slug, sheet.lang))
    by_number: dict[int, dict[str, list[Sheet]]] = {}
    for sheet in series.sheets:
        if sheet.source not in bad:
            by_number.setdefault(sheet.meta.number, {}).setdefault(sheet.slug, []).append(sheet)
    for number, by_slug in sorted(by_number.items()):
        if len(by_slug) > 1:
            names = sorted(s.source.name for group in by_slug.values() for s in group)
            for group in by_slug.values():
                for sheet in group:
                    others = ", ".join(n for n in names if n != sheet.source.name)
                    series.problems.append(
                        Problem(sheet.source, sheet.line_of("number"), "number", f"{number} is also used by {others}")
                    )
                    bad.add(sheet.source)
            continue
        (sheets,) = by_slug.values()
        langs = {s.lang: s for s in sheets}
        reference = langs.get(settings.reference_language) or sheets[0]
        for lang in settings.languages:
            if lang not in langs and (reference.slug, lang) not in renumbered:
                twin = reference.source.with_name(f"{reference.meta.number:02d}-{reference.slug}.{lang}.md")
                series.problems.append(
                    Problem(
                        reference.source,
                        None,
                        None,
                        f"no '{lang}' version ({twin.name}); the other languages are still built",
                        "warning",
                    )
                )
        for sheet in sheets:
            if sheet is reference:
                continue
            for name in _TWIN_FIELDS:
                if getattr(sheet.meta, name) != getattr(reference.meta, name):
                    series.problems.append(_disagreement(sheet, reference, name))
                    bad.add(sheet.source)
            ours = [(f.value, f.as_of, f.unit) for f in sheet.meta.key_figures]
            theirs = [(f.value, f.as_of, f.unit) for f in reference.meta.key_figures]
            if ours != theirs:
                series.problems.append(_disagreement(sheet, reference, "key_figures"))
                bad.add(sheet.source)
    series.sheets = [s for s in series.sheets if s.source not in bad]
    series.failed_sources.extend(sorted(bad))


def _number_disagreements(sheets: list[Sheet], reference_language: str) -> list[tuple[Sheet, Sheet]]:
    """Return (sheet, reference) for each translation whose number differs from its reference file's."""
    found = []
    for sheet in sheets:
        if sheet.lang == reference_language:
            continue
        references = [s for s in sheets if s.slug == sheet.slug and s.lang == reference_language]
        if references and sheet.meta.number not in {r.meta.number for r in references}:
            found.append((sheet, references[0]))
    return found


def _disagreement(sheet: Sheet, reference: Sheet, name: str) -> Problem:
    mine = getattr(sheet.meta, name)
    theirs = getattr(reference.meta, name)
    if name == "key_figures":
        mine = [f.value for f in mine]
        theirs = [f.value for f in theirs]
    return Problem(
        sheet.source,
        sheet.line_of(name),
        name,
        f"{_show(mine)} disagrees with {reference.source.name} ({_show(theirs)}); the languages must agree",
    )


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "none"
    if isinstance(value, Period):
        return f"{value.start}–{value.end or ''}"
    return str(value)
