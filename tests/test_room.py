"""The room figure a writer can act on: "fits, about N words to spare" is within 15 % of the words the sheet
really still takes (never above it by more than a line of text), and falls steadily as text is added.

The true room is found as a writer finds it: words added to the end of the text until the sheet no longer fits,
by bisection (benchmarks/room.py prints the same for every shipped sheet)."""

from __future__ import annotations

import itertools
import shutil

import pytest

from benchmarks.room import LINE_WORDS, PRECISION, Sheets, own_words, true_room, with_a_photo, with_more_words

from .conftest import ROOT

SHEETS = [
    "04-employability-empowerment-mali.en",  # a short text: it ends on page 1, page 2 is the closing block's own
    "07-pre-departure-assistance-morocco.en",  # a long one: it runs on to page 2
    "10-smes-former-returnees-afghanistan.es",  # Spanish words are longer
]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> Sheets:
    content = tmp_path_factory.mktemp("room") / "content"
    shutil.copytree(ROOT / "content", content)
    return Sheets(content)


@pytest.mark.parametrize("key", [*SHEETS, "photo"])
def test_the_room_figure_is_within_15_percent_of_the_true_room(sheets, key):
    if key == "photo":
        key = with_a_photo(sheets.content)
    measured = true_room(sheets, key)
    assert measured.true > 0, measured
    assert abs(measured.said - measured.true) <= 0.15 * measured.true + PRECISION, measured
    assert measured.said <= measured.true + LINE_WORDS, measured


def test_the_room_figure_falls_steadily_as_text_is_added(sheets):
    """Twenty words at a time, as the new user added them: the figure falls by about twenty each time."""
    key = "07-pre-departure-assistance-morocco.en"
    source = sheets.source(key)
    original = source.read_text(encoding="utf-8")
    figures = []
    try:
        for added in range(0, 100, 20):
            source.write_text(with_more_words(original, added, own_words(original)), encoding="utf-8")
            figures.append(sheets.assess(key)[1].fit.room)
    finally:
        source.write_text(original, encoding="utf-8")
    drops = [a - b for a, b in itertools.pairwise(figures)]
    assert all(5 <= drop <= 35 for drop in drops), figures
    assert 60 <= figures[0] - figures[-1] <= 100, figures
