"""The names of the files a build reads and writes, worked out here and nowhere else.

A practice source is `content/practices/NN-slug.LANG.md`: its number (two digits at least), a short English slug
that is the same in every language, and the language. Its **key**, `NN-slug.LANG`, names its sheet everywhere
(the build record, the preview, the manifest). Everything the build writes of a sheet is named after its PDF:

```
output/LANG/PREFIX-NN-slug-LANG.pdf                   the sheet
output/html/LANG/PREFIX-NN-slug-LANG.html             its HTML, with --html
output/pages/PREFIX-NN-slug-LANG-1.png, -2.png        both pages
output/thumbnails/PREFIX-NN-slug-LANG-600.png, -1200  page 1 at the newsletter's sizes
output/announcements/PREFIX-NN-slug-LANG.html, .txt   the release announcement
output/bundles/PREFIX-LANG-EDITION.zip, PREFIX-all-EDITION.zip
output/review/index.html                              what changed since a release, with its pictures
releases/NAME/release.json                            an edition: its record, and the same names as output/
releases/feed.xml                                     the feed of the new and revised sheets of every release
```

PREFIX is the series' short name in the reference language, as a file name: `knowledge-bites`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath

# A practice source: `07-pre-departure-assistance-morocco.es.md`. The number is checked to be written with two
# digits at least (`03`, not `3`), so that a practice has one name and its twins in other languages are found.
PRACTICE_FILE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[A-Za-z_-]+)\.md$")
SOURCE_EXAMPLE = "01-cash-for-work-guinea.en.md"
MAX_NUMBER = 9999  # practice numbers run from 1 to this
PRACTICES = "practices"  # the folder of content/ that holds the practices

# The output folder's own files and folders.
RECORD = "build-record.json"
LOCK = ".build.lock"
MANIFEST = "manifest.json"
CATALOGUE = "index.html"
HTML = "html"
PAGES = "pages"
THUMBNAILS = "thumbnails"
BUNDLES = "bundles"
FONTS = "fonts"
ANNOUNCEMENTS = "announcements"
ALL_LANGUAGES = "all"  # the bundle of every language
REVIEW = "review"  # output/review/index.html: what changed since a release (python build.py review)
# The editions, kept beside the content folder: releases/NAME/ holds what was published under that name.
RELEASES = "releases"
RELEASE_RECORD = "release.json"
FEED = "feed.xml"  # releases/feed.xml: the new and revised sheets of every release
# What a temporary file the build writes is called, beside the file it becomes: `.kb-<random>.<name>.tmp`.
TEMPORARY_PREFIX = ".kb-"
TEMPORARY_SUFFIX = ".tmp"


@dataclass(frozen=True, order=True)
class SourceName:
    """The name of a practice source: its number, slug and language."""

    number: int
    slug: str
    lang: str

    @classmethod
    def parse(cls, name: str) -> SourceName | None:
        """Return the parts of a source's file name, or None when it is not one (see `problem`)."""
        match = PRACTICE_FILE.match(name)
        if not match or match["number"] != f"{int(match['number']):02d}":
            return None
        return cls(int(match["number"]), match["slug"], match["lang"])

    @classmethod
    def of_key(cls, key: str) -> SourceName | None:
        """Return the parts of a sheet's key (`07-pre-departure-assistance-morocco.es`), or None."""
        return cls.parse(f"{key}.md")

    @staticmethod
    def problem(name: str) -> str:
        """Return what is wrong with a file name that `parse` does not take, saying what to write instead."""
        match = PRACTICE_FILE.match(name)
        if match:
            fixed = f"{int(match['number']):02d}-{match['slug']}.{match['lang']}.md"
            return f"write the number with two digits: {fixed}"
        return f"file name must look like NN-slug.LANG.md, e.g. {SOURCE_EXAMPLE}"

    @property
    def key(self) -> str:
        return f"{self.number:02d}-{self.slug}.{self.lang}"

    @property
    def file_name(self) -> str:
        return f"{self.key}.md"

    @property
    def source(self) -> PurePosixPath:
        """Return where the source lives, relative to the content folder."""
        return PurePosixPath(PRACTICES, self.file_name)

    def twin(self, lang: str) -> SourceName:
        """Return the name of the same practice in another language."""
        return replace(self, lang=lang)


def file_prefix(short_name: str) -> str:
    """Return a series' short name as it starts file names: `Knowledge Bites` gives `knowledge-bites`."""
    return re.sub(r"[^a-z0-9]+", "-", short_name.lower()).strip("-")


@dataclass(frozen=True)
class OutputNames:
    """Where a build writes each file of a series in an output folder."""

    output: Path
    prefix: str  # file_prefix of the series

    def pdf(self, name: SourceName) -> Path:
        return self.output / name.lang / self.pdf_name(name)

    def pdf_name(self, name: SourceName) -> str:
        """Return the file name of a sheet's PDF, e.g. `knowledge-bites-10-smes-former-returnees-afghanistan-es.pdf`."""
        return f"{self.prefix}-{name.number:02d}-{name.slug}-{name.lang}.pdf"

    def html(self, name: SourceName) -> Path:
        return self.output / HTML / name.lang / f"{Path(self.pdf_name(name)).stem}.html"

    def announcement(self, name: SourceName, suffix: str) -> Path:
        return self.output / ANNOUNCEMENTS / f"{Path(self.pdf_name(name)).stem}.{suffix}"

    def bundle(self, lang: str | None, edition: date) -> Path:
        """Return the zip of one language's PDFs (None: every language) of an edition."""
        return self.output / BUNDLES / f"{self.prefix}-{lang or ALL_LANGUAGES}-{edition.isoformat()}.zip"


def page_picture(output: Path, pdf: Path, page: int) -> Path:
    """Return the picture of one page of a PDF: `output/pages/<pdf stem>-<page>.png`."""
    return output / PAGES / f"{pdf.stem}-{page}.png"


def thumbnail(output: Path, pdf: Path, width: int) -> Path:
    """Return the newsletter picture of page 1 of a PDF: `output/thumbnails/<pdf stem>-<width>.png`."""
    return output / THUMBNAILS / f"{pdf.stem}-{width}.png"


def recorded_pdf(key: str, path: str) -> bool:
    """Tell whether a PDF path read from a build record is one the build could have written for that sheet:
    `LANG/PREFIX-NN-slug-LANG.pdf`, in its language's folder, with nothing that leads elsewhere."""
    name = SourceName.of_key(key)
    if name is None:
        return False
    stem = f"-{name.number:02d}-{name.slug}-{name.lang}.pdf"
    folder, _, file = path.partition("/")
    prefix = file.removesuffix(stem)
    return folder == name.lang and file.endswith(stem) and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", prefix) is not None


def is_plain_relative(path: str) -> bool:
    """Tell whether a path read from a record names a file inside its folder by plain names: no `..`, no absolute
    path, no hidden file, no backslash or control character."""
    if not path or path.startswith("/") or "\\" in path or not path.isprintable():
        return False
    return all(part and part not in (".", "..") and not part.startswith(".") for part in path.split("/"))
