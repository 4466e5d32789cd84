"""Measure how close the room figure ("fits, about N words to spare") comes to the true room of each sheet.

    .venv/bin/python benchmarks/room.py [--photo-only] [KEY ...]

For every shipped sheet (every language), and for practice #4 with a photo, it adds words to the end of the
sheet's text until the sheet no longer fits its two pages, as a writer would, and finds the most words it still
takes (the true room, to a few words). The words added are the sheet's own, in paragraphs as long as its own on
average, so that they are as long as the language's words and break into lines as the writer's do. It prints,
per sheet, the room the build says, the true room and the error; the room figure should be within 15 % of the
true room, and never above it by more than a line of text.
Everything happens in a temporary folder; the repository is only read.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_bites.pipeline import Options, preparer  # noqa: E402
from knowledge_bites.printing.contract import assess, lay_out  # noqa: E402
from knowledge_bites.printing.printer import Printer  # noqa: E402
from knowledge_bites.project import Project  # noqa: E402
from knowledge_bites.render.languages import Languages  # noqa: E402
from knowledge_bites.sources import load_series  # noqa: E402

PARAGRAPH = 40  # words in each paragraph added when the sheet has no paragraph of its own to measure
PRECISION = 4  # words: the bisection stops when the true room is known this closely
LINE_WORDS = 8  # about the words of one line of a column, the slack the figure may be above the true room


@dataclass(frozen=True)
class Measured:
    key: str
    said: int  # the room the build says (Fit.room)
    true: int  # the most words the sheet still takes

    @property
    def error(self) -> float:
        return (self.said - self.true) / self.true if self.true else 0.0

    @property
    def within(self) -> bool:
        return abs(self.said - self.true) <= 0.15 * self.true + PRECISION and self.said <= self.true + LINE_WORDS


class Sheets:
    """A content folder whose sheets are laid out as the build lays them out, one at a time."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.project = Project.at(ROOT, content, content.parent / "out")
        self.printer = Printer(self.project.styles, self.project.asset_roots)

    def lay_out(self, key: str):
        """Return the print job of one sheet, as the content folder is now, and its layout as the build makes it."""
        series = load_series(self.content)
        languages = Languages.compile(series.settings, self.project.locales)
        sheet = next(s for s in series.sheets if s.key == key)
        job = preparer(self.project, series, languages, options=Options())(sheet)
        return job, lay_out(self.printer, job, ROOT.as_uri() + "/")

    def assess(self, key: str):
        """Return the page count and the contract's word on one sheet, as the content folder is now."""
        job, layout = self.lay_out(key)
        return len(layout.document.pages), assess(self.printer, job, layout, ROOT.as_uri() + "/")

    def source(self, key: str) -> Path:
        return self.content / "practices" / f"{key}.md"


def own_paragraphs(text: str) -> list[list[str]]:
    """Return the words of each paragraph of a source's text (no headings, lists, tables, images or quotes)."""
    body = text.split("\n---\n", 1)[1]
    paragraphs = []
    for block in re.split(r"\n\s*\n", body):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines or lines[0].startswith(("#", "|", "!", ">", "<")) or re.match(r"([-*+]|\d+[.)]) ", lines[0]):
            continue
        words = [w.strip("*_[]") for w in " ".join(lines).split() if re.search(r"\w", w)]
        if words:
            paragraphs.append(words)
    return paragraphs


def own_words(text: str) -> list[str]:
    """Return the words of a source's paragraphs, in order."""
    return [word for paragraph in own_paragraphs(text) for word in paragraph] or ["word"]


def paragraph_length(text: str) -> int:
    """Return how many words a paragraph of the source has, on average: a writer adds paragraphs like their own."""
    paragraphs = own_paragraphs(text)
    return round(statistics.mean(len(p) for p in paragraphs)) if paragraphs else PARAGRAPH


def with_more_words(text: str, count: int, words: list[str], length: int = PARAGRAPH) -> str:
    """Return the source with `count` of its own words added at the end of its text, in paragraphs of `length`."""
    if count <= 0:
        return text
    taken = [words[i % len(words)] for i in range(count)]
    paragraphs = [" ".join(taken[i : i + length]) for i in range(0, count, length)]
    return text.rstrip("\n") + "\n\n" + "\n\n".join(paragraphs) + "\n"


def true_room(sheets: Sheets, key: str) -> Measured:
    """Find the most words the end of a sheet's text still takes, and what the build says of its room.

    The words are added a paragraph at a time up to the first paragraph that does not fit, then word by word within
    it (by bisection): the layout is not monotonic (one more line can move both columns' balance by several lines),
    so the first overrun a writer adding text meets is the true room, not any overrun found by bisection."""
    source = sheets.source(key)
    original = source.read_text(encoding="utf-8")
    words, length = own_words(original), paragraph_length(original)
    _, assessment = sheets.assess(key)
    said = assessment.fit.room if assessment.fit else 0

    def fits(count: int) -> bool:
        source.write_text(with_more_words(original, count, words, length), encoding="utf-8")
        pages, assessment = sheets.assess(key)
        return pages == 2 and assessment.fit is not None and assessment.fit.fits

    try:
        low, high = 0, length
        while fits(high):  # a paragraph at a time, as a writer adds them, to the first that does not fit
            low, high = high, high + length
        while high - low > PRECISION:
            middle = (low + high) // 2
            low, high = (middle, high) if fits(middle) else (low, middle)
    finally:
        source.write_text(original, encoding="utf-8")
    return Measured(key, said, low)


def with_a_photo(content: Path) -> str:
    """Give practice #4 in English a 3:2 photo, the proportion the README recommends; return its key."""
    from PIL import Image

    (content / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (1500, 1000), (90, 120, 140)).save(content / "photos" / "room.jpg", quality=85)
    source = content / "practices" / "04-employability-empowerment-mali.en.md"
    text = source.read_text(encoding="utf-8")
    photo = 'photo: {file: photos/room.jpg, alt: "A photo of the practice"}\npublished:'
    source.write_text(re.sub(r"^published:", photo, text, count=1, flags=re.MULTILINE), encoding="utf-8")
    return source.name.removesuffix(".md")


def measure(keys: list[str], photo: bool = True, shipped: bool = True) -> list[tuple[str, Measured]]:
    """Measure the shipped sheets (or those of `keys`), then #4 with a photo."""
    found = []
    with tempfile.TemporaryDirectory(prefix="kb-room-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        sheets = Sheets(content)
        if shipped:
            for sheet in load_series(content).sheets:
                if not keys or sheet.key in keys:
                    found.append(("", true_room(sheets, sheet.key)))
        if photo:
            found.append(("with a photo", true_room(sheets, with_a_photo(content))))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keys", nargs="*", help="sheets to measure (default: every shipped sheet)")
    parser.add_argument("--photo-only", action="store_true", help="measure only #4 with a photo")
    args = parser.parse_args()
    print(f"{'sheet':<56}{'says':>6}{'true':>6}{'error':>8}")
    rows = measure(args.keys, shipped=not args.photo_only)
    for note, row in rows:
        mark = "" if row.within else "   <- outside 15 %" if row.said <= row.true + LINE_WORDS else "   <- above"
        name = f"{row.key} ({note})" if note else row.key
        print(f"{name:<56}{row.said:>6}{row.true:>6}{row.error:>+8.0%}{mark}")
    errors = [abs(row.error) for _, row in rows]
    inside = sum(row.within for _, row in rows)
    median, largest = statistics.median(errors), max(errors)
    print(f"\n{inside} of {len(rows)} within 15 %; error median {median:.0%}, largest {largest:.0%}")


if __name__ == "__main__":
    main()
