"""The options of `python build.py import`, kept apart from the import itself so that the command line stays light.

(Reading them imports nothing of the content model: a build with nothing to do never needs it.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

TEXTS = {
    "help": "make a practice source from a Word document, with what is left to fill in",
    "description": "Make a practice source (content/practices/NN-slug.LANG.md) and its pictures from a Word document "
    "(.docx): its headings, paragraphs, lists, tables, links and pictures become the text, its title the title, and "
    "every other fact the sheet needs is written as a placeholder that the build names until it is filled in. What "
    "did not carry over is printed and noted at the top of the text. Nothing is written if the document cannot be "
    "used, and no existing source is replaced without --force or --update.",
    "epilog": "To see what it would write first: python build.py import REPORT.docx --dry-run",
}


def add_options(command: argparse.ArgumentParser) -> None:
    """Add the import's arguments to its command."""
    command.add_argument("document", type=Path, metavar="REPORT.docx", help="the Word document to import")
    command.add_argument(
        "--lang",
        type=lambda text: [code.strip() for code in text.split(",") if code.strip()],
        action="extend",
        default=argparse.SUPPRESS,
        metavar="CODE",
        help="the language the document is written in (default: the reference language)",
    )
    command.add_argument("--number", type=int, metavar="N", help="the practice number (default: the next free one)")
    command.add_argument(
        "--slug", metavar="SLUG", help="the short English name in the file name (default: the title's)"
    )
    command.add_argument(
        "--summary", action="store_true", help="take the document's first paragraph (or its abstract) as the summary"
    )
    command.add_argument(
        "--update",
        type=int,
        metavar="N",
        help="replace the text of practice N with the document's, keeping its front matter",
    )
    command.add_argument("--force", action="store_true", help="replace an existing source and its pictures")
    command.add_argument("--dry-run", action="store_true", help="print what would be written, and write nothing")
