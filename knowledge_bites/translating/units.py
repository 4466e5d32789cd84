"""A practice cut into translation units: its translatable front-matter values and each block of its text.

The blocks come from the build's own Markdown conversion (sources/markdown.py), as the sheet prints them: each
heading, paragraph, list item, table cell and image's alternative text is a unit, with its inline markup as codes
(inline.py). Numbers, codes, dates, periods, addresses and file paths are no units: they come from the reference
text on import. A unit's id says where it is: `front/title`, `front/key_figures/1/label`, `body/results/2` (the
second unit of the section 'Results', counted from 1), `body/results/heading`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..sources.frontmatter import decode, split_front_matter
from ..sources.markdown import convert
from ..sources.yamltext import YamlError, parse_yaml
from .inline import CodeInfo, Numbering, Text, codes, from_html, has_words, normal

# Elements that hold blocks; the rest of the sheet's HTML is inline content.
BLOCKS = {"section", "h2", "h3", "h4", "p", "ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr", "th",
          "td", "hr"}  # fmt: skip
TITLE_LIMIT = 260  # the schema's limit (sources/schema.py)


@dataclass(frozen=True)
class Unit:
    """One translation unit: its id, its text with codes, what each code stands for, and a note for the translator."""

    id: str
    text: Text
    note: str
    kind: str  # a front-matter field's path, or heading, paragraph, item, cell, image
    section: int = -1  # the body section it is in (-1 for the front matter)
    info: dict[str, CodeInfo] = field(default_factory=dict, compare=False)
    limit: int | None = None  # at most this many characters


@dataclass
class Practice:
    """A practice's text as units, with what a translation is rebuilt from: its front matter and its HTML blocks."""

    units: list[Unit]
    front: dict[str, Any]  # the front matter as parsed, in the file's order
    tree: etree._Element  # the text's blocks as the sheet prints them: a <div> of <section>s
    owners: dict[str, tuple[etree._Element, str]]  # unit id: the element it fills, and how ("inline" or "alt")
    titles: list[str]  # each section's heading ("" for the text before the first heading)

    @property
    def by_id(self) -> dict[str, Unit]:
        return {unit.id: unit for unit in self.units}


class UnitsError(Exception):
    """A practice's text cannot be read as units (its front matter is broken)."""


def practice_of(raw: bytes, source: Path, content_root: Path) -> Practice:
    """Cut a practice's text (the bytes of its file) into translation units."""
    try:
        front_text, front_line, body, body_line = split_front_matter(decode(raw))
        data = parse_yaml(front_text, front_line).data
    except YamlError as error:
        raise UnitsError(f"{source.name}: {error.message}") from None
    if not isinstance(data, dict):
        raise UnitsError(f"{source.name}: its front matter is not 'field: value' lines")
    try:
        converted = convert(source, body, body_line, content_root)
    except RecursionError:
        raise UnitsError(f"{source.name}: the text is nested too deeply to be cut into units") from None
    tree = lxml_html.fragment_fromstring(converted.html or "", create_parent="div")
    written = {use.file.as_uri(): use.src for use in converted.images if use.file is not None}
    for image in tree.iter("img"):
        image.set("src", written.get(image.get("src", ""), image.get("src", "")))
    units = _front_units(data)
    owners: dict[str, tuple[etree._Element, str]] = {}
    titles = [section.title for section in converted.sections]
    slugs = _slugs(titles)
    for index, element in enumerate(section for section in tree if section.tag == "section"):
        title = titles[index] if index < len(titles) else ""
        cutter = _Cutter(index, slugs[index] if index < len(slugs) else f"section-{index + 1}", title)
        cutter.blocks(element, heading=bool(title))
        units += cutter.units
        owners.update(cutter.owners)
    return Practice(units, data, tree, owners, titles)


# --- The front matter --------------------------------------------------------------------------------------------

FRONT_NOTES = {
    "title": "The title of the sheet: page 1, in the header band; also the PDF's title, and this practice's line in "
    "the 'Other practices' list of every other sheet. At most 260 characters (over 90 it is set smaller).",
    "summary": "The summary: one paragraph under the title on page 1; also the PDF's subject.",
    "classification_reason": "Why the practice has its classification ({classification}): the last line of the "
    "'At a glance' box on page 1. A sentence or two.",
    "label": "Key figure {n}: the words under the number {value} in the key-figures panel on page 1. Keep it short.",
    "alt": "The photo's alternative text: read aloud by screen readers in place of the photo on page 1; not printed.",
    "credit": "The photo credit, printed under the photo on page 1 after 'Photo:'.",
    "project": "The name of the project or programme: 'Project' in the 'At a glance' box on page 1. A proper name: "
    "keep it as it is where it has no official translation.",
    "funder": "Who funds the practice: 'Funded by' in the 'At a glance' box on page 1.",
    "partners": "Partner organisation {n}: 'Partners' in the 'At a glance' box on page 1.",
}


def _front_units(data: dict[str, Any]) -> list[Unit]:
    units = []

    def add(unit_id: str, value: Any, note: str, kind: str, limit: int | None = None) -> None:
        if isinstance(value, str) and value.strip():
            units.append(Unit(unit_id, (value.strip(),), note, kind, limit=limit))

    add("front/title", data.get("title"), FRONT_NOTES["title"], "title", TITLE_LIMIT)
    add("front/summary", data.get("summary"), FRONT_NOTES["summary"], "summary")
    classification = data.get("classification", "")
    note = FRONT_NOTES["classification_reason"].format(classification=classification)
    add("front/classification_reason", data.get("classification_reason"), note, "classification_reason")
    figures = data.get("key_figures")
    for n, figure in enumerate(figures if isinstance(figures, list) else [], start=1):
        if isinstance(figure, dict):
            value = f"{figure.get('value')}{' %' if figure.get('unit') == 'percent' else ''}"
            add(f"front/key_figures/{n}/label", figure.get("label"), FRONT_NOTES["label"].format(n=n, value=value),
                "label")  # fmt: skip
    photo = data.get("photo")
    if isinstance(photo, dict):
        add("front/photo/alt", photo.get("alt"), FRONT_NOTES["alt"], "alt")
        add("front/photo/credit", photo.get("credit"), FRONT_NOTES["credit"], "credit")
    add("front/project", data.get("project"), FRONT_NOTES["project"], "project")
    add("front/funder", data.get("funder"), FRONT_NOTES["funder"], "funder")
    partners = data.get("partners")
    for n, partner in enumerate(partners if isinstance(partners, list) else [], start=1):
        add(f"front/partners/{n}", partner, FRONT_NOTES["partners"].format(n=n), "partner")
    return units


# --- The text ------------------------------------------------------------------------------------------------------


def _slugs(titles: list[str]) -> list[str]:
    """Return a short id per section from its heading: `results`; `intro` for the text before the first heading."""
    slugs: list[str] = []
    for index, title in enumerate(titles):
        ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
        slug = slug or ("intro" if not title else f"section-{index + 1}")
        base, n = slug, 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.append(slug)
    return slugs


WHAT = {"heading": "heading", "paragraph": "paragraph", "item": "list item", "cell": "table cell",
        "image": "image's alternative text"}  # fmt: skip


class _Cutter:
    """Cuts one section of the text into units, in reading order."""

    def __init__(self, index: int, slug: str, title: str) -> None:
        self.index, self.slug, self.title = index, slug, title
        self.units: list[Unit] = []
        self.owners: dict[str, tuple[etree._Element, str]] = {}
        self.counts: dict[str, int] = {}

    def blocks(self, element: etree._Element, *, heading: bool = False) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag == "h2" and heading:
                self.inline(child, "heading", unit_id=f"body/{self.slug}/heading")
                heading = False
            elif tag in ("h2", "h3", "h4", "p"):
                self.inline(child, "heading" if tag != "p" else "paragraph")
            elif tag in ("ul", "ol"):
                for item in child:
                    if isinstance(item.tag, str):
                        self.inline(item, "item")
                        self.blocks(item)
            elif tag == "table":
                for cell in child.iter("th", "td"):
                    self.inline(cell, "cell")
            elif tag in ("blockquote", "li", "section"):
                self.blocks(child)

    def inline(self, element: etree._Element, kind: str, unit_id: str | None = None) -> None:
        numbering = Numbering()
        text = normal(from_html(element, numbering, stop=BLOCKS))
        unit_id = (unit_id or self._next_id()) if has_words(text) else None
        alts = []
        for code_id, image in numbering.images:
            alt = " ".join(image.get("alt", "").split())
            if alt:
                alt_id = self._next_id()
                numbering.info[code_id] = replace(numbering.info[code_id], alt_unit=alt_id)
                alts.append(Unit(alt_id, (alt,), self._note("image", image.get("src", "")), "image", self.index))
                self.owners[alt_id] = (image, "alt")
        if unit_id is not None:
            unit = Unit(unit_id, text, self._note(kind, "", numbering.info, text), kind, self.index, numbering.info)
            self.units.append(unit)
            self.owners[unit_id] = (element, "inline")
        self.units += alts

    def _next_id(self) -> str:
        self.counts["all"] = self.counts.get("all", 0) + 1
        return f"body/{self.slug}/{self.counts['all']}"

    def _note(self, kind: str, src: str = "", info: dict[str, CodeInfo] | None = None, text: Text = ()) -> str:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        where = f"section '{self.title}'" if self.title else "the text before the first heading"
        if kind == "heading" and self.title and self.counts[kind] == 1:
            note = f"The heading of section '{self.title}': in the text on page 1 or 2, and a bookmark in the PDF."
        elif kind == "image":
            note = (
                f"The alternative text of the image {src} in {where}: read aloud by screen readers in place of "
                "the image; not printed."
            )
        else:
            note = f"{WHAT[kind].capitalize()} {self.counts[kind]} of {where}: in the text on page 1 or 2."
        described = [_describe(code.id, (info or {})[code.id]) for code in codes(text) if info and code.id in info]
        if described:
            note += " Inline codes: " + "; ".join(described) + "."
        return note


def _describe(code_id: str, info: CodeInfo) -> str:
    attributes = dict(info.attributes)
    if info.kind == "link":
        return f"{{{code_id}}} a link to {attributes.get('href', '')} (the address stays as it is)"
    if info.kind == "image":
        return f"{{{code_id}}} the image {attributes.get('src', '')}"
    names = {"bold": "bold", "italic": "italics", "x-code": "code", "lb": "a line break"}
    return f"{{{code_id}}} {names.get(info.kind, info.kind)}"
