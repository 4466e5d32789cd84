"""A translated practice written back as a source file: YAML front matter, then the text in Markdown.

The front matter follows the reference file's fields in its order, with `translated_from` after `number`; the
body is written from the reference's blocks (headings, paragraphs, lists, tables) filled with the translated
units. Text is escaped so that Markdown reads it back as written; the import checks that it does.
"""

from __future__ import annotations

import json
import re
import textwrap
from datetime import date
from typing import Any

from lxml import etree

FIELD = "translated_from"
_BLOCK_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "blockquote", "table", "hr"}


class WritingError(Exception):
    """A text cannot be written as Markdown (a structure this writer does not know)."""


# --- Front matter -------------------------------------------------------------------------------------------------


def front_matter(data: dict[str, Any], version: str | None) -> str:
    """Return the front matter lines for these fields (in their order), with the version after `number`."""
    lines = []
    for key, value in data.items():
        if key == FIELD:
            continue
        lines += _field(key, value)
        if key == "number" and version:
            lines.append(f'{FIELD}: "{version}"')
    if version and "number" not in data:
        lines.insert(0, f'{FIELD}: "{version}"')
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n"


# Values a translator writes: always in double quotes, as the house style writes them.
TEXTS = {"title", "summary", "classification_reason", "project", "funder", "partners", "label", "alt", "credit"}


def _field(key: str, value: Any, indent: str = "") -> list[str]:
    if key == "summary" and isinstance(value, str) and (folded := _folded(value, indent + "  ")):
        return [f"{indent}{key}: >", *folded]
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        lines = [f"{indent}{key}:"]
        for item in value:
            inner = [line for name, member in item.items() for line in _field(name, member, indent + "    ")]
            lines += [f"{indent}  - {inner[0].lstrip()}", *inner[1:]]
        return lines
    if isinstance(value, dict) and any(isinstance(member, str) and len(member) > 30 for member in value.values()):
        return [
            f"{indent}{key}:",
            *(line for name, member in value.items() for line in _field(name, member, indent + "  ")),
        ]
    line = f"{indent}{key}: {_flow(value, quoted=key in TEXTS)}"
    if isinstance(value, list) and len(line) > 118:
        return [f"{indent}{key}:", *(f"{indent}  - {_flow(item, quoted=key in TEXTS)}" for item in value)]
    return [line]


def _folded(text: str, indent: str) -> list[str] | None:
    """Return a text as the lines of a folded block (`>`), when folding gives back exactly the same text."""
    text = text.strip()
    lines = textwrap.wrap(text, 76, break_long_words=False, break_on_hyphens=False)
    if not lines or " ".join(lines) != text or any(line.startswith(("#", " ")) for line in lines):
        return None
    return [f"{indent}{line}" for line in lines]


def _flow(value: Any, *, quoted: bool = False) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item, quoted=quoted) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{name}: {_flow(member, quoted=name in TEXTS)}" for name, member in value.items()) + "}"
    if quoted and isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return _scalar(value)


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


# --- The text -----------------------------------------------------------------------------------------------------


def markdown_of(tree: etree._Element) -> str:
    """Return the Markdown of a text's blocks (a <div> of <section>s, as the sheet prints them)."""
    blocks: list[tuple[str, str]] = []
    for section in tree:
        if isinstance(section.tag, str):
            blocks += [(child.tag, _block(child)) for child in section if _is_block(child)]
    out = []
    for index, (tag, text) in enumerate(blocks):
        if index and tag in ("ul", "ol") and blocks[index - 1][0] == tag:
            out.append("<!-- -->")  # two lists in a row stay two lists
        out.append(text)
    return "\n" + "\n\n".join(out) + "\n"


def _is_block(element: etree._Element) -> bool:
    if not isinstance(element.tag, str):
        return False
    if element.tag not in _BLOCK_TAGS:
        raise WritingError(f"a <{element.tag}> block cannot be written as Markdown")
    return True


def _block(element: etree._Element) -> str:
    tag = element.tag
    if tag in ("h2", "h3", "h4"):
        text = _inline(element, heading=True)
        return "#" * int(tag[1]) + " " + (text[:-1] + "\\#" if text.endswith("#") else text)
    if tag == "p":
        return _inline(element)
    if tag in ("ul", "ol"):
        return _list(element)
    if tag == "blockquote":
        inner = "\n\n".join(_block(child) for child in element if _is_block(child))
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if tag == "table":
        return _table(element)
    return "---"  # hr


def _list(element: etree._Element) -> str:
    items = [item for item in element if isinstance(item.tag, str)]
    loose = any(isinstance(child.tag, str) and child.tag == "p" for item in items for child in item)
    written = []
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if element.tag == "ol" else "- "
        parts = []
        lead = _inline(item, stop=_BLOCK_TAGS)
        if lead:
            parts.append(lead)
        parts += [_block(child) for child in item if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS]
        lines = ("\n\n" if loose else "\n").join(parts).split("\n")
        first = marker + lines[0] if lines[0] else marker.rstrip(" ")
        written.append("\n".join([first, *(f"    {line}" if line else "" for line in lines[1:])]))
    return ("\n\n" if loose else "\n").join(written)


def _table(element: etree._Element) -> str:
    rows = list(element.iter("tr"))
    if not rows:
        raise WritingError("a table without rows cannot be written as Markdown")
    header = [cell for cell in rows[0] if isinstance(cell.tag, str)]
    lines = ["| " + " | ".join(_inline(cell, table=True) for cell in header) + " |"]
    rules = {"left": ":---", "center": ":---:", "right": "---:"}
    lines.append("| " + " | ".join(rules.get(cell.get("align", ""), "---") for cell in header) + " |")
    for row in rows[1:]:
        lines.append("| " + " | ".join(_inline(c, table=True) for c in row if isinstance(c.tag, str)) + " |")
    return "\n".join(lines)


def _inline(
    element: etree._Element, *, stop: set[str] | None = None, heading: bool = False, table: bool = False
) -> str:
    """Return an element's inline content as Markdown, on one line but for its line breaks."""
    text = _content(element, stop or set(), heading, table).strip(" ")
    return "  \n".join(_line_start(line.strip(" ")) for line in text.split("\x01"))  # \x01: a line break


def _content(element: etree._Element, stop: set[str], heading: bool, table: bool) -> str:
    pieces = [_text(element.text or "", table)]
    for child in element:
        if isinstance(child.tag, str) and child.tag in stop:
            break
        if isinstance(child.tag, str):
            pieces.append(_inline_element(child, heading=heading, table=table))
        pieces.append(_text(child.tail or "", table))
    return re.sub(r"[ \t\n\r\f]+", " ", "".join(pieces))


def _inline_element(element: etree._Element, *, heading: bool, table: bool) -> str:
    tag = element.tag
    if tag == "br":
        if heading or table:
            raise WritingError("a line break in a heading or a table cell cannot be written as Markdown")
        return "\x01"
    if tag == "img":
        return f"![{_text(element.get('alt', ''), table)}]({_address(element.get('src', ''), element.get('title'))})"
    inner = _content(element, set(), heading, table)
    if not inner.strip():
        return inner
    if tag == "code":
        content = "".join(element.itertext())
        fence = "`" * (max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
        pad = " " if content.startswith("`") or content.endswith("`") else ""
        return f"{fence}{pad}{content}{pad}{fence}"
    lead = " " if inner.startswith(" ") else ""
    trail = " " if inner.endswith(" ") else ""
    inner = inner.strip(" ")
    if tag in ("strong", "b"):
        return f"{lead}**{inner}**{trail}"
    if tag in ("em", "i"):
        return f"{lead}*{inner}*{trail}"
    if tag == "a":
        return f"{lead}[{inner}]({_address(element.get('href', ''), element.get('title'))}){trail}"
    return f"{lead}{inner}{trail}"


def _address(url: str, title: str | None) -> str:
    written = f"<{url}>" if re.search(r"[\s()<>]", url) else url
    return written + (f' "{title}"' if title else "")


_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _text(text: str, table: bool) -> str:
    """Escape plain text for Markdown: its characters read as text, not as markup."""
    text = text.replace("\\", "\\\\")
    for char in "`*_[]":
        text = text.replace(char, "\\" + char)
    text = _ENTITY.sub("&amp;", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    if table:
        text = text.replace("|", "\\|")
    return text


_LINE_START = re.compile(r"^(#|>|[-+*](?= |$)|-(?=[- ]*$)|\d+(?=\. ))")


def _line_start(line: str) -> str:
    """Escape what would start a heading, quote, list or rule at the start of a line."""
    match = _LINE_START.match(line)
    if not match:
        return line
    if match[1][0].isdigit():
        return match[1] + "\\" + line[len(match[1]) :]
    return "\\" + line
