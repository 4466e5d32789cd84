"""Where an imported document goes, and its front matter: what the document gives, a placeholder for the rest.

A new practice takes the next free number, or the one asked for; a practice that already has a file in another
language keeps that file's slug, since a practice's files share it in every language. Every required fact the
document does not give is written as a placeholder (`sources/schema.py`'s PLACEHOLDER) that the build refuses in
one line saying what to write, so that the preview shows the writer what is left to do.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..names import SourceName
from ..sources.frontmatter import read_text, split_front_matter
from ..sources.schema import PLACEHOLDER
from ..sources.yamltext import YamlError
from .package import DocumentError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What each required fact a document cannot give says it needs; the build prints it after "still to fill in:".
TO_FILL_IN = {
    "title": "the title in the sheet's language",
    "classification": "good, promising or innovative",
    "classification_reason": "why the practice has that classification, in a sentence or two",
    "countries": "ISO codes of the countries, e.g. [SN]",
    "published": "the publication date of this edition, as YYYY-MM-DD",
    "summary": "one paragraph, shown under the title and stored as the PDF's subject",
}
# Words a slug leaves out, in the series' languages: `cash-work-guinea`, not `cash-for-work-in-guinea`.
_SMALL_WORDS = {"a", "an", "and", "at", "au", "aux", "by", "d", "de", "del", "des", "du", "el", "en", "et", "for"}
_SMALL_WORDS |= {"from", "in", "l", "la", "las", "le", "les", "los", "of", "on", "the", "to", "with", "y"}


@dataclass(frozen=True)
class Target:
    """The source an import writes, and how its pictures are named."""

    number: int
    slug: str
    lang: str
    source: Path
    front_matter: str | None = None  # with --update: the source's own front matter, kept as it is
    title: str | None = None  # with --update: the source's title

    def picture_file(self, number: int, suffix: str) -> str:
        """Return where picture `number` of the text is saved, relative to the content folder."""
        return f"images/{self.number:02d}-{self.lang}-{number}-{self.slug}{suffix}"


def plan(
    content: Path,
    lang: str,
    *,
    title: str | None,
    document: Path,
    number: int | None,
    slug: str | None,
    update: int | None,
    force: bool,
) -> Target:
    """Decide which source an import writes; raise DocumentError when it would overwrite one it should not."""
    sources = _sources(content / "practices")
    if slug is not None and not SLUG.match(slug):
        raise DocumentError(f"--slug '{slug}' must be lowercase words of letters and digits joined by hyphens")
    if update is not None:
        if number is not None and number != update:
            raise DocumentError(f"--number {number} and --update {update} name two practices: give only --update")
        existing = sources.get((update, lang))
        if existing is None:
            raise DocumentError(f"practice #{update} has no '{lang}' source to update: import it without --update")
        if slug is not None and slug != existing[0]:
            raise DocumentError(f"--update keeps the file name {existing[1].name}: leave out --slug")
        front, title_kept = _front_matter_of(existing[1])
        return Target(update, existing[0], lang, existing[1], front, title_kept)
    number = number if number is not None else max((n for n, _ in sources), default=0) + 1
    twins = {other: found for (n, other), found in sources.items() if n == number}
    if lang in twins:
        name = twins[lang][1].name
        if not force:
            raise DocumentError(
                f"{name} already exists and was left as it is: to replace its text and keep its front matter, "
                f"import with --update {number}; to replace the whole file, add --force"
            )
    if twins:
        shared = next(iter(twins.values()))[0]
        if slug is not None and slug != shared:
            message = f"practice #{number}'s files share the slug '{shared}' in every language: leave out --slug"
            raise DocumentError(message)
        slug = shared
    slug = slug or slug_of(title or "") or slug_of(document.stem) or "practice"
    return Target(number, slug, lang, content / SourceName(number, slug, lang).source)


def slug_of(text: str) -> str:
    """Return a short file-name slug from a title: `Cash for Work in Guinea` gives `cash-work-guinea`."""
    letters = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", letters)
    kept = [word for word in words if word not in _SMALL_WORDS] or words
    slug = ""
    for word in kept[:4]:
        if slug and len(slug) + 1 + len(word) > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def _sources(practices: Path) -> dict[tuple[int, str], tuple[str, Path]]:
    """Return every practice source by (number, language): its slug and file."""
    found = {}
    if practices.is_dir():
        for path in sorted(practices.iterdir()):
            if (name := SourceName.parse(path.name)) and not path.name.startswith("."):
                found[(name.number, name.lang)] = (name.slug, path)
    return found


def _front_matter_of(path: Path) -> tuple[str, str | None]:
    """Return a source's front matter as written (its `---` lines included) and its title, to keep them."""
    try:
        text = read_text(path)
        _, _, _, body_line = split_front_matter(text)
    except (OSError, YamlError) as error:
        message = getattr(error, "message", None) or getattr(error, "strerror", None) or str(error)
        raise DocumentError(f"{path.name}: its front matter cannot be kept ({message}): fix the file first") from None
    front = "\n".join(text.split("\n")[: body_line - 1]) + "\n"
    title = re.search(r"^title:\s*(.+)$", front, re.MULTILINE)
    return front, title[1].strip().strip("\"'") if title else None


def front_matter(number: int, title: str | None, summary: str | None) -> str:
    """Return the front matter of a new source: the facts the document gives, a placeholder for the others."""

    def value(name: str, given: str | None = None) -> str:
        return _quoted(given) if given else _quoted(f"{PLACEHOLDER} {TO_FILL_IN[name]}")

    summary_lines = (
        ">\n" + textwrap.fill(summary, width=78, initial_indent="  ", subsequent_indent="  ")
        if summary
        else value("summary")
    )
    return (
        "---\n"
        f"number: {number}\n"
        f"title: {value('title', title)}\n"
        f"classification: {value('classification')}\n"
        f"classification_reason: {value('classification_reason')}\n"
        f"countries: {value('countries')}\n"
        "# regions: []\n"
        '# project: ""\n'
        '# funder: ""\n'
        '# period: {start: "YYYY-MM", end: "YYYY-MM"}\n'
        f"published: {value('published')}\n"
        "# key_figures:\n"
        "#   - value:\n"
        '#     label: ""\n'
        f"summary: {summary_lines}\n"
        "---\n"
    )


def _quoted(text: str) -> str:
    """Return text as a one-line YAML string in double quotes."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def notes_comment(document: str, notes: list[str]) -> str:
    """Return what did not carry over as an HTML comment for the top of the text (the build leaves comments out)."""
    if not notes:
        return ""
    lines = "".join(f"- {note.replace('-->', '- ->')}\n" for note in notes)
    name = document.replace("-->", "- ->")
    return f"<!-- Imported from {name}: what did not carry over (delete this note once done):\n{lines}-->\n\n"
