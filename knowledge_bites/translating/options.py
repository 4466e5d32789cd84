"""The kit's options of `python build.py translations`: --export, --import, --allow-partial.

Only argparse here: every command builds the parser, and a build with nothing to do loads nothing more.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def add_options(command: argparse.ArgumentParser, edits: argparse._MutuallyExclusiveGroup, numbers: Callable) -> None:
    """Add the kit's options to the `translations` command (--export and --import exclude --mark and --start)."""
    edits.add_argument(
        "--export",
        type=numbers,
        metavar="N",
        help="write a kit of these practices for a translator's CAT tool (XLIFF 1.2) into output/translation/, "
        "with what is already translated filled in, e.g. --export 9 --lang fr",
    )
    edits.add_argument(
        "--import",
        dest="kits",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="write the translations of kits that came back, e.g. --import 09-smes-iraq.en-fr.xlf; nothing is "
        "written unless every unit of every kit passes the checks",
    )
    command.add_argument(
        "--allow-partial",
        action="store_true",
        help="with --import: keep the source text of the units left untranslated (the translation stays out of date)",
    )
