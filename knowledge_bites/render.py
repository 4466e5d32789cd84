"""Sheet to HTML: Markdown body, Babel-formatted facts and gettext labels through Jinja2 templates."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import markdown
import nh3
from jinja2 import Environment, select_autoescape
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import __version__, images
from .content import Series, Sheet
from .i18n import Language
from .jobs import Section
from .problems import Problem
from .templating import environment

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
URL_SCHEMES = {"https", "http", "mailto", "file"}  # file: only for images, checked below


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


# Raw HTML whose content is code or a foreign document, not text: removed together with what it holds.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "noscript", "template"}
_LINK = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*>")
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)


class _Safety(Treeprocessor):
    """Keep only safe links, point images at their checked files, and strip every raw HTML fragment.

    Runs after Markdown's inline patterns, so it sees every link and image Markdown made, and every raw
    HTML fragment (block or inline) it set aside. The final nh3 pass is the safety net, not the policy.
    """

    def __init__(self, md: markdown.Markdown, content_root: Path) -> None:
        super().__init__(md)
        self.content_root = content_root
        self.dropped_links: list[str] = []
        self.raw: list[tuple[str, bool]] = []  # (fragment as written, removed with its content)
        self.missing_alt: list[str] = []  # sources of images written without alternative text

    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter("a"):
            href = html.unescape(element.get("href", "").replace(markdown.util.AMP_SUBSTITUTE, "&")).strip()
            if not _LINK.match(href):
                element.attrib.pop("href", None)
                self.dropped_links.append(href)
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag != "img":
                    continue
                if not child.get("alt", "").strip():
                    self.missing_alt.append(child.get("src", ""))
                try:
                    child.set("src", images.resolve(child.get("src", ""), self.content_root, url=True).as_uri())
                except images.ImageError:
                    parent.remove(child)  # reported when the sources were checked; never fetched
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, fragment in enumerate(stash):
            text = str(fragment)
            stash[index] = _neutralise(text)
            meaningful = _COMMENT.sub("", text).strip()
            # Comments are the writer's notes and are left out quietly; a closing tag was reported with its opening.
            if meaningful and not meaningful.startswith("</"):
                with_content = any(tag.lower() in DROPPED_WITH_CONTENT for _, tag in _TAG.findall(meaningful))
                self.raw.append((meaningful, with_content))


def _neutralise(fragment: str) -> str:
    """Strip every tag from a raw HTML fragment, so it adds no markup, only text.

    Script-like tags stay for the final nh3 pass, which removes them together with their content
    (an inline `<script>` and its `</script>` are separate fragments, with the code between them).
    """
    without_comments = _COMMENT.sub("", fragment)
    kept = _TAG.sub(lambda match: match[0] if match[2].lower() in DROPPED_WITH_CONTENT else "", without_comments)
    visible = nh3.clean(kept, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT).strip()
    if fragment.endswith("\n"):  # a block of raw HTML keeps its text as a paragraph
        return f"<p>{kept.strip()}</p>\n" if visible else ""
    return kept


class _SafetyExtension(Extension):
    def __init__(self, content_root: Path) -> None:
        super().__init__()
        self.content_root = content_root

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        self.processor = _Safety(md, self.content_root)
        md.treeprocessors.register(self.processor, "kb_safety", 5)


def markdown_to_html(sheet: Sheet, content_root: Path | None = None) -> tuple[str, tuple[Section, ...], list[Problem]]:
    """Convert the body to sanitised HTML sections; report raw HTML and dropped links."""
    content_root = content_root or sheet.source.parent.parent
    sections_ext = _SectionExtension()
    safety_ext = _SafetyExtension(content_root)
    md = markdown.Markdown(extensions=["sane_lists", "tables", sections_ext, safety_ext], output_format="html")
    raw = md.convert(sheet.body)
    problems = []
    for text, with_content in safety_ext.processor.raw:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        how = "removed with its content" if with_content else "removed, keeping its text"
        message = f"raw HTML is not allowed in the text and was {how}: {shown}"
        problems.append(Problem(sheet.source, _line_of(sheet, text), None, message, "warning"))
    for href in safety_ext.processor.dropped_links:
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
    for src in safety_ext.processor.missing_alt:
        problems.append(
            Problem(
                sheet.source,
                _line_of(sheet, f"]({src}") if src else None,
                None,
                f"image '{src[:60]}' has no alternative text: describe it, e.g. ![Returnees at work]({src[:60]})",
            )
        )
    content_uri = content_root.resolve().as_uri() + "/"

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href" and not _LINK.match(value):
            return None
        if tag == "img" and attribute == "src" and not value.startswith(content_uri):
            return None
        return value

    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=URL_SCHEMES,
        link_rel=None,
    )
    clean = re.sub(r"<p>\s*</p>", "", clean)  # left by raw HTML that held no text
    sections = tuple(
        Section(section_id, title, words, sheet.line_of_heading(title) if title else sheet.body_line)
        for section_id, title, words in getattr(sections_ext.processor, "found", [])
    )
    return clean, sections, problems


def _line_of(sheet: Sheet, text: str) -> int | None:
    needle = text.strip()[:20]
    for offset, line in enumerate(sheet.body.split("\n")):
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
            self._envs[code] = environment(
                templates_dir,
                language.translations,
                "sheet",
                autoescape=select_autoescape(default=True, default_for_string=True),
            )

    def render(self, sheet: Sheet, *, short: bool = False, preview: bool = False) -> RenderedSheet:
        """Render one sheet to a self-contained HTML string."""
        return self.render_variants(sheet, (short, preview))[0]

    def render_variants(self, sheet: Sheet, *variants: tuple[bool, bool]) -> list[RenderedSheet]:
        """Render one sheet once per (short, preview) variant, converting its Markdown only once."""
        body, sections, problems = markdown_to_html(sheet, self.series.root)
        context = self.context(sheet, body)
        template = self._envs[sheet.lang].get_template("sheet.html")
        return [
            RenderedSheet(template.render({**context, "short": short, "preview": preview}), sections, tuple(problems))
            for short, preview in variants
        ]

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
            # The photo was checked when the sources were loaded: a file inside the content folder.
            "photo_src": images.resolve(meta.photo.file, self.series.root).as_uri() if meta.photo else None,
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
