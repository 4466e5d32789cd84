"""A practice's Markdown text as sanitised HTML sections, converted once, with every image it shows.

The conversion is the one place that reads the text's structure: the sections (for the two-page contract and
the bookmarks), the images (checked before layout, and fingerprinted so that replacing one rebuilds the sheet),
and what is removed for safety (raw HTML, links other than https: and mailto:). Markdown finds images however
they are written: inline, by reference (`![A chart][c]` with `[c]: images/chart.png`), in angle brackets
(`<images/a chart.png>`) or with escapes (`a%20chart.png`).
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..limits import CONVERSION_LIMIT
from ..locations import Section
from ..names import SourceName
from ..problems import Problem
from . import images
from .shape import ConversionTimeoutError, shape_problems, time_limit
from .typography import smarty_config

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
# Raw HTML whose content is code or a foreign document, not text: removed together with what it holds.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "noscript", "template"}
SHOWN_ONE_BY_ONE = 5  # removals told one line each; the rest of the same kind are counted in one more line
_LINK = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)\b[^>]*>")
_COMMENT = re.compile(r"<!--.*?(-->|$)", re.DOTALL)


@dataclass(frozen=True)
class ImageUse:
    """An image the text shows: its address as written, and the file it names or why it cannot be used."""

    src: str
    file: Path | None
    error: str | None


@dataclass(frozen=True)
class Body:
    """A converted text: its HTML, its sections, the images it shows and what the conversion reported."""

    html: str
    sections: tuple[Section, ...]
    images: tuple[ImageUse, ...]
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
            if current is None and self._removed(child):  # a comment before the first heading starts no section
                root.append(child)
                continue
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

    def _removed(self, child: ElementTree.Element) -> bool:
        """Return whether an element only stands for raw HTML that the safety pass removed whole, such as a comment."""
        match = markdown.util.HTML_PLACEHOLDER_RE.fullmatch((child.text or "").strip())
        stash = self.md.htmlStash.rawHtmlBlocks
        return child.tag == "p" and not len(child) and match is not None and not str(stash[int(match[1])]).strip()


class _Safety(Treeprocessor):
    """Keep only safe links, point images at their checked files, and strip every raw HTML fragment.

    Runs after Markdown's inline patterns and reference definitions, so it sees every link and image Markdown
    made, and every raw HTML fragment (block or inline) it set aside. The final nh3 pass is the safety net,
    not the policy.
    """

    def __init__(self, md: markdown.Markdown, content_root: Path) -> None:
        super().__init__(md)
        self.content_root = content_root
        self.dropped_links: list[str] = []
        self.raw: list[tuple[str, bool]] = []  # (fragment as written, removed with its content)
        self.missing_alt: list[str] = []  # sources of images written without alternative text
        self.images: list[ImageUse] = []

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
                src = _as_written(child.get("src", ""))
                if not child.get("alt", "").strip():
                    self.missing_alt.append(src)
                try:
                    file = images.resolve(src, self.content_root, url=True)
                except images.ImageError as error:
                    self.images.append(ImageUse(src, None, str(error)))
                    parent.remove(child)  # reported when the sources are checked; never fetched
                    continue
                self.images.append(ImageUse(src, file, None))
                child.set("src", file.as_uri())
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, fragment in enumerate(stash):
            text = str(fragment)
            if "<" not in text:  # no tag: a typographic quote that `smarty` set aside, to print as it is
                continue
            stash[index] = _neutralise(text)
            meaningful = _COMMENT.sub("", text).strip()
            # Comments are the writer's notes and are left out quietly; a closing tag was reported with its opening.
            if meaningful and not meaningful.startswith("</"):
                with_content = any(tag.lower() in DROPPED_WITH_CONTENT for _, tag in _TAG.findall(meaningful))
                self.raw.append((meaningful, with_content))


_ESCAPED = re.compile(f"{markdown.util.STX}([0-9]+){markdown.util.ETX}")


def _as_written(src: str) -> str:
    """Return an address as the writer wrote it: Markdown keeps a backslash escape (`\\.`) as a placeholder."""
    return _ESCAPED.sub(lambda match: "\\" + chr(int(match[1])), src)


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


class _Processors(Extension):
    def __init__(self, content_root: Path) -> None:
        super().__init__()
        self.content_root = content_root

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API name
        self.sections = _Sections(md)
        self.safety = _Safety(md, self.content_root)
        md.treeprocessors.register(self.sections, "kb_sections", 0)
        md.treeprocessors.register(self.safety, "kb_safety", 5)


# Under --watch and in the preview the series is loaded again for every build: a text that did not change is
# not converted again, as long as each image it shows still names the same file (or fails the same way).
_converted: OrderedDict[tuple[Path, str, int, Path], Body] = OrderedDict()
_CACHE_SIZE = 4096


def convert(source: Path, body: str, body_line: int, content_root: Path) -> Body:
    """Convert a practice's Markdown text to sanitised HTML sections; note its images; report what was removed.

    Raises RecursionError for a text nested too deeply to convert.
    """
    key = (source, body, body_line, content_root)
    cached = _converted.get(key)
    if cached is not None and all(_resolved(use.src, content_root) == (use.file, use.error) for use in cached.images):
        _converted.move_to_end(key)
        return cached
    if shape := shape_problems(source, body, body_line):
        return Body("", (), (), tuple(shape))
    try:
        with time_limit():
            converted = _convert(source, body, body_line, content_root)
    except ConversionTimeoutError:
        message = (
            f"converting the text took longer than {CONVERSION_LIMIT:g} s and was stopped: look for a long paragraph "
            "with many brackets or markup signs, and split or simplify it"
        )
        return Body("", (), (), (Problem(source, body_line, None, message),))
    _converted[key] = converted
    if len(_converted) > _CACHE_SIZE:
        _converted.popitem(last=False)
    return converted


def _resolved(src: str, content_root: Path) -> tuple[Path | None, str | None]:
    try:
        return images.resolve(src, content_root, url=True), None
    except images.ImageError as error:
        return None, str(error)


def _convert(source: Path, body: str, body_line: int, content_root: Path) -> Body:
    processors = _Processors(content_root)
    name = SourceName.parse(source.name)  # the quotation marks are those of the text's language
    md = markdown.Markdown(
        extensions=["sane_lists", "tables", "smarty", processors],
        extension_configs={"smarty": smarty_config(name.lang if name else "en")},
        output_format="html",
    )
    raw = md.convert(body)
    safety = processors.safety
    problems = []
    for text, with_content in safety.raw[:SHOWN_ONE_BY_ONE]:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        how = "removed with its content" if with_content else "removed, keeping its text"
        message = f"raw HTML is not allowed in the text and was {how}: {shown}"
        problems.append(Problem(source, line_of(body, body_line, text), None, message, "warning"))
    if more := safety.raw[SHOWN_ONE_BY_ONE:]:  # one line for the rest: a pasted web page has thousands of tags
        first = line_of(body, body_line, more[0][0])
        message = f"raw HTML is not allowed in the text: {len(more):,} more pieces of it were removed as well"
        problems.append(Problem(source, first, None, message, "warning"))
    for href in safety.dropped_links[:SHOWN_ONE_BY_ONE]:
        problems.append(
            Problem(
                source,
                line_of(body, body_line, href),
                None,
                f"link '{href[:60]}' is not allowed (use https: or mailto:) and was removed",
                "warning",
            )
        )
    if more_links := safety.dropped_links[SHOWN_ONE_BY_ONE:]:
        first = line_of(body, body_line, more_links[0])
        message = f"{len(more_links):,} more links were removed as well (use https: or mailto:)"
        problems.append(Problem(source, first, None, message, "warning"))
    # Screen readers read an image's alternative text; the sheets are PDF/UA, so an image without one is an error.
    for src in safety.missing_alt:
        problems.append(
            Problem(
                source,
                line_of(body, body_line, f"]({src}") if src else None,
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
    found = getattr(processors.sections, "found", [])
    lines = _heading_lines(body, body_line, [title for _, title, _ in found])
    sections = tuple(
        Section(section_id, title, words, line) for (section_id, title, words), line in zip(found, lines, strict=True)
    )
    return Body(clean, sections, tuple(safety.images), tuple(problems))


def line_of(body: str, body_line: int, text: str) -> int | None:
    """Return the file line of the first line of the body that holds the start of `text`."""
    needle = text.strip()[:20]
    for offset, line in enumerate(body.split("\n")):
        if needle and needle in line:
            return body_line + offset
    return None


def _heading_lines(body: str, body_line: int, titles: list[str]) -> list[int | None]:
    """Return the file line of each section's heading, in order, so that a heading written twice is found twice.

    The untitled introduction starts where the body does; a heading not found as a `#` line has no line."""
    lines = body.split("\n")
    found: list[int | None] = []
    start = 0
    for title in titles:
        if not title:
            found.append(body_line)
            continue
        offset = next(
            (n for n in range(start, len(lines)) if lines[n].startswith("#") and lines[n].lstrip("#").strip() == title),
            None,
        )
        found.append(None if offset is None else body_line + offset)
        start = start if offset is None else offset + 1
    return found
