"""What a practice's text may be before it is converted: bounds that keep the conversion quick on any text.

Markdown's parser looks for the end of every `[` (a link or an image) through the rest of its paragraph, so a
paragraph full of brackets that never close costs time that grows with the square of its length: a 20 KB line of
`[` takes minutes. No sheet needs that much: two pages hold about 5,000 characters of text. So before converting,
the build refuses a text far longer than a sheet, a paragraph (any block between blank lines) longer than a page
column can show, and a paragraph with more brackets than links anyone writes, each with its line and what to do.
The conversion itself is then held to a time limit, as the layout is, in case some other shape is slow.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..limits import CONVERSION_LIMIT
from ..problems import Problem

MAX_TEXT_CHARS = 60_000  # a sheet's two pages hold about 5,000 characters of text: this is a dozen sheets
MAX_BLOCK_CHARS = 8_000  # characters in one paragraph, list or table (between blank lines)
MAX_BRACKETS = 50  # opening brackets `[` (links, images) in one paragraph
_BLANK = re.compile(r"\n[ \t]*\n")
_OPENING = re.compile(r"(?<!\\)\[")  # a bracket written as `\[` is text, not the start of a link


def shape_problems(source: Path, body: str, body_line: int) -> list[Problem]:
    """Return what makes a text too long or too tangled to convert, one problem per paragraph (errors)."""
    if len(body) > MAX_TEXT_CHARS:
        return [
            Problem(
                source,
                body_line,
                None,
                f"the text has {len(body):,} characters, far more than two pages hold (about 5,000): "
                f"is it the right text? (at most {MAX_TEXT_CHARS:,})",
            )
        ]
    problems = []
    offset = 0
    for block in _BLANK.split(body):
        at = body.index(block, offset)
        offset = at + len(block)
        line = body_line + body.count("\n", 0, at) + (len(block) - len(block.lstrip("\n")))
        if len(block) > MAX_BLOCK_CHARS:
            problems.append(
                Problem(
                    source,
                    line,
                    None,
                    f"a paragraph of {len(block):,} characters, longer than a sheet holds (at most "
                    f"{MAX_BLOCK_CHARS:,}): split it with blank lines",
                )
            )
        elif (brackets := len(_OPENING.findall(block))) > MAX_BRACKETS:
            problems.append(
                Problem(
                    source,
                    line,
                    None,
                    f"{brackets:,} opening brackets '[' in one paragraph (at most {MAX_BRACKETS}, for links and "
                    "images): write a bracket that is only text as \\[",
                )
            )
    return problems


class ConversionTimeoutError(Exception):
    """Converting one text took longer than the time limit."""


@contextmanager
def time_limit(seconds: float = CONVERSION_LIMIT) -> Iterator[None]:
    """Raise ConversionTimeoutError in the block once it has run for `seconds`.

    An alarm, so in the main thread only, and only when no other alarm is set (a caller that has one keeps it);
    elsewhere the block runs unbounded, as the text's shape is already bounded."""
    usable = threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0

    def stop(signum: int, frame: object) -> None:
        raise ConversionTimeoutError

    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
