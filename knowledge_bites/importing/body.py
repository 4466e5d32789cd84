"""What pandoc read of a Word document, made into what a practice's text may hold, noting what did not carry over.

pandoc gives its reading as a document tree (its JSON). The tree is walked once here and rebuilt with only what the
project's Markdown has: `##` and `###` headings, paragraphs, lists, bold and italics, links (https: and mailto:),
simple tables and pictures. The rest is turned into the nearest of those or left out, and each time a note says
so: footnotes become a *Notes* section, tracked changes are accepted, comments are left out (their text is in the
notes), merged table cells are split. pandoc then writes the rebuilt tree as Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .package import PICTURE_FORMATS, WordDocument
from .tree import Node, joined, node, plain, shortened, tight, title_of, unbroken, unlinked, until_comment_end, visible

_KEPT_LINK = re.compile(r"^(https:|mailto:)", re.IGNORECASE)
_FLATTENED_INLINES = {"Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript", "Cite"}


@dataclass
class Picture:
    """A picture the text shows: its part in the document, and the file it is saved as under content/."""

    number: int  # its place among the pictures of the text, from 1
    part: str
    data: bytes
    file: str  # relative to content/: images/07-…-1.png
    description: str


@dataclass
class Converted:
    """The document as a practice's text, with what the front matter can take and what did not carry over."""

    markdown: str
    title: str | None
    summary: str | None  # the first paragraph, when asked for: it leaves the text
    pictures: list[Picture]
    notes: list[str]


@dataclass
class _Walk:
    document: WordDocument
    picture_file: Callable[[int, str], str]  # (picture number, suffix) to its path under content/
    pictures: list[Picture] = field(default_factory=list)
    by_part: dict[str, Picture] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    footnotes: list[list[Node]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    comments: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    images: list[Node] = field(default_factory=list)  # every Image node made, to describe them all at the end
    tables: int = 0
    top_level: int = 1

    # --- inlines ------------------------------------------------------------------------------------

    def inlines(self, items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for index, item in enumerate(items):
            kind, content = item["t"], item.get("c")
            if kind in ("Str", "Space", "SoftBreak", "LineBreak", "Code"):
                out.append(item)
            elif kind in ("Emph", "Strong"):
                if inner := self.inlines(content):
                    out.append(node(kind, inner))
            elif kind == "Span":
                out += self.span(content, items[index + 1 :])
            elif kind in _FLATTENED_INLINES:
                self.counts[kind] += 1
                out += self.inlines(content if kind != "Cite" else content[1])
            elif kind == "Quoted":
                opening, closing = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
                out += [node("Str", opening), *self.inlines(content[1]), node("Str", closing)]
            elif kind == "Math":
                self.counts["Math"] += 1
                out.append(node("Str", content[1]))
            elif kind == "Link":
                out += self.link(content)
            elif kind == "Image":
                out += self.image(content)
            elif kind == "Note":
                self.footnotes.append(content)
                out += [node("Space"), node("Str", "(note"), node("Space"), node("Str", f"{len(self.footnotes)})")]
            else:  # raw Word or HTML: nothing a sheet can print
                self.counts["raw"] += 1
        return out

    def span(self, content: list, following: list[Node]) -> list[Node]:
        (identifier, classes, attributes), inner = content
        if "insertion" in classes:
            self.counts["insertion"] += 1
            return self.inlines(inner)
        if "deletion" in classes:
            self.counts["deletion"] += 1
            return []
        if "comment-start" in classes:
            author = dict(attributes).get("author", "").strip()
            on = shortened(plain(until_comment_end(following, identifier)), 60)
            said = shortened(plain(inner), 100)
            self.comments.append(f"{author + ': ' if author else ''}“{said}”" + (f" (on “{on}”)" if on else ""))
            return []
        if {"comment-end", "paragraph-insertion", "paragraph-deletion"} & set(classes):
            return []
        return self.inlines(inner)

    def link(self, content: list) -> list[Node]:
        attr, inner, (url, _) = content
        text = self.inlines(inner)
        if _KEPT_LINK.match(url.strip()) and text:
            return [node("Link", [attr, text, [url.strip(), ""]])]
        if url.startswith("#"):
            self.counts["internal link"] += 1
        elif url.strip():
            self.links.append(f"“{shortened(plain(inner), 40)}” to {shortened(url.strip(), 60)}")
        return text

    def image(self, content: list) -> list[Node]:
        _, alt, (source, title) = content
        found = self.document.picture(source)
        if found is None:
            self.notes.append(f"a picture that is not inside the document ({shortened(source, 60)}) was left out")
            return []
        part, data = found
        suffix = PurePosixPath(part).suffix.lower()
        if suffix not in PICTURE_FORMATS:
            kind = suffix.lstrip(".").upper() or "unknown"
            self.notes.append(
                f"a picture in {kind} format ({part}) was left out: a sheet shows PNG, JPEG, GIF, WebP or SVG; "
                "save it in one of those and add it by hand"
            )
            return []
        description = " ".join(plain(alt).split()) or " ".join((title or "").split())
        picture = self.by_part.get(part)
        if picture is None:
            number = len(self.pictures) + 1
            picture = Picture(
                number, part, data, self.picture_file(number, ".jpg" if suffix == ".jpeg" else suffix), ""
            )
            self.pictures.append(picture)
            self.by_part[part] = picture
        if description and not picture.description:
            picture.description = description
        image = node("Image", [["", [], []], [node("Str", description)] if description else [], [picture.file, ""]])
        self.images.append(image)
        return [image]

    def described(self) -> None:
        """Give each use of a picture without a description the one Word has for another use of it, if any."""
        files = {picture.file: picture.description for picture in self.pictures}
        for image in self.images:
            _, alt, (file, _) = image["c"]
            if not alt and files.get(file):
                image["c"][1] = [node("Str", files[file])]

    # --- blocks -------------------------------------------------------------------------------------

    def blocks(self, items: list[Node]) -> list[Node]:
        out: list[Node] = []
        for item in items:
            kind, content = item["t"], item.get("c")
            if kind in ("Para", "Plain"):
                if visible(inner := self.inlines(content)):
                    out.append(node("Para", inner))
            elif kind == "Header":
                level, _, inner = content
                text = unlinked(self.inlines(inner))
                if visible(text):
                    if level > self.top_level + 1:
                        self.counts["deep heading"] += 1
                    out.append(node("Header", [2 if level <= self.top_level else 3, ["", [], []], text]))
            elif kind in ("BulletList", "OrderedList"):
                items_ = content if kind == "BulletList" else content[1]
                kept = [made for entry in items_ if (made := tight(self.blocks(entry)))]
                if not kept:
                    continue
                if out and out[-1]["t"] == kind:  # Word's lists split by another numbering: one list again
                    (out[-1]["c"] if kind == "BulletList" else out[-1]["c"][1]).extend(kept)
                elif kind == "BulletList":
                    out.append(node(kind, kept))
                else:
                    out.append(node(kind, [[content[0][0], node("Decimal"), node("Period")], kept]))
            elif kind == "BlockQuote":
                if inner := self.blocks(content):
                    out.append(node(kind, inner))
            elif kind == "Table":
                out += self.table(content)
            elif kind == "Figure":
                _, caption, inner = content
                out += self.blocks(inner) + self.blocks(caption[1])
            elif kind == "Div":
                out += self.blocks(content[1])
            elif kind == "CodeBlock":
                lines = [node("Code", [["", [], []], line]) for line in content[1].split("\n") if line.strip()]
                out.append(node("Para", joined(lines, node("LineBreak"))))
            elif kind == "LineBlock":
                out.append(node("Para", joined([self.inlines(line) for line in content], [node("LineBreak")])))
            elif kind == "DefinitionList":
                for term, definitions in content:
                    out.append(node("Para", [node("Strong", self.inlines(term))]))
                    for definition in definitions:
                        out += self.blocks(definition)
            elif kind == "HorizontalRule":
                out.append(item)
            else:
                self.counts["raw"] += 1
        return out

    def table(self, content: list) -> list[Node]:
        """Return a table as a simple one: one header row, one line of text in each cell, no merged cells."""
        self.tables += 1
        _, caption, colspecs, head, bodies, foot = content
        rows = head[1] + [row for body in bodies for row in body[2] + body[3]] + foot[1]
        width = len(colspecs)
        grid: list[list[list[Node]]] = []
        taken: set[tuple[int, int]] = set()
        merged = flattened = False
        for r, row in enumerate(rows):
            while len(grid) <= r:
                grid.append([[] for _ in range(width)])
            c = 0
            for _, _, rowspan, colspan, blocks in row[1]:
                while (r, c) in taken:
                    c += 1
                if c >= width:
                    break
                if rowspan > 1 or colspan > 1:
                    merged = True
                text, several = self.cell(blocks)
                flattened |= several
                grid[r][c] = text
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                c += colspan
        if not any(visible(cell) for cells in grid for cell in cells):
            self.notes.append(f"table {self.tables} was left out: none of its cells holds text")
            return []
        if merged:
            self.notes.append(f"table {self.tables}: merged cells were split; each one's text is in its first cell")
        if flattened:
            self.notes.append(f"table {self.tables}: cells with several paragraphs, a list or a table became one line")
        cell = lambda inlines: [["", [], []], node("AlignDefault"), 1, 1, [node("Plain", inlines)]]  # noqa: E731
        row = lambda cells: [["", [], []], [cell(c) for c in cells]]  # noqa: E731
        table = node(
            "Table",
            [
                ["", [], []],
                [None, []],
                [[node("AlignDefault"), node("ColWidthDefault")] for _ in range(width)],
                [["", [], []], [row(grid[0])]],
                [[["", [], []], 0, [], [row(cells) for cells in grid[1:]]]],
                [["", [], []], []],
            ],
        )
        captioned = self.blocks(caption[1]) if caption and caption[1] else []
        return [*captioned, table]

    def cell(self, blocks: list[Node]) -> tuple[list[Node], bool]:
        """Return a cell's content as one line of inlines, and whether it had to be joined from several blocks."""
        kept = self.blocks(blocks)
        several = len(kept) > 1 or any(b["t"] not in ("Para", "Plain") for b in kept)
        lines = [unbroken(b["c"]) if b["t"] in ("Para", "Plain") else [node("Str", plain(b))] for b in kept]
        return joined(lines, [node("Str", ";"), node("Space")] if several else [node("Space")]), several


def convert(
    tree: Node, document: WordDocument, picture_file: Callable[[int, str], str], *, summary: bool, title: bool = True
) -> Converted:
    """Rebuild pandoc's reading of a document as a practice's text; note what did not carry over.

    Without `title` (the front matter is kept), a heading that could be the title stays in the text."""
    from .pandoc import write_markdown

    found, from_heading = title_of(tree) if title else (None, False)
    blocks = list(tree["blocks"])
    if from_heading:
        blocks.pop(next(i for i, b in enumerate(blocks) if b["t"] == "Header" and plain(b["c"][2])))
    walk = _Walk(document, picture_file)
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    walk.top_level = min(levels, default=1)
    body = walk.blocks(blocks)
    walk.described()
    first = None
    if summary:
        abstract = tree.get("meta", {}).get("abstract")
        first = plain(abstract.get("c")) if abstract else None
        if (
            not first
            and (index := next((i for i, b in enumerate(body) if b["t"] == "Para" and plain(b)), None)) is not None
        ):
            first = plain(body.pop(index))
    if walk.footnotes:
        notes = [tight(walk.blocks(note)) or [node("Plain", [node("Str", "…")])] for note in walk.footnotes]
        body += [
            node("Header", [2, ["", [], []], [node("Str", "Notes")]]),
            node("OrderedList", [[1, node("Decimal"), node("Period")], notes]),
        ]
    markdown = write_markdown({"pandoc-api-version": tree["pandoc-api-version"], "meta": {}, "blocks": body})
    subtitle = tree.get("meta", {}).get("subtitle")
    return Converted(markdown, found, first, walk.pictures, _notes(walk, plain(subtitle.get("c")) if subtitle else ""))


def _notes(walk: _Walk, subtitle: str) -> list[str]:
    notes = []
    count = len(walk.footnotes)
    if count:
        marks = "(note 1)" if count == 1 else f"(note 1) to (note {count})"
        notes.append(f"{_plural(count, 'footnote')} became the Notes section at the end, marked {marks} in the text")
    changes = walk.counts["insertion"] + walk.counts["deletion"]
    if changes:
        notes.append(
            f"{_plural(changes, 'tracked change')} accepted: {_plural(walk.counts['insertion'], 'insertion')} kept, "
            f"{_plural(walk.counts['deletion'], 'deletion')} removed"
        )
    notes += [f"comment left out: {comment}" for comment in walk.comments]
    notes += walk.notes
    if undescribed := sum(1 for picture in walk.pictures if not picture.description):
        notes.append(
            f"{_plural(undescribed, 'picture')} without a description: write one in the brackets "
            "of each ![](images/…), the words a screen reader says in its place"
        )
    notes += [f"link {link} became plain text: only https: and mailto: links are kept" for link in walk.links]
    if walk.counts["internal link"]:
        notes.append(f"{_plural(walk.counts['internal link'], 'link')} within the document became plain text")
    if walk.counts["deep heading"]:
        notes.append("headings of a third level or deeper became ### headings")
    if walk.counts["Strikeout"]:
        notes.append("struck-through text was kept as ordinary text: delete it if it was meant to go")
    if walk.counts["Superscript"] or walk.counts["Subscript"]:
        notes.append("superscript and subscript became ordinary text")
    if walk.counts["Math"]:
        notes.append(f"{_plural(walk.counts['Math'], 'equation')} kept as its TeX text")
    if walk.counts["raw"]:
        notes.append(f"{_plural(walk.counts['raw'], 'piece')} of Word-only content (fields, embedded code) left out")
    if subtitle:
        notes.append(f"the subtitle was left out: “{shortened(subtitle, 80)}”")
    return notes


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"
