"""Pages that look finished, measured on the layout (WeasyPrint's boxes) and on the printed pages.

Page 1 ends with text when the text runs on, a heading at the top of a column lines up with the other column, the
date under the title never starts a line, countries print in house style, a short text gets a page 2 designed
for its closing block, and a photo is shown whole or cropped only as its front matter says. The visual goldens
(test_visual.py) show the same pages.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image
from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ReplacedBox

from knowledge_bites.sources.schema import Photo

from .conftest import (
    GOOD_FRONT_MATTER,
    PHOTO_BOTTOM,
    PHOTO_KEY,
    PHOTO_TOP,
    ROOT,
    add_photo_practice,
    laid_out,
    only_languages,
    practice,
    run_build,
    shipped_sheets,
)

PX_PER_MM = 96 / 25.4
# The largest empty band page 1 may leave above its footer when the text runs on: a heading and three lines.
BAND_MM = 22


def _element(box: Any) -> Any:
    return getattr(box, "element", None)


def _flow(page: Any) -> list[Any]:
    """Return the boxes of a page's content area (not its running footer or page number)."""
    return [box for child in page._page_box.children if not isinstance(child, MarginBox) for box in child.descendants()]


def _main(page: Any) -> Any | None:
    return next((box for box in _flow(page) if _element(box) is not None and _element(box).tag == "main"), None)


def body_lines(page: Any) -> list[Any]:
    """Return the lines of body text on a page."""
    main = _main(page)
    return [] if main is None else [box for box in main.descendants() if isinstance(box, LineBox)]


def empty_band_mm(page: Any) -> float:
    """Return the height of the empty band between the page's last line or image and the bottom of its content."""
    box = page._page_box
    last = max(b.position_y + b.margin_height() for b in _flow(page) if isinstance(b, LineBox | ReplacedBox))
    return (box.content_box_y() + box.height - last) / PX_PER_MM


def of_class(page: Any, name: str) -> Any:
    """Return the first box on a page of an element with this class."""
    return next(b for b in _flow(page) if _element(b) is not None and name in (_element(b).get("class") or "").split())


def assert_page_one_ends_with_text(key: str, document: Any) -> None:
    first, second = document.pages
    if body_lines(second):
        assert body_lines(first), f"{key}: the text does not start on page 1 although it runs on to page 2"
        band = empty_band_mm(first)
        assert band <= BAND_MM, f"{key}: page 1 leaves {band:.0f} mm empty above its footer"


def test_page_one_ends_with_text_when_the_text_runs_on(shipped_layouts):
    for sheet in shipped_layouts.values():
        assert_page_one_ends_with_text(sheet.key, sheet.document)


@pytest.mark.parametrize(
    ("size", "focus"),
    [((1600, 1000), None), ((3000, 1000), None), ((2500, 1000), None), ((1600, 1000), "top")],
    ids=["3to2-whole", "3to1-whole", "5to2-whole", "3to2-band"],
)
def test_page_one_ends_with_text_under_a_photo(shipped_copy, size, focus):
    add_photo_practice(shipped_copy, size, focus)
    (sheet,) = laid_out(shipped_copy, (PHOTO_KEY,)).values()
    assert len(sheet.document.pages) == 2
    assert body_lines(sheet.document.pages[1]), "the test practice's text runs on to page 2"
    assert_page_one_ends_with_text(sheet.key, sheet.document)
    photo = of_class(sheet.document.pages[0], "photo")
    (image,) = [box for box in photo.descendants() if isinstance(box, ReplacedBox)]
    assert image.height / PX_PER_MM >= 35, "the photo gave way, but stays a photo"
    if focus is None:  # shown whole: the picture's own proportions
        assert image.width / image.height == pytest.approx(size[0] / size[1], rel=0.01)


def _share_of_colour(picture: Image.Image, colour: tuple[int, int, int]) -> float:
    pixels = picture.get_flattened_data()
    near = sum(1 for pixel in pixels if all(abs(a - b) <= 30 for a, b in zip(pixel, colour, strict=True)))
    return near / len(pixels)


@pytest.mark.parametrize(
    ("focus", "top_shown", "bottom_shown"), [(None, True, True), ("top", True, False), ("bottom", False, True)]
)
def test_a_photo_is_shown_whole_or_cropped_only_as_its_front_matter_says(shipped_copy, focus, top_shown, bottom_shown):
    add_photo_practice(shipped_copy, (1600, 1000), focus)
    (sheet,) = laid_out(shipped_copy, (PHOTO_KEY,)).values()
    document = pdfium.PdfDocument(sheet.document.write_pdf())
    try:
        page = document[0]
        picture = page.render(scale=600 / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    # The test picture's red top band and green bottom band are each a tenth of its height.
    assert (_share_of_colour(picture, PHOTO_TOP) > 0.002) == top_shown, "the top of the photo"
    assert (_share_of_colour(picture, PHOTO_BOTTOM) > 0.002) == bottom_shown, "the bottom of the photo"


def test_a_heading_at_the_top_of_a_column_lines_up_with_the_other_column(shipped_layouts):
    for sheet in shipped_layouts.values():
        for number, page in enumerate(sheet.document.pages, 1):
            main = _main(page)
            columns = [] if main is None else [column for column in main.children if body_lines_of(column)]
            if len(columns) < 2:
                continue
            tops = [body_lines_of(column)[0].position_y for column in columns]
            gap = (max(tops) - min(tops)) / PX_PER_MM
            assert gap < 0.2, f"{sheet.key}, page {number}: the columns' first lines are {gap:.1f} mm apart"


def body_lines_of(column: Any) -> list[Any]:
    return [box for box in column.descendants() if isinstance(box, LineBox)]


def test_the_date_under_the_title_never_starts_a_line(shipped_layouts):
    wrapped = 0
    for sheet in shipped_layouts.values():
        meta = of_class(sheet.document.pages[0], "masthead-meta")
        lines = [box for box in meta.descendants() if isinstance(box, LineBox)]
        wrapped += len(lines) > 1
        for line in lines:
            first = line.children[0]
            assert "published" not in (_element(first).get("class") or ""), f"{sheet.key}: a line starts with the date"
    assert wrapped >= 2, "#7's nine countries wrap the line under the title, in both languages"


@pytest.mark.parametrize(
    ("lang", "name"), [("en", "Democratic Republic of the Congo"), ("es", "República Democrática del Congo")]
)
def test_countries_print_in_the_organisations_house_style(shipped_build, lang, name):
    (sheet,) = [s for s in shipped_sheets() if s.key.startswith("07-") and s.lang == lang]
    document = pdfium.PdfDocument(str(shipped_build.output / sheet.pdf))
    try:
        text = " ".join(page.get_textpage().get_text_bounded() for page in document)
    finally:
        document.close()
    text = re.sub(r"\s+", " ", re.sub(r"\u2010\s+", "", text))  # lines joined, hyphenated words whole
    assert "Kinshasa" not in text  # CLDR's short form, "Congo - Kinshasa"
    assert text.count(name) >= 2, "in the line under the title and in the facts at a glance"


def test_a_short_text_gives_page_two_to_its_closing_block_laid_out_for_the_page(shipped_layouts):
    short = [sheet for sheet in shipped_layouts.values() if not body_lines(sheet.document.pages[1])]
    assert len(short) == 8, "#3 to #6 end on page 1, in both languages"
    for sheet in short:
        page = sheet.document.pages[1]
        top = page._page_box.content_box_y()
        call = of_class(page, "cta")
        others = of_class(page, "others")
        assert call.position_y - top < 1, f"{sheet.key}: the invitation leads page 2"
        # The fine print sits at the foot of the page; the list of other practices stands between, apart from both.
        assert empty_band_mm(page) < 5, f"{sheet.key}: the closing block is stranded at the top of page 2"
        above = (others.position_y - (call.position_y + call.margin_height())) / PX_PER_MM
        below = (of_class(page, "fineprint").position_y - (others.position_y + others.margin_height())) / PX_PER_MM
        assert above > 20 and below > 20, f"{sheet.key}: {above:.0f} mm above the list, {below:.0f} mm below"


@pytest.mark.parametrize(
    ("written", "meant"), [("top", "top"), ("Centre", "center"), ("bottom", "bottom"), ("50% 30%", "50% 30%")]
)
def test_a_photo_focus_is_a_word_or_a_point(written, meant):
    assert Photo.model_validate({"file": "images/a.jpg", "alt": "A photo", "focus": written}).focus == meant


@pytest.mark.parametrize("written", ["middle", "50%", "120% 30%", "50 30"])
def test_a_photo_focus_that_names_no_part_of_the_photo_says_what_to_write(scratch, tmp_path, written):
    shutil.copy(ROOT / "styles" / "logo.svg", scratch / "logo.svg")
    front = GOOD_FRONT_MATTER + f'photo: {{file: "logo.svg", alt: "The series logo", focus: "{written}"}}\n'
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front), encoding="utf-8")
    only_languages(scratch, "en")
    status, log = run_build(ROOT, "--content", str(scratch), "--output", str(tmp_path / "out"), "--check")
    assert status == 1
    assert re.search(
        r"03-entrepreneurship\.en\.md:\d+: photo\.focus: expected top, center, bottom, left, right or a point as "
        rf'"X% Y%" from the top left corner of the photo \(such as "50% 30%"\), got "{re.escape(written)}"',
        log,
    ), log
