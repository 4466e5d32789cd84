"""Sheet to HTML: Markdown body, Babel-formatted facts and gettext labels through Jinja2 templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
import nh3
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import __version__
from .content import Series, Sheet
from .i18n import Language
from .problems import Problem

# What the Markdown body may contain once sanitised; everything else is removed.
ALLOWED_TAGS = {
    "section",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "br",
    "blockquote",
    "code",
    "sup",
    "sub",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "section": {"id", "class", "data-line"},
    "h2": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"https", "http", "mailto"}


@dataclass(frozen=True)
class Section:
    """A `##` section of the body, as the two-page check reports it."""

    id: str
    title: str
    words: int
    line: int | None


@dataclass(frozen=True)
class RenderedSheet:
    """The HTML of one sheet, its sections and what rendering noticed."""

    html: str
    sections: tuple[Section, ...]
    problems: tuple[Problem, ...]


class _Sections(Treeprocessor):
    """Wrap each `##` heading and what follows it in a numbered <section>, and note its title and size."""

    def run(self, root: ElementTree.Element) -> None:
        children = list(root)
        for child in children:
            root.remove(child)
        self.found: list[tuple[str, str, int]] = []
        current: ElementTree.Element | None = None
        for child in children:
            if child.tag in ("h1", "h2") or current is None:
                heading = child.tag in ("h1", "h2")
                if heading:
                    child.tag = "h2"
                section_id = f"section-{len(self.found) + 1}"
                current = ElementTree.SubElement(
                    root, "section", {"id": section_id, "class": "section" if heading else "section intro"}
                )
                self.found.append((section_id, "".join(child.itertext()).strip() if heading else "", 0))
            current.append(child)
            section_id, title, words = self.found[-1]
            self.found[-1] = (section_id, title, words + len("".join(child.itertext()).split()))


class _SectionExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        self.processor = _Sections(md)
        md.treeprocessors.register(self.processor, "kb_sections", 0)


def markdown_to_html(sheet: Sheet) -> tuple[str, tuple[Section, ...], list[Problem]]:
    """Convert the body to sanitised HTML sections; report raw HTML and dropped links."""
    sections_ext = _SectionExtension()
    md = markdown.Markdown(extensions=["sane_lists", "tables", sections_ext], output_format="html")
    raw = md.convert(sheet.body)
    problems = []
    for fragment in md.htmlStash.rawHtmlBlocks:
        text = str(fragment).strip().replace("\n", " ")
        problems.append(
            Problem(
                sheet.source,
                _line_of(sheet, text),
                None,
                f"raw HTML is not allowed in the text and was removed: {text[:60]}",
                "warning",
            )
        )
    clean = nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None)
    for href in re.findall(r'href="([^"]*)"', raw):
        if not re.match(r"^(https?|mailto):", href):
            problems.append(
                Problem(
                    sheet.source,
                    _line_of(sheet, href),
                    None,
                    f"link '{href[:60]}' is not allowed (use https: or mailto:) and was removed",
                    "warning",
                )
            )
    # Screen readers read an image's alternative text; the sheets are PDF/UA, so an image without one is an error.
    for tag in re.findall(r"<img\b[^>]*>", clean):
        src_match = re.search(r'\bsrc="([^"]*)"', tag)
        src = unescape(src_match.group(1)) if src_match else ""
        alt = re.search(r'\balt="([^"]*)"', tag)
        if alt is None or not unescape(alt.group(1)).strip():
            problems.append(
                Problem(
                    sheet.source,
                    _line_of(sheet, f"]({src}") if src else None,
                    None,
                    f"image '{src[:60]}' has no alternative text: describe it, e.g. ![Returnees at work]({src[:60]})",
                )
            )
    sections = tuple(
        Section(section_id, title, words, sheet.line_of_heading(title) if title else sheet.body_line)
        for section_id, title, words in getattr(sections_ext.processor, "found", [])
    )
    return clean, sections, problems


def _images_from(content_root: Path, html: str) -> str:
    """Point relative image sources of the text at the content folder, where practices keep their images."""

    def absolute(match: re.Match[str]) -> str:
        src = unescape(match[2])
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src):  # a URL with a scheme: left for the fetcher to judge
            return match[0]
        return f'{match[1]}"{escape((content_root / src).as_uri())}"'

    return re.sub(r'(<img\b[^>]*?\bsrc=)"([^"]*)"', absolute, html)


def _line_of(sheet: Sheet, text: str) -> int | None:
    needle = text.strip()[:20]
    for offset, line in enumerate(sheet.body.splitlines()):
        if needle and needle in line:
            return sheet.body_line + offset
    return None


class Renderer:
    """Jinja2 environments, one per language, sharing the templates folder."""

    def __init__(self, templates_dir: Path, project_root: Path, series: Series, languages: dict[str, Language]) -> None:
        self.series = series
        self.languages = languages
        self.project_root = project_root
        self._envs: dict[str, Environment] = {}
        for code, language in languages.items():
            env = Environment(
                loader=FileSystemLoader(templates_dir),
                autoescape=select_autoescape(default=True, default_for_string=True),
                undefined=StrictUndefined,
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            env.install_gettext_translations(language.translations, newstyle=True)  # type: ignore[attr-defined]
            self._envs[code] = env

    def render(self, sheet: Sheet, *, short: bool = False, preview: bool = False) -> RenderedSheet:
        """Render one sheet to a self-contained HTML string."""
        body, sections, problems = markdown_to_html(sheet)
        context = self.context(sheet, _images_from(self.series.root, body))
        context.update(short=short, preview=preview)
        html = self._envs[sheet.lang].get_template("sheet.html").render(context)
        return RenderedSheet(html, sections, tuple(problems))

    def context(self, sheet: Sheet, body_html: str) -> dict[str, Any]:
        """Return everything the template shows, already formatted in the sheet's language."""
        settings = self.series.settings
        language = self.languages[sheet.lang]
        lang = sheet.lang
        meta = sheet.meta
        countries = [language.country(code) for code in meta.countries]
        others = self.series.other_practices(sheet)
        return {
            "lang": lang,
            "base_href": self.project_root.as_uri() + "/",
            "version": __version__,
            "series_name": settings.series_name[lang],
            "short_name": settings.short_name[lang],
            "publisher": settings.publisher[lang],
            "contact_email": settings.contact_email,
            "cta_text": settings.call_to_action.text[lang],
            "cta_link_text": settings.call_to_action.link_text[lang],
            "cta_url": settings.call_to_action.url,
            "funding_statement": settings.funding_statement.get(lang),
            "disclaimer": settings.disclaimer[lang],
            "number": meta.number,
            "title": meta.title,
            "classification": meta.classification,
            "classification_reason": meta.classification_reason,
            "countries": language.join(countries),
            "countries_count": len(countries),
            "launched": settings.launched,
            "regions": language.join([settings.regions[key][lang] for key in meta.regions]),
            "project": meta.project,
            "funder": meta.funder,
            "partners": language.join(list(meta.partners)),
            "period": language.period(meta.period) if meta.period else None,
            "published": language.date(meta.published),
            "published_iso": meta.published.isoformat(),
            "key_figures": [
                {
                    "value": language.number(figure.value, figure.unit),
                    "label": figure.label,
                    "as_of": language.partial_date(figure.as_of) if figure.as_of else None,
                }
                for figure in meta.key_figures
            ],
            "summary": meta.summary,
            "photo": meta.photo,
            "photo_src": (self.series.root / meta.photo.file).as_uri() if meta.photo else None,
            "body": body_html,
            "other_practices": others,
            "other_practices_total": len(self.series.titles[lang]) - 1,
            "keywords": ", ".join(
                [
                    settings.short_name[lang],
                    *countries,
                    *([settings.regions[key][lang] for key in meta.regions]),
                    *([meta.project] if meta.project else []),
                ]
            ),
        }
