"""The catalogue page and the release announcement: Jinja2 templates, gettext labels, Babel formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tinycss2
from jinja2 import Environment, select_autoescape
from PIL import Image

from ..files import relative_link
from ..render.facts import series_facts, sheet_facts
from ..render.languages import Language, Languages, language_name
from ..render.templating import environment
from ..sources import Series, Sheet
from ..sources.translations import TranslationState
from .bundles import Bundle
from .manifest import SheetEntry
from .thumbnails import EMAIL_WIDTH, Picture
from .webfonts import WebFont, font_faces

CATALOGUE_TEMPLATE = "catalogue.html"
EDITION_TEMPLATE = "catalogue-edition.html"
ANNOUNCEMENT_TEMPLATES = ("announcement.html", "announcement.txt")
PRACTICE_LINE_TEMPLATE = "announcement-practice.txt"


def brand_tokens(css: str) -> dict[str, str]:
    """Return the brand tokens of brand.css (`--on-brand: #fff;` gives `on_brand`), for e-mail's inline styles."""
    tokens = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type == "declaration" and declaration.name.startswith("--"):
                value = tinycss2.serialize(declaration.value).strip()
                tokens[declaration.name[2:].replace("-", "_")] = value
    return tokens


def kilobytes(language: Language, size: int) -> str:
    """Format a file size in whole kilobytes, at least 1, in the language's digits."""
    return language.number(max(1, round(size / 1024)))


@dataclass(frozen=True)
class Assets:
    """What the pages take from styles/: stylesheets to inline, the logo, the brand tokens."""

    catalogue_css: str
    logo_svg: str
    brand: dict[str, str]

    @classmethod
    def read(cls, styles: Path) -> Assets:
        """Read the assets from the styles folder."""
        brand_css = (styles / "brand.css").read_text(encoding="utf-8")
        catalogue_css = brand_css + "\n" + (styles / "catalogue.css").read_text(encoding="utf-8")
        logo = (styles / "logo.svg").read_text(encoding="utf-8")
        logo = re.sub(r"<!--.*?-->", "", logo, flags=re.S).strip()
        return cls(catalogue_css, logo, brand_tokens(brand_css))


class Pages:
    """One Jinja2 environment per language: HTML templates are autoescaped, text templates are not."""

    def __init__(self, templates: Path, styles: Path, series: Series, languages: Languages) -> None:
        self.series = series
        self.assets = Assets.read(styles)
        self.languages = languages
        self.envs: dict[str, Environment] = {}
        for code in languages:
            self.envs[code] = environment(
                templates,
                languages[code].labels,
                "pages",
                autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                keep_trailing_newline=True,
            )

    @property
    def reference(self) -> str:
        return self.series.settings.reference_language

    def language_name(self, code: str, in_language: str) -> str:
        """Return the name of a language as written in another one: 'inglés', 'Spanish'."""
        return language_name(self.series.settings, code, self.languages[in_language].locale)

    def render(self, lang: str, template: str, context: dict[str, Any]) -> str:
        """Render a template in one language."""
        return self.envs[lang].get_template(template).render(context)

    def common(self, lang: str) -> dict[str, Any]:
        """Return the series facts every page shows, in one language."""
        practices = len({sheet.meta.number for sheet in self.series.sheets})
        return series_facts(self.series.settings, lang) | {"practices_count": practices}

    def sheet_facts(self, sheet: Sheet, lang: str) -> dict[str, Any]:
        """Return the facts of one sheet, formatted in the language of the page that shows them."""
        return sheet_facts(sheet, self.languages[lang], self.series.settings)

    # --- The catalogue: output/index.html ---------------------------------------------------------

    def catalogue(
        self, entries: list[SheetEntry], bundles: list[tuple[Bundle, int]], output: Path, fonts: list[WebFont]
    ) -> str:
        """Return the catalogue page: one edition per language, the reference language shown first, set in the
        brand's fonts written beside it."""
        # The reference edition comes last in the page: the stylesheet shows the last edition unless another one
        # is the target of the address (index.html#es), which needs no script and no :has().
        order = [code for code in self.languages if code != self.reference] + [self.reference]
        editions = [
            self.render(code, EDITION_TEMPLATE, self._edition(code, entries, bundles, output)) for code in order
        ]
        css = font_faces(fonts, output) + "\n" + self.assets.catalogue_css
        context = self.common(self.reference) | {"css": css, "editions": editions}
        return self.render(self.reference, CATALOGUE_TEMPLATE, context)

    def _edition(
        self, lang: str, entries: list[SheetEntry], bundles: list[tuple[Bundle, int]], output: Path
    ) -> dict[str, Any]:
        language = self.languages[lang]
        translations = self.series.translations
        by_number: dict[int, list[SheetEntry]] = {}
        for entry in entries:
            if entry.pdf and entry.title and entry.language in self.languages and entry.number is not None:
                by_number.setdefault(entry.number, []).append(entry)
        cards = []
        for number, group in sorted(by_number.items()):
            group.sort(key=lambda e: self.series.settings.order(e.language))
            # A sheet whose source could not be read keeps its card with its last good PDF and title; the facts
            # the languages share come from a language that could be read.
            loaded = next((e.sheet for e in group if e.sheet is not None), None)
            if loaded is None:
                continue
            shown = next((e for e in group if e.language == lang), None) or group[0]
            assert shown.pdf is not None
            cards.append(
                self.sheet_facts(shown.sheet or loaded, lang)
                | {"title": shown.title, "title_lang": shown.language}
                | {
                    "pdf": relative_link(shown.pdf, output),
                    "thumbnail": _picture(shown.thumbnails, output),
                    "downloads": [
                        {
                            "href": relative_link(e.pdf, output),
                            "code": e.language,
                            "language": _capitalised(self.language_name(e.language, lang)),  # type: ignore[arg-type]
                            "size": kilobytes(language, e.size or 0),
                            "out_of_date": _status(translations.state(e.number, e.language)) == "out of date",
                        }
                        for e in group
                    ],
                    "missing": [
                        _capitalised(self.language_name(code, lang))
                        for code in self.languages
                        if _status(translations.state(number, code)) == "missing"
                    ],
                }
            )
        return self.common(lang) | {
            "cards": cards,
            "languages": [
                {"code": code, "name": _capitalised(self.language_name(code, code)), "current": code == lang}
                for code in self.languages
            ],
            "bundles": [
                {
                    "href": relative_link(bundle.path, output),
                    "language": self.language_name(bundle.language, lang) if bundle.language else None,
                    "size": kilobytes(language, size),
                }
                for bundle, size in bundles
            ],
            "logo_svg": self.assets.logo_svg,
        }

    # --- The release announcement: output/announcements/ ------------------------------------------

    def announcement(self, sheet: Sheet, pdf: Path | None, thumbnail: Path | None, folder: Path) -> dict[str, str]:
        """Return the announcement of a sheet as {"html": …, "txt": …}; file links are relative to `folder`."""
        lang = sheet.lang
        language = self.languages[lang]
        reference_titles = self.series.titles[self.reference]
        line = self.envs[self.reference].get_template(PRACTICE_LINE_TEMPLATE)
        earlier = [
            {
                # As in the series' own announcements: the line as first published, in the reference language,
                # then the title in the announcement's language when it differs, or a tag when it has none.
                "line": line.render(number=number, title=reference_titles.get(number, title)).strip(),
                "title": title if title != reference_titles.get(number, title) else None,
                "untranslated": title_lang != lang,
            }
            for number, (title, title_lang) in self.series.titled[lang].items()
            if number < sheet.meta.number
        ]
        reference_title = reference_titles.get(sheet.meta.number)
        picture = None
        if thumbnail is not None:
            with Image.open(thumbnail) as image:
                width, height = image.size
            shown = EMAIL_WIDTH
            picture = {"src": relative_link(thumbnail, folder), "width": shown, "height": round(height * shown / width)}
        context = (
            self.common(lang)
            | self.sheet_facts(sheet, lang)
            | {
                "reference_title": reference_title if reference_title != sheet.meta.title else None,
                "reference_language": self.language_name(self.reference, lang),
                "reference_code": self.reference,
                "earlier": earlier,
                "attachment": {"name": pdf.name, "size": kilobytes(language, pdf.stat().st_size)} if pdf else None,
                "picture": picture,
                "brand": self.assets.brand,
            }
        )
        return {template.rsplit(".", 1)[1]: self.render(lang, template, context) for template in ANNOUNCEMENT_TEMPLATES}


def _status(state: TranslationState | None) -> str | None:
    return state.status if state is not None else None


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def _picture(thumbnails: tuple[Picture, ...], output: Path) -> dict[str, Any] | None:
    """Return the small picture (shown) and the large one (linked) of a card, with the small one's size."""
    if not thumbnails:
        return None
    small = min(thumbnails, key=lambda t: t.width)
    large = max(thumbnails, key=lambda t: t.width)
    with Image.open(small.path) as image:
        width, height = image.size
    return {
        "src": relative_link(small.path, output),
        "preview": relative_link(large.path, output),
        "width": width,
        "height": height,
    }
