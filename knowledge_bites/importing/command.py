"""`python build.py import REPORT.docx`: a Word document into a practice source, with what is left to fill in.

pandoc reads the document in a thread of its own while the content model loads (half a second of imports). Then
everything is made in a temporary folder first and read there by the build's own checks (`load_sheet`, the
project's Markdown rules and its image checks), as any source is. Only then are the pictures and the source put
into content/, so a refused document writes nothing. Each problem takes one line: `REPORT.docx: …` for the
document, `file:line: field: …` for the source written.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import rewrite, shown_path, write_atomically
from ..problems import Problem, SeriesConfigError
from .body import Converted, convert
from .inventory import squeezed, take_inventory
from .package import DocumentError, WordDocument, open_document
from .pandoc import read_docx
from .tree import plain, title_of

if TYPE_CHECKING:
    from ..sources.schema import SeriesSettings
    from .practice import Target

OK, REFUSED = 0, 2  # the command line's exit statuses: done, or nothing written


def run(content: Path, say: Callable[[str], None], args: argparse.Namespace) -> int:
    """Run `python build.py import` with its parsed arguments; return the exit status."""
    if len(args.lang) > 1:
        say("import: a document is in one language: give one --lang CODE")
        return REFUSED
    options = {name: getattr(args, name) for name in ("number", "slug", "update", "summary", "force", "dry_run")}
    return import_document(content, say, args.document, lang=args.lang[0] if args.lang else None, **options)


def import_document(
    content: Path,
    say: Callable[[str], None],
    document: Path,
    *,
    lang: str | None = None,
    number: int | None = None,
    slug: str | None = None,
    update: int | None = None,
    summary: bool = False,
    force: bool = False,
    dry_run: bool = False,
) -> int:
    """Import a Word document into content/; return the exit status."""
    shown = shown_path(document.absolute())
    reading = _Reading(document)
    from ..sources.loading import load_settings  # the content model loads while pandoc reads
    from .practice import plan

    try:
        settings = load_settings(content / "series.yaml")
    except SeriesConfigError as error:
        reading.join()  # pandoc ends with the command, whatever else goes wrong
        for problem in error.problems:
            say(str(problem.shown_from(Path.cwd())))
        return REFUSED
    lang = lang or settings.reference_language
    if lang not in settings.languages:
        reading.join()
        say(f"import: unknown language {lang} (the series has {', '.join(settings.languages)})")
        return REFUSED
    try:
        word, tree = reading.result()
        title, from_heading = title_of(tree)
        target = plan(
            content, lang, title=title, document=document, number=number, slug=slug, update=update, force=force
        )
        converted = convert(tree, word, target.picture_file, summary=summary, title=target.front_matter is None)
        notes = converted.notes + _lost(word, tree) + _outside(word)
        if target.front_matter is not None and title and not from_heading and title != target.title:
            notes.append(f"the document's title “{title}” differs from the source's, which was kept")
        with tempfile.TemporaryDirectory(prefix="knowledge-bites-import-") as folder:
            staged, text = _stage(Path(folder), target, converted, notes, document.name, settings_file=content)
            problems = _checked(staged, target, settings)
            _in_the_way(content, converted, replacing=force or update is not None)
            for note in notes:
                say(f"{shown}: note: {note}")
            if dry_run:
                _show(say, content, target, converted, text)
            else:
                _write(say, content, staged, target, converted)
    except DocumentError as refusal:
        say(f"{shown}: {refusal}")
        return REFUSED
    except RecursionError:
        say(f"{shown}: lists or tables are nested too deeply inside each other to import: nothing was written")
        return REFUSED
    except OSError as error:  # the temporary folder could not be written
        say(f"{shown}: could not be imported ({error.strerror or error}): nothing was written")
        return REFUSED
    for problem in problems:
        say(str(problem.shown_from(Path.cwd())))
    left = sum(1 for p in problems if p.severity == "error")
    verb = "would be" if dry_run else "is"
    if left:
        say(f"{_plural(left, 'thing')} left to fill in: the build shows {'it' if left == 1 else 'them'} until done")
    else:
        say(f"the source {verb} ready to build: python build.py --only {target.number} --lang {lang}")
    return OK


class _Reading(threading.Thread):
    """Open and check a document, then let pandoc read it, in a thread: pandoc is a process of its own."""

    def __init__(self, document: Path) -> None:
        super().__init__(name="pandoc reads the document", daemon=True)
        self.document = document
        self.read: tuple[WordDocument, dict[str, Any]] | None = None
        self.refusal: DocumentError | None = None
        self.start()

    def run(self) -> None:
        try:
            word = open_document(self.document)
            self.read = word, read_docx(word.repacked())
        except DocumentError as refusal:
            self.refusal = refusal
        except RecursionError:  # pandoc's reading nested deeper than Python reads it back
            self.refusal = DocumentError("lists or tables are nested too deeply inside each other to import")

    def result(self) -> tuple[WordDocument, dict[str, Any]]:
        """Return the checked document and pandoc's reading of it; raise DocumentError if it was refused."""
        self.join()
        if self.read is None:
            raise self.refusal or DocumentError("the document could not be read")
        return self.read


def _stage(
    folder: Path, target: Target, converted: Converted, notes: list[str], name: str, settings_file: Path
) -> tuple[Path, str]:
    """Write the source and its pictures into a folder laid out as content/; check each picture as the build does."""
    from ..sources import images
    from .practice import front_matter, notes_comment

    shutil.copy(settings_file / "series.yaml", folder / "series.yaml")
    staged = folder / "practices" / target.source.name
    staged.parent.mkdir()
    for picture in converted.pictures:
        file = folder / picture.file
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(picture.data)
        if message := images.check(file):
            raise DocumentError(f"picture {picture.number} ({picture.part}): {message}, then import it again")
    head = target.front_matter or front_matter(target.number, converted.title, converted.summary)
    text = head + "\n" + notes_comment(name, notes) + converted.markdown.strip() + "\n"
    staged.write_text(text, encoding="utf-8")
    return staged, text


def _checked(staged: Path, target: Target, settings: SeriesSettings) -> list[Problem]:
    """Return what the build says of the staged source, as lines about the source the import writes."""
    from ..sources.frontmatter import split_front_matter
    from ..sources.loading import load_sheet
    from ..sources.markdown import convert as check_markdown

    sheet, problems = load_sheet(staged, settings, staged.parent.parent)
    if sheet is None:  # its front matter is not filled in yet: the text is still checked by the project's rules
        _, _, body, body_line = split_front_matter(staged.read_text(encoding="utf-8"))
        problems = problems + list(check_markdown(staged, body, body_line, staged.parent.parent).problems)
    return [Problem(target.source, p.line, p.field, p.message, p.severity) for p in problems]


def _in_the_way(content: Path, converted: Converted, *, replacing: bool) -> None:
    """Refuse, before anything is written, to replace a picture file unless the import replaces a source."""
    for picture in converted.pictures:
        if (content / picture.file).exists() and not replacing:
            raise DocumentError(
                f"{shown_path(content / picture.file)} already exists and was left as it is: add --force to replace it"
            )


def _write(say: Callable[[str], None], content: Path, staged: Path, target: Target, converted: Converted) -> None:
    """Put the pictures, then the source, into content/."""
    files = [(content / p.file, staged.parent.parent / p.file) for p in converted.pictures]
    written: list[Path] = []
    try:
        for file, source in files:
            write_atomically(file, source.read_bytes())
            written.append(file)
        rewrite(target.source, staged.read_bytes())  # --update: the writer's file stays theirs (links, permissions)
    except OSError as error:
        for file in written:
            file.unlink(missing_ok=True)
        raise DocumentError(
            f"could not write into {shown_path(content)} ({error.strerror or error}): nothing was imported"
        ) from None
    for file in written:
        say(f"wrote   {shown_path(file)}")
    say(f"wrote   {shown_path(target.source)}")


def _show(say: Callable[[str], None], content: Path, target: Target, converted: Converted, text: str) -> None:
    for picture in converted.pictures:
        say(f"would write {shown_path(content / picture.file)}  ({len(picture.data) / 1024:.0f} KB)")
    say(f"would write {shown_path(target.source)}:")
    for line in text.rstrip("\n").split("\n"):
        say(f"    {line}")


def _lost(word: WordDocument, tree: dict) -> list[str]:
    """Say which text boxes, page headers and paragraphs of the document are not in what pandoc read."""
    inventory = take_inventory(word.parts, word.main)
    read = squeezed(plain(tree["blocks"]) + plain(list(tree.get("meta", {}).values())))
    notes = []
    for box in inventory.boxes:
        where = (
            "was moved to a paragraph of its own" if squeezed(box) in read else "was left out: copy it where it belongs"
        )
        notes.append(f"the text of a text box {where}: “{_short(box)}”")
    for paragraph in inventory.paragraphs:
        if squeezed(paragraph) not in read:
            notes.append(f"a paragraph did not carry over: copy it from the document: “{_short(paragraph)}”")
    if inventory.headers:
        notes.append(f"the page headers and footers were left out: “{_short(' / '.join(inventory.headers))}”")
    return notes


def _outside(word: WordDocument) -> list[str]:
    """Say what the document points at outside itself: none of it was fetched."""
    notes = []
    for item in word.external:
        notes.append(_EXTERNAL[item.kind].format(target=_short(item.target, 80)))
    if word.macros:
        notes.append("the document's macros were neither run nor imported")
    return notes


_EXTERNAL: dict[str, str] = {
    "picture": "a linked picture ({target}) was not fetched: insert the picture itself into the document",
    "template": "the document names a template elsewhere ({target}); it was not fetched (it changes nothing here)",
    "reference": "the document refers to an outside file ({target}), which was not read",
}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"
