"""What a Word document holds, read from its XML only to say what the conversion lost: never to convert it.

pandoc leaves out what it cannot place: the text of some text boxes, the page headers and footers, and now and
then the text of a paragraph that holds a shape. To tell the writer, the text of each paragraph and of each text
box is read here and looked for in what pandoc read. Nothing here decides what the imported text says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_BOX = f"{W}txbxContent"
_SKIPPED = {_FALLBACK, f"{W}moveFrom"}  # a copy of a shape for older programs; text a tracked move takes away
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Inventory:
    """The visible text of a document, paragraph by paragraph, and of each text box and page header or footer."""

    paragraphs: tuple[str, ...]
    boxes: tuple[str, ...]
    headers: tuple[str, ...]


def take_inventory(parts: dict[str, bytes], main: str) -> Inventory:
    """Read the text of the main part's paragraphs and text boxes, and of the page headers and footers."""
    paragraphs: list[str] = []
    boxes: list[str] = []
    _walk(_parse(parts[main]), paragraphs, boxes)
    headers = []
    for name in sorted(parts):
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name):
            text = " ".join(_text(_parse(parts[name])).split())
            if text:
                headers.append(text)
    return Inventory(tuple(p for p in paragraphs if p.strip()), tuple(b for b in boxes if b.strip()), tuple(headers))


def squeezed(text: str) -> str:
    """Return text without any white space, to find a paragraph's words however the lines were broken."""
    return _SPACES.sub("", text)


def _parse(data: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:  # pandoc read it, or refused it: what is not readable here is not listed
        return ElementTree.Element("empty")


def _walk(element: ElementTree.Element, paragraphs: list[str], boxes: list[str]) -> None:
    for child in element:
        if child.tag in _SKIPPED:
            continue
        if child.tag == _BOX:
            boxes.append(" ".join(_text(child).split()))
            continue
        if child.tag == f"{W}p":
            paragraphs.append(_text(child))
        _walk(child, paragraphs, boxes)


def _text(element: ElementTree.Element) -> str:
    """Return the text an element shows, without that of the text boxes inside it."""
    pieces = []
    for child in element:
        if child.tag in _SKIPPED or child.tag == _BOX:
            continue
        if child.tag == f"{W}t":
            pieces.append(child.text or "")
        elif child.tag in (f"{W}tab", f"{W}br") or child.tag == f"{W}p":
            pieces.append(" ")
        pieces.append(_text(child))
    return "".join(pieces)
