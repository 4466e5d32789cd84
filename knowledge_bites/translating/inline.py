"""A translation unit's text with its inline codes: bold, italics, links, code, line breaks and images.

In the kit, inline markup is an XLIFF 1.2 inline code, so that a CAT tool protects it and the translator places
it: a pair `<g id="1" ctype="bold">…</g>` around the words it marks, or a single `<x id="2" ctype="lb"/>`. A code
carries no address: a link's URL and an image's file come from the reference text on import. Here a text is a
tuple of pieces, each a string or a Code, read from the sheet's HTML or from a kit's XML and written to either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from lxml import etree

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
PAIRED = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "a": "link", "code": "x-code"}
SINGLE = {"br": "lb", "img": "image"}
HTML_TAG = {"bold": "strong", "italic": "em", "link": "a", "x-code": "code", "lb": "br", "image": "img"}
KIND_NAMES = {
    "bold": "bold",
    "italic": "italics",
    "link": "link",
    "x-code": "code",
    "lb": "line break",
    "image": "image",
}


@dataclass(frozen=True)
class Code:
    """One inline code: its id in its unit, its kind (an XLIFF ctype) and, for a pair, the pieces it marks."""

    id: str
    kind: str
    inner: Text | None = None  # None for a single code (a line break, an image)


Piece = Union[str, Code]  # noqa: UP007 - a runtime alias, for the dataclass above
Text = tuple[Piece, ...]


@dataclass(frozen=True)
class CodeInfo:
    """What a code stands for in the reference text: what import puts back (a link's address, an image)."""

    kind: str
    attributes: tuple[tuple[str, str], ...] = ()  # href and title of a link; src, title of an image
    alt_unit: str = ""  # an image's alternative text is a unit of its own


_SPACE = re.compile(r"[ \t\n\r\f]+")  # not the no-break spaces, which are text


def normal(text: Text) -> Text:
    """Return a text with its spacing evened out as a page shows it: runs of spaces made one, none at either end
    of it or inside either end of a pair (`<g> bold</g>` is ` <g>bold</g>`), and adjacent strings joined."""
    pieces = _flatten_space(text)
    while pieces and isinstance(pieces[0], str) and not pieces[0].strip(" "):
        pieces.pop(0)
    while pieces and isinstance(pieces[-1], str) and not pieces[-1].strip(" "):
        pieces.pop()
    if pieces and isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip(" ")
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] = pieces[-1].rstrip(" ")
    return _joined(pieces)


def _flatten_space(text: Text) -> list[Piece]:
    out: list[Piece] = []
    for piece in text:
        if isinstance(piece, str):
            out.append(_SPACE.sub(" ", piece))
        elif piece.inner is None:
            out.append(piece)
        else:
            inner = _flatten_space(piece.inner)
            lead = " " if inner and isinstance(inner[0], str) and inner[0].startswith(" ") else ""
            trail = " " if inner and isinstance(inner[-1], str) and inner[-1].endswith(" ") else ""
            if inner and isinstance(inner[0], str):
                inner[0] = inner[0].lstrip(" ")
            if inner and isinstance(inner[-1], str):
                inner[-1] = inner[-1].rstrip(" ")
            out += [lead, Code(piece.id, piece.kind, _joined(inner)), trail]
    return out


def _joined(pieces: list[Piece]) -> Text:
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = _SPACE.sub(" ", out[-1] + piece)
                continue
        out.append(piece)
    return tuple(out)


def plain(text: Text) -> str:
    """Return the words of a text without its codes."""
    return "".join(piece if isinstance(piece, str) else plain(piece.inner or ()) for piece in text)


def has_words(text: Text) -> bool:
    return bool(plain(text).strip())


_WORD = re.compile(r"\S+")


def words(text: Text | str) -> int:
    """Return how many words a text has, as a translation agency counts them: tokens with a letter or digit."""
    shown = text if isinstance(text, str) else " ".join(_SPACE.split(plain_spaced(text)))
    return sum(1 for token in _WORD.findall(shown) if any(c.isalnum() for c in token))


def plain_spaced(text: Text) -> str:
    """Return the words of a text with a line break counted as a space between words."""
    return "".join(
        piece if isinstance(piece, str) else (" " if piece.inner is None else plain_spaced(piece.inner))
        for piece in text
    )


def codes(text: Text) -> list[Code]:
    """Return every code of a text, in reading order (a pair before the codes it holds)."""
    found = []
    for piece in text:
        if isinstance(piece, Code):
            found.append(piece)
            found += codes(piece.inner or ())
    return found


def shown(text: Text) -> str:
    """Return a text with its codes as {1}…{/1} and {2}, to compare texts and to show one in a message."""
    return "".join(
        piece
        if isinstance(piece, str)
        else (f"{{{piece.id}}}" if piece.inner is None else f"{{{piece.id}}}{shown(piece.inner)}{{/{piece.id}}}")
        for piece in text
    )


# --- From the sheet's HTML, and back -------------------------------------------------------------------------


class Numbering:
    """Numbers the codes of one unit in reading order, and keeps what each stands for."""

    def __init__(self) -> None:
        self.info: dict[str, CodeInfo] = {}
        self.images: list[tuple[str, etree._Element]] = []  # (code id, <img>) whose alternative text is a unit

    def add(self, info: CodeInfo) -> str:
        code_id = str(len(self.info) + 1)
        self.info[code_id] = info
        return code_id


def from_html(element: etree._Element, numbering: Numbering, *, stop: set[str]) -> Text:
    """Return the inline content of an HTML element (its text and inline children up to the first of `stop`)."""
    pieces: list[Piece] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment
            pieces.append(child.tail or "")
            continue
        if child.tag in stop:
            break
        tag = child.tag
        if tag in PAIRED:
            attributes = tuple((name, child.get(name)) for name in ("href", "title") if child.get(name) is not None)
            code_id = numbering.add(CodeInfo(PAIRED[tag], attributes if tag == "a" else ()))
            pieces.append(Code(code_id, PAIRED[tag], from_html(child, numbering, stop=set())))
        elif tag in SINGLE:
            attributes = tuple((name, child.get(name)) for name in ("src", "title") if child.get(name) is not None)
            code_id = numbering.add(CodeInfo(SINGLE[tag], attributes))
            if tag == "img":
                numbering.images.append((code_id, child))
            pieces.append(Code(code_id, SINGLE[tag]))
        else:  # sup, sub and the like: Markdown cannot write them; their words are text
            pieces += list(from_html(child, numbering, stop=set()))
        pieces.append(child.tail or "")
    return _joined(pieces)


def to_html(text: Text, info: dict[str, CodeInfo], alts: dict[str, str]) -> list[etree._Element | str]:
    """Return a text as HTML inline content (strings and elements), each code rebuilt from the reference."""
    out: list[etree._Element | str] = []
    for piece in text:
        if isinstance(piece, str):
            out.append(piece)
            continue
        known = info[piece.id]
        element = etree.Element(HTML_TAG[known.kind], dict(known.attributes))
        if known.kind == "image":
            element.set("alt", alts.get(known.alt_unit, ""))
        if piece.inner is not None:
            _fill(element, to_html(piece.inner, info, alts))
        out.append(element)
    return out


def _fill(element: etree._Element, content: list[etree._Element | str]) -> None:
    last: etree._Element | None = None
    for item in content:
        if isinstance(item, str):
            if last is None:
                element.text = (element.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            element.append(item)
            last = item


def replace_content(element: etree._Element, content: list[etree._Element | str], *, stop: set[str]) -> None:
    """Replace an element's inline content (up to its first child in `stop`) with other inline content."""
    rest = []
    for child in list(element):
        if isinstance(child.tag, str) and child.tag in stop:
            rest = list(element)[list(element).index(child) :]
            break
    for child in list(element):
        element.remove(child)
    element.text = None
    _fill(element, content)
    if rest:
        if len(element):
            element[-1].tail = (element[-1].tail or "") + "\n"
        else:
            element.text = (element.text or "") + "\n"
        for child in rest:
            element.append(child)


# --- In the kit's XML ------------------------------------------------------------------------------------------


def to_xliff(parent: etree._Element, text: Text) -> None:
    """Append a text to an XLIFF <source> or <target> element, with its codes as <g> and <x>."""
    last: etree._Element | None = None
    for piece in text:
        if isinstance(piece, str):
            if last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        tag = "x" if piece.inner is None else "g"
        last = etree.SubElement(parent, f"{{{XLIFF}}}{tag}", {"id": piece.id, "ctype": piece.kind})
        if piece.inner is not None:
            to_xliff(last, piece.inner)


class InlineError(Exception):
    """A kit's text holds markup that is not one of the kit's own codes; `line` is its line in the kit."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def from_xliff(element: etree._Element, kinds: dict[str, str]) -> Text:
    """Read a <source> or <target> element: its text and its codes, kinds taken from the reference by id.

    A CAT tool's segment marks (`<mrk>`) are read through; any other element raises InlineError."""
    pieces: list[Piece] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or a processing instruction
            pieces.append(child.tail or "")
            continue
        name = etree.QName(child).localname
        if name == "mrk":
            pieces += list(from_xliff(child, kinds))
        elif name in ("g", "x"):
            code_id = child.get("id", "")
            kind = kinds.get(code_id, child.get("ctype", ""))
            pieces.append(Code(code_id, kind, from_xliff(child, kinds) if name == "g" else None))
        else:
            raise InlineError(
                child.sourceline,
                f"<{name}> is not one of the kit's inline codes: keep only the codes of the source text",
            )
        pieces.append(child.tail or "")
    return _joined(pieces)


def renumbered(text: Text, ids: dict[str, str] | None = None) -> Text:
    """Return a text with its codes numbered in reading order, as a unit read from a sheet numbers them."""
    ids = {} if ids is None else ids
    out: list[Piece] = []
    for piece in text:
        if isinstance(piece, str):
            out.append(piece)
            continue
        ids.setdefault(piece.id, str(len(ids) + 1))
        new_id = ids[piece.id]
        out.append(Code(new_id, piece.kind, None if piece.inner is None else renumbered(piece.inner, ids)))
    return tuple(out)


def with_ids(text: Text, ids: dict[str, str]) -> Text:
    """Return a text with its codes given other ids (old id: new id)."""
    return tuple(
        piece
        if isinstance(piece, str)
        else Code(ids[piece.id], piece.kind, None if piece.inner is None else with_ids(piece.inner, ids))
        for piece in text
    )
