"""The preview's series page with five languages, in a real browser: every card laid out so that nothing overlaps,
no title cut to a word or two, and the languages a practice still lacks said in one note.

A series of three practices in English, Spanish, French, Portuguese and German: practice 1 in all five, practice 2
in three, practice 3 in two (the translations are started from the English text, as a translator starts them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import copy_project, run_build
from .test_preview_browser import CHROMIUM, PICTURES_LOADED, Server, browser, serving, settled, until

__all__ = ["browser"]  # the browser of test_preview_browser.py, one per module
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")

PRACTICES = [
    "01-cash-for-work-guinea",
    "02-employment-through-training-burkina-faso",
    "03-entrepreneurship-burkina-faso",
]
ADDED = {"fr": "fr", "pt": "pt_PT", "de": "de"}
# Where the screenshot goes, to look at: a folder given in KB_SCREENSHOTS, or the test's temporary folder.
SCREENSHOTS = os.environ.get("KB_SCREENSHOTS")


def five_languages(project: Path) -> None:
    """Give the series Portuguese and German (its settings in English for now), all three in progress."""
    path = project / "content" / "series.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [data["series_name"], data["short_name"], data["publisher"], data["disclaimer"]]
    texts += [data["call_to_action"]["text"], data["call_to_action"]["link_text"], *data["regions"].values()]
    for text in texts:
        for lang in ADDED:
            text.setdefault(lang, text["en"])
    data["languages"] = {"en": "en_GB", "es": "es", **ADDED}
    data["languages_in_progress"] = list(ADDED)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for number, languages in ((1, ADDED), (2, ["fr"])):
        for lang in languages:
            status, log = run_build(project, "translations", "--start", str(number), "--lang", lang)
            assert status == 0, log


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    project = copy_project(tmp_path_factory.mktemp("languages") / "project", PRACTICES)
    five_languages(project)
    with serving(project) as running:
        yield running


# Every box a tile shows, and the tile's own; then each pair that overlaps, and each box that leaves its tile.
BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const meets = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const inside = (a, b) => a.l >= b.l - 0.5 && a.r <= b.r + 0.5 && a.t >= b.t - 0.5 && a.b <= b.b + 0.5;
  const tiles = [...document.querySelectorAll('.tile')].filter((t) => !t.hidden);
  const found = [];
  tiles.forEach((tile, i) => {
    const parts = [...tile.querySelectorAll('.cover, .lang, .chip, .title, .fit, .note, .problem')]
      .filter((e) => e.getClientRects().length > 0 && e.textContent !== null)
      .map((e) => [e.className, box(e)]);
    for (let a = 0; a < parts.length; a++) {
      if (!inside(parts[a][1], box(tile))) found.push(`${tile.dataset.key}: ${parts[a][0]} leaves its tile`);
      for (let b = a + 1; b < parts.length; b++) {
        if (meets(parts[a][1], parts[b][1])) found.push(`${tile.dataset.key}: ${parts[a][0]} overlaps ${parts[b][0]}`);
      }
    }
    tiles.slice(i + 1).forEach((other) => {
      if (meets(box(tile), box(other))) found.push(`${tile.dataset.key} overlaps ${other.dataset.key}`);
    });
  });
  return found;
}"""


@pytest.mark.parametrize("width", [1440, 1024])
def test_the_series_page_lays_out_five_languages_with_nothing_overlapping(server, browser, width, tmp_path):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(server.url + "/")
    settled(page)
    until(page, "document.querySelectorAll('.tile').length === 10", "a tile per sheet")
    until(page, f"({PICTURES_LOADED})([...document.querySelectorAll('.tile img')])", "the pictures of page 1")

    assert page.evaluate(BOXES) == []
    # Each title shows whole lines of several words, not one or two words cut off.
    widths = page.evaluate("[...document.querySelectorAll('.tile .title')].map(e => e.getBoundingClientRect().width)")
    assert min(widths) >= 150, widths
    first = page.locator(".practice").first
    assert [first.locator(".lang").nth(i).inner_text() for i in range(5)] == [
        "English",
        "Spanish",
        "French",
        "Portuguese",
        "German",
    ]
    # Practice 3 is in English and Spanish only: its English sheet says what is still to come, in one note.
    third = page.locator(".tile[data-key='03-entrepreneurship-burkina-faso.en'] .note")
    assert third.count() == 1
    assert third.inner_text() == "No French, Portuguese and German versions yet"
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"series-page-five-languages-{width}.png"), full_page=True)
    page.close()
