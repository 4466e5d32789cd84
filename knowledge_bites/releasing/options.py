"""The options of `python build.py release` and `review`, kept apart so that the command line stays light."""

from __future__ import annotations

import argparse
from pathlib import Path

RELEASE = {
    "help": "keep what is built now as an edition in releases/, with what is new, revised and withdrawn",
    "description": "After a build in which nothing failed, keep the PDFs and page pictures of every sheet as an "
    "edition in releases/NAME/ (named by the newest publication date, or --name), with a record of each sheet and "
    "of what is new, revised or withdrawn since the previous release; write the announcements of the new and "
    "revised practices, the bundle of the edition and the feed. It refuses, saying why and how to fix it, when a "
    "sheet failed, a translation of a complete language is out of date or the output is stale. An earlier release "
    "is never changed.",
}
REVIEW = {
    "help": "show what changed on every page since the last release",
    "description": "Compare every sheet in output/ with the last release (or --against NAME): unchanged, changed "
    "(each changed page before and after, with the changed areas outlined, and the words added and removed in each "
    "part of the text), new, withdrawn or not built. Prints the summary and writes output/review/index.html.",
    "epilog": "In CI: python build.py review --strict exits with status 1 when anything changed.",
}


def _add_releases(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--releases",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of the releases (default: releases/ beside the content folder)",
    )


def add_release_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--name", metavar="NAME", help="name of the release (default: the newest publication date)")
    _add_releases(command)


def add_review_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--against", metavar="NAME", help="compare with this release (default: the last one)")
    command.add_argument("--strict", action="store_true", help="exit with status 1 when anything changed")
    _add_releases(command)
