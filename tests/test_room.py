"""The room figure a writer can act on: "fits, about N words to spare" is within 15 % of the words the sheet
really still takes (never above it by more than a line of text), and falls steadily as text is added.

The true room is found as a writer finds it: words added to the end of the text until the sheet no longer fits,
by bisection (benchmarks/room.py prints the same for every shipped sheet)."""

from __future__ import annotations

import itertools
import shutil

import pytest

from benchmarks.room import (
    LINE_WORDS,
    PRECISION,
    Sheets,
    own_words,
    paragraph_length,
    true_room,
    with_a_photo,
    with_more_words,
)
from knowledge_bites.printing.balance import body_lines, element_box
from knowledge_bites.printing.columns import MOST_WORDS, Flow, Item, Shape, flow_of, paragraph_shape
from knowledge_bites.printing.engine import page_box

from .conftest import ROOT

SHEETS = [  # and #4 with a photo: a short text, which ends on page 1 (page 2 is the closing block's own)
    "07-pre-departure-assistance-morocco.en",  # a long one: it runs on to page 2
    "10-smes-former-returnees-afghanistan.es",  # Spanish words are longer
    "07-pre-departure-assistance-morocco.es",  # little room, and columns that jump as they balance
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
    words, length = own_words(original), paragraph_length(original)
    figures = []
    try:
        for added in range(0, 100, 20):
            source.write_text(with_more_words(original, added, words, length), encoding="utf-8")
            figures.append(sheets.assess(key)[1].fit.room)
    finally:
        source.write_text(original, encoding="utf-8")
    drops = [a - b for a, b in itertools.pairwise(figures)]
    assert all(5 <= drop <= 35 for drop in drops), figures
    assert 60 <= figures[0] - figures[-1] <= 100, figures


def page_2_flow(document):
    """Return the model of page 2's columns made from a sheet's layout, and the height the layout gave them."""
    page = document.pages[1]
    main, closing = element_box(page, "main"), element_box(page, "footer")
    bodies = [body for each in document.pages if (body := element_box(each, "main")) is not None]
    flow = flow_of(main, page_box(page), closing.margin_height(), paragraph_shape(bodies))
    return flow, main.height


def test_the_balancing_of_page_2_is_replayed_as_the_layout_balances_it(shipped_layouts):
    """On every shipped sheet whose text runs on to page 2, the columns the model balances are exactly as high as
    the ones WeasyPrint laid out: the room figure starts from the real layout, not from a guess."""
    checked = 0
    for sheet in shipped_layouts.values():
        if len(sheet.document.pages) != 2 or not body_lines(sheet.document.pages[1]):
            continue  # the text ends on page 1: page 2 is the closing block's own
        flow, laid_out = page_2_flow(sheet.document)
        assert flow.height() == pytest.approx(laid_out, abs=0.2), sheet.key  # px
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("added", [36, 45, 58])
def test_the_replayed_balancing_follows_the_layout_as_text_is_added(sheets, added):
    """Paragraphs added to a sheet whose columns jump as they balance (one more line raises both by several): the
    model, made from the longer text's layout, balances its columns to the height the layout gives them."""
    key = "07-pre-departure-assistance-morocco.es"
    source = sheets.source(key)
    original = source.read_text(encoding="utf-8")
    try:
        source.write_text(with_more_words(original, added, own_words(original), paragraph_length(original)), "utf-8")
        _, layout = sheets.lay_out(key)
    finally:
        source.write_text(original, encoding="utf-8")
    assert len(layout.document.pages) == 2
    flow, laid_out = page_2_flow(layout.document)
    assert flow.height() == pytest.approx(laid_out, abs=0.2)


def test_the_room_search_ends_whatever_the_page_leaves():
    """A flow the model cannot fill (a page far taller than any sheet's) stops at a bound; an empty one has none."""
    shape = Shape(paragraph_words=30, words_per_line=10.0, pitch=16.0, gap=7.5, kept=3)
    line = Item(0.0, 16.0, element=object(), section=object())
    endless = Flow([line], max_height=1e9, limit=1e9, shape=shape)
    assert MOST_WORDS - shape.paragraph_words <= endless.room() <= MOST_WORDS + shape.paragraph_words
    assert Flow([], max_height=1e9, limit=1e9, shape=shape).room() == 0
