"""pandoc's document tree (its JSON), read and built: the text of a piece of it, and the small rebuilds the text needs.

pandoc gives a document as a tree of blocks and inlines, each `{"t": kind, "c": content}` (pandoc-types 1.23).
"""

from __future__ import annotations

from typing import Any

Node = dict[str, Any]
# What a reader of a text does not read in its flow: a footnote's text, a picture, raw Word or HTML.
_UNREAD = {"Note", "Image", "RawInline", "RawBlock"}


def node(kind: str, content: Any = None) -> Node:
    return {"t": kind} if content is None else {"t": kind, "c": content}


def plain(items: Any) -> str:
    """Return the text of inlines or blocks as a reader sees it, footnotes and comments aside."""
    out: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict) and "t" in value:
            kind, content = value["t"], value.get("c")
            if kind == "Str":
                out.append(content)
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind in ("Code", "Math"):
                out.append(content[-1])
            elif kind in _UNREAD or (kind == "Span" and {"deletion", "comment-start"} & set(content[0][1])):
                return
            elif kind in ("Para", "Plain", "Header"):
                visit(content)
                out.append(" ")
            elif content is not None:
                visit(content)

    visit(items)
    return " ".join("".join(out).split())


def title_of(tree: Node) -> tuple[str | None, bool]:
    """Return the document's title and whether it is a heading of the text.

    The title is the paragraph in Word's Title style, or else the first heading when it stands above all the others
    (a Heading 1 over sections in Heading 2); a first heading among others of its level is a section's."""
    meta = tree.get("meta", {}).get("title")
    if meta and (text := plain(meta.get("c"))):
        return text, False
    headings = [(block["c"][0], plain(block["c"][2])) for block in tree["blocks"] if block["t"] == "Header"]
    headings = [(level, text) for level, text in headings if text]
    if len(headings) > 1 and all(level > headings[0][0] for level, _ in headings[1:]):
        return headings[0][1], True
    return None, False


def until_comment_end(inlines: list[Node], comment: str) -> list[Node]:
    """Return the inlines a comment is about: those up to the end of its range, within its paragraph."""
    for index, item in enumerate(inlines):
        if item["t"] == "Span" and "comment-end" in item["c"][0][1] and item["c"][0][0] == comment:
            return inlines[:index]
    return inlines


def shortened(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def visible(inlines: list[Node]) -> bool:
    return any(i["t"] == "Image" for i in inlines) or bool(plain(inlines))


def unlinked(inlines: list[Node]) -> list[Node]:
    """Return a heading's inlines without links (a section title is a bookmark, not a link)."""
    return [part for i in inlines for part in (i["c"][1] if i["t"] == "Link" else [i])]


def unbroken(inlines: list[Node]) -> list[Node]:
    return [node("Space") if i["t"] in ("LineBreak", "SoftBreak") else i for i in inlines]


def joined(pieces: list[list[Node]], separator: list[Node] | Node) -> list[Node]:
    separator = separator if isinstance(separator, list) else [separator]
    out: list[Node] = []
    for piece in pieces:
        if piece:
            out += ([*separator] if out else []) + (piece if isinstance(piece, list) else [piece])
    return out


def tight(blocks: list[Node]) -> list[Node]:
    """Return a list item's blocks as a tight item (its paragraph as a plain line, as the shipped lists are), unless
    it holds several paragraphs, which stay paragraphs."""
    if sum(1 for b in blocks if b["t"] in ("Para", "Plain")) > 1:
        return [node("Para", b["c"]) if b["t"] == "Plain" else b for b in blocks]
    return [node("Plain", b["c"]) if b["t"] == "Para" else b for b in blocks]
