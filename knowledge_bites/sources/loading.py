"""Loading the series: series.yaml and every practice source, checked, as Sheet objects ready to render."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel import Locale, UnknownLocaleError
from pydantic import ValidationError

from ..names import OutputNames, SourceName, file_prefix
from ..problems import Problem, SeriesConfigError
from . import images
from .across import check_across
from .errors import did_you_mean, location, model_problems
from .frontmatter import decode, read_source, split_front_matter
from .markdown import Body, convert
from .schema import PracticeMeta, SeriesSettings
from .sheet import Sheet
from .translations import Translations, track, translation_problems
from .typography import typeset_meta
from .versions import version_of
from .yamltext import YamlDocument, YamlError, parse_yaml


@dataclass
class Series:
    """Everything loaded from content/: settings, valid sheets, and the problems found."""

    root: Path
    settings: SeriesSettings
    sheets: list[Sheet] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed_sources: list[Path] = field(default_factory=list)
    # Per language, the last good titles of practices whose source failed (the build record knows them): the
    # other sheets keep listing them while the mistake is fixed.
    kept_titles: dict[str, dict[int, str]] = field(default_factory=dict)
    translations: Translations = field(default_factory=Translations)  # where each translation stands
    settings_digest: str = ""  # SHA-256 of series.yaml as loaded

    def other_practices(self, sheet: Sheet) -> list[tuple[int, str, str]]:
        """Return the (number, title, language of the title) a sheet lists as other practices: the nearest first."""
        others = [(n, t, lang) for n, (t, lang) in self.titled[sheet.lang].items() if n != sheet.meta.number]
        nearest = sorted(others, key=lambda item: (abs(item[0] - sheet.meta.number), item[0]))
        return sorted(nearest[: self.settings.other_practices_limit])

    @cached_property
    def titles(self) -> dict[str, dict[int, str]]:
        """Return, per language, the title of every practice number (reference language as fallback)."""
        return {lang: {n: title for n, (title, _) in titles.items()} for lang, titles in self.titled.items()}

    @cached_property
    def titled(self) -> dict[str, dict[int, tuple[str, str]]]:
        """Return, per language, the title of every practice number with the language it is written in: its own,
        or the reference language's where the practice has no translation.

        A language's own title comes first: as loaded, or else as kept from its last good build."""

        def own(lang: str) -> dict[int, tuple[str, str]]:
            kept = {number: (title, lang) for number, title in self.kept_titles.get(lang, {}).items()}
            return {**kept, **{s.meta.number: (s.meta.title, s.lang) for s in self.sheets if s.lang == lang}}

        fallback = own(self.settings.reference_language)
        return {lang: dict(sorted({**fallback, **own(lang)}.items())) for lang in self.settings.languages}

    @property
    def file_prefix(self) -> str:
        """Return how the series' file names start: its short name in the reference language, `knowledge-bites`."""
        return file_prefix(self.settings.short_name[self.settings.reference_language])

    def names(self, output: Path) -> OutputNames:
        """Return where the files of this series are written in an output folder."""
        return OutputNames(output, self.file_prefix)


def load_settings(path: Path) -> SeriesSettings:
    """Load and check series.yaml; raise SeriesConfigError listing every problem."""
    return _load_settings(path)[0]


def _load_settings(path: Path) -> tuple[SeriesSettings, str]:
    """Load and check series.yaml; return the settings and the SHA-256 of the bytes they were read from."""
    try:
        raw = read_source(path)
        doc = parse_yaml(decode(raw))
    except FileNotFoundError:
        raise SeriesConfigError([Problem(path, None, None, "series settings not found")]) from None
    except YamlError as problem:
        raise SeriesConfigError([Problem(path, problem.line, problem.field, problem.message)]) from None
    if not isinstance(doc.data, dict):
        raise SeriesConfigError([Problem(path, 1, None, "expected settings as 'name: value' lines")])
    try:
        settings = SeriesSettings.model_validate(doc.data)
    except ValidationError as error:
        raise SeriesConfigError(model_problems(error, doc, path, SeriesSettings)) from None
    problems = [
        Problem(path, doc.line_of(loc), location(loc), f"no text for language '{lang}'")
        for loc, lang in settings.missing_translations()
    ]
    for index, lang in enumerate(settings.languages_in_progress):
        if lang not in settings.languages or lang == settings.reference_language:
            what = "the reference language" if lang == settings.reference_language else "not one of `languages`"
            problems.append(
                Problem(
                    path,
                    doc.line_of(("languages_in_progress", index)),
                    location(("languages_in_progress", index)),
                    f"'{lang}' is {what}: list only languages still being translated",
                )
            )
    for lang, locale in settings.languages.items():
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            problems.append(
                Problem(path, doc.line_of(("languages", lang)), f"languages.{lang}", f"unknown locale '{locale}'")
            )
    if problems:
        raise SeriesConfigError(problems)
    return settings, hashlib.sha256(raw).hexdigest()


def load_series(root: Path) -> Series:
    """Load content/series.yaml and every practice under content/practices, checking them all."""
    settings, digest = _load_settings(root / "series.yaml")
    series = Series(root=root, settings=settings, settings_digest=digest)
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
    # Translation state follows every source that loaded, also one that disagrees with its reference: it says
    # what changed in the reference, such as the key figure a translation lacks.
    loaded, unreadable = list(series.sheets), list(series.failed_sources)
    agreement = check_across(series.sheets, settings, unreadable=unreadable)
    series.sheets = agreement.sheets
    series.problems.extend(agreement.problems)
    series.failed_sources.extend(agreement.failed)
    series.translations = track(settings, loaded, unreadable, root)
    series.problems.extend(
        translation_problems(series.translations, loaded, failed=agreement.failed, renumbered=agreement.renumbered)
    )
    series.sheets.sort(key=lambda s: (s.meta.number, settings.order(s.lang)))
    return series


def load_sheet(
    path: Path, settings: SeriesSettings, content_root: Path | None = None
) -> tuple[Sheet | None, list[Problem]]:
    """Load one practice file; return the sheet (None if unusable) and its problems."""
    content_root = content_root or path.parent.parent
    name = SourceName.parse(path.name)
    if name is None:
        return None, [Problem(path, None, None, SourceName.problem(path.name))]
    lang = name.lang
    if lang not in settings.languages:
        known = ", ".join(settings.languages)
        return None, [
            Problem(path, None, None, f"language '{lang}' in the file name is not a series language ({known})")
        ]
    if not path.resolve().is_relative_to(content_root.resolve()):
        return None, [Problem(path, None, None, "a link to a file outside the content folder: not read")]
    try:
        raw = read_source(path)
        front, front_line, body, body_line = split_front_matter(decode(raw))
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
        return None, sorted(model_problems(error, doc, path, PracticeMeta), key=lambda p: p.line or 0)
    problems = []
    if meta.number != name.number:
        problems.append(
            Problem(
                path,
                doc.line_of(("number",)),
                "number",
                f"{meta.number} does not match the number in the file name ({name.number})",
            )
        )
    for index, region in enumerate(meta.regions):
        if region not in settings.regions:
            hint = did_you_mean(region, list(settings.regions))
            problems.append(
                Problem(
                    path,
                    doc.line_of(("regions", index)),
                    location(("regions", index)),
                    f"unknown region '{region}'{hint}",
                )
            )
    if not body.strip():
        problems.append(Problem(path, body_line, None, "the sheet has no text after the front matter", "warning"))
    try:
        converted = convert(path, body, body_line, content_root)
    except RecursionError:
        message = "the text is nested too deeply (lists or quotes inside each other)"
        problems.append(Problem(path, body_line, None, message))
        return None, problems
    photo, shown, image_problems = _checked_images(path, meta, doc, converted, body, body_line, content_root)
    problems += image_problems
    problems += converted.problems
    lines = {name: doc.line_of((name,)) for name in doc.data}
    sheet = Sheet(
        path,
        lang,
        name.slug,
        typeset_meta(meta, lang),  # its quotes and apostrophes as the body's (sources/typography.py)
        body,
        body_line,
        converted.html,
        converted.sections,
        photo,
        shown,
        lines,
        version_of(raw),
        hashlib.sha256(raw).hexdigest(),
    )
    return sheet, problems


def _checked_images(
    path: Path, meta: PracticeMeta, doc: YamlDocument, body: Body, text: str, text_line: int, content_root: Path
) -> tuple[Path | None, tuple[Path, ...], list[Problem]]:
    """Check the photo and every image of the text before layout: inside content/, real, not too large.

    Return the photo's file, every file the sheet shows (its photo first) and the problems found."""
    photo = None
    files: list[Path] = []
    problems = []
    if meta.photo is not None:
        line = doc.line_of(("photo", "file"))
        try:
            photo = images.resolve(meta.photo.file, content_root)
            files.append(photo)
        except images.ImageError as error:
            problems.append(Problem(path, line, "photo.file", str(error)))
        else:
            if message := images.check(photo):
                problems.append(Problem(path, line, "photo.file", f"'{meta.photo.file.strip()}': {message}"))
    lines = text.split("\n")
    for use in body.images:
        line = next((text_line + n for n, written in enumerate(lines) if use.src and use.src in written), None)
        if use.file is None:
            problems.append(Problem(path, line, None, f"image {use.error}"))
            continue
        files.append(use.file)
        if message := images.check(use.file):
            problems.append(Problem(path, line, None, f"image '{use.src.strip()}': {message}"))
        elif message := images.small_type(use.file):
            problems.append(Problem(path, line, None, f"image '{use.src.strip()}' {message}", "warning"))
    return photo, tuple(files), problems
