"""Typography of the laid-out sheets: text stays on the page, no widows or orphans, hyphenation, title sizes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise

import pyphen
import pytest
from weasyprint.formatting_structure import boxes

from knowledge_bites.printing.printer import Printer
from knowledge_bites.render.sheet import Renderer
from knowledge_bites.sources import load_series

from .conftest import GOOD_FRONT_MATTER, compiled_languages, practice

PT = 4 / 3  # CSS px per point
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character


def classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set(element.get("class", "").split()) if element is not None and box.element_tag else set()


def flow_boxes(page) -> Iterator[tuple[object, object | None]]:
    """Yield (box, the masthead box around it or None) for every box of the page, margin boxes excepted."""

    def visit(box, masthead):
        if isinstance(box, boxes.MarginBox):
            return
        if "masthead" in classes(box):
            masthead = box
        yield box, masthead
        for child in getattr(box, "children", ()):
            yield from visit(child, masthead)

    yield from visit(page._page_box, None)


def test_no_text_or_image_runs_off_the_page(shipped_layouts):
    """Every piece of text and every image lies inside the page's content area (the header band: inside its padding)."""
    for sheet in shipped_layouts.values():
        for number, page in enumerate(sheet.document.pages, 1):
            page_box = page._page_box
            area = (
                page_box.content_box_x(),
                page_box.content_box_y(),
                page_box.content_box_x() + page_box.width,
                page_box.content_box_y() + page_box.height,
            )
            for box, masthead in flow_boxes(page):
                if not isinstance(box, boxes.TextBox | boxes.ReplacedBox) or (
                    isinstance(box, boxes.TextBox) and not box.text.strip()
                ):
                    continue
                # The header band bleeds to the page edges by design; its text keeps inside its padding.
                left, top, right, bottom = area
                if masthead is not None:
                    left, top = masthead.content_box_x(), masthead.content_box_y()
                    right, bottom = left + masthead.width, top + masthead.height
                x, y = box.position_x, box.position_y
                inside = (
                    x >= left - 0.5
                    and y >= top - 0.5
                    and x + box.width <= right + 0.5
                    and y + box.height <= bottom + 0.5
                )
                what = box.text if isinstance(box, boxes.TextBox) else box.element.get("src")
                assert inside, f"{sheet.key} page {number}: {what!r} runs outside the content area"


def test_no_two_lines_of_text_overlap(shipped_layouts):
    """Lines of text never sit on top of each other (as when floats escape their container)."""
    for sheet in shipped_layouts.values():
        for number, page in enumerate(sheet.document.pages, 1):
            lines = [
                (box.position_x, box.position_y, box.position_x + box.width, box.position_y + box.height, box)
                for box, _ in flow_boxes(page)
                if isinstance(box, boxes.LineBox)
                and any(isinstance(child, boxes.TextBox) and child.text.strip() for child in box.descendants())
            ]
            for index, (x0, y0, x1, y1, box) in enumerate(lines):
                for u0, v0, u1, v1, other in lines[index + 1 :]:
                    overlap_x = min(x1, u1) - max(x0, u0)
                    overlap_y = min(y1, v1) - max(y0, v0)
                    # Nested line boxes (an inline-block's lines inside its parent's line) share space by design.
                    nested = any(child is other for child in box.descendants()) or any(
                        child is box for child in other.descendants()
                    )
                    assert nested or overlap_x <= 1 or overlap_y <= 1, (
                        f"{sheet.key} page {number}: two lines overlap at y={y0:.0f} and y={v0:.0f}"
                    )


def fragments_by_element(document, tags: tuple[str, ...]) -> dict[object, list[tuple[int, object]]]:
    """Return, for each element with one of these tags, the number of lines and the style of each fragment."""
    found: dict[object, list[tuple[int, object]]] = defaultdict(list)
    for page in document.pages:
        for box, _ in flow_boxes(page):
            if isinstance(box, boxes.BlockBox) and box.element_tag in tags and box.element is not None:
                lines = sum(1 for child in box.children if isinstance(child, boxes.LineBox))
                if lines:
                    found[box.element].append((lines, box.style))
    return found


def test_body_text_has_no_widows_or_orphans(shipped_layouts):
    split = 0
    for sheet in shipped_layouts.values():
        for element, fragments in fragments_by_element(sheet.document, ("p", "li")).items():
            if len(fragments) > 1:
                split += 1
                text = "".join(element.itertext())[:40]
                (first, style), (last, _) = fragments[0], fragments[-1]
                # sheet.css asks for 3 lines; a single line left behind or carried over must never happen.
                assert first >= max(2, style["orphans"]), f"{sheet.key}: {first} line(s) of {text!r} left behind"
                assert last >= max(2, style["widows"]), f"{sheet.key}: {last} line(s) of {text!r} carried over"
    assert split >= 3  # the rule was exercised: some paragraphs do break across columns and pages


def test_key_figures_stay_together_on_page_one(shipped_layouts):
    with_figures = 0
    for sheet in shipped_layouts.values():
        panels = [
            (number, box)
            for number, page in enumerate(sheet.document.pages, 1)
            for box, _ in flow_boxes(page)
            if "key-figures" in classes(box)
        ]
        if not panels:
            continue
        with_figures += 1
        assert [number for number, _ in panels] == [1], f"{sheet.key}: the key figures are split"
        figures = [box for box, _ in flow_boxes(sheet.document.pages[0]) if "figure" in classes(box)]
        assert len({id(box.element) for box in figures}) == len(figures), f"{sheet.key}: a key figure is split"
    assert with_figures >= 10


def hyphenated_breaks(document) -> Iterator[tuple[str, str]]:
    """Yield (start, rest) of each word the layout hyphenated at a line end in the body text."""
    for element_lines in _body_lines(document).values():
        for line, following in pairwise(element_lines):
            if line.endswith(HYPHEN) and following.strip():
                yield line.split()[-1][:-1], following.split()[0]


def _body_lines(document) -> dict[object, list[str]]:
    lines: dict[object, list[str]] = defaultdict(list)
    for page in document.pages:
        for box, _ in flow_boxes(page):
            if isinstance(box, boxes.BlockBox) and box.element_tag in ("p", "li") and box.element is not None:
                for line in box.children:
                    if isinstance(line, boxes.LineBox):
                        text = "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox))
                        lines[box.element].append(text.rstrip())
    return lines


@pytest.mark.parametrize("lang", ["es", "en"])
def test_body_text_is_hyphenated_by_the_rules_of_its_language(shipped_layouts, lang):
    dictionary = pyphen.Pyphen(lang="es" if lang == "es" else "en_GB")
    breaks = [b for sheet in shipped_layouts.values() if sheet.lang == lang for b in hyphenated_breaks(sheet.document)]
    assert len(breaks) >= 20, breaks
    for start, rest in breaks:
        word = (start + rest).rstrip(".,;:)»")
        assert len(start) in dictionary.positions(word.lower()), f"{start}-{rest} is not a {lang} hyphenation point"


def title_of(document):
    return next(box for box, _ in flow_boxes(document.pages[0]) if box.element_tag == "h1")


def title_rule(title: str) -> tuple[float, int]:
    """The title size rule of sheet.css: (font size in pt, most lines) for a title of this length."""
    if len(title) > 150:
        return 15, 4
    if len(title) > 90:
        return 18, 3
    return 22, 2


def check_title(key: str, title: str, document) -> None:
    box = title_of(document)
    size, most_lines = title_rule(title)
    lines = [line for line in box.children if isinstance(line, boxes.LineBox)]
    assert box.style["font_size"] == pytest.approx(size * PT), f"{key}: title set in the wrong size"
    assert len(lines) <= most_lines, f"{key}: a {len(title)}-character title takes {len(lines)} lines"


def test_titles_follow_the_size_rule(shipped_layouts):
    longest = {
        lang: max((s for s in shipped_layouts.values() if s.lang == lang), key=lambda s: len(s.title))
        for lang in ("en", "es")
    }
    assert len(longest["en"].title) > 160 and len(longest["es"].title) > 200  # #8, the longest titles
    for sheet in shipped_layouts.values():
        check_title(sheet.key, sheet.title, sheet.document)


SPANISH_WORDS = (
    "Fortalecimiento de la cohesión social y de la reintegración sostenible mediante la planificación participativa, "
    "la creación de empleo y el apoyo psicosocial para las personas que retornan y sus comunidades de acogida "
)


@pytest.mark.parametrize("length", [90, 150, 260])  # the longest title of each size, up to the schema's limit
def test_long_titles_fit_their_band_at_a_readable_size(scratch, root, length):
    title = (SPANISH_WORDS * 3)[:length].rstrip(" ,")
    title += "x" * (length - len(title))
    front = GOOD_FRONT_MATTER.replace('"Support for Entrepreneurship in Burkina Faso"', f'"{title}"')
    (scratch / "practices" / "03-entrepreneurship.es.md").write_text(practice(front), encoding="utf-8")
    series = load_series(scratch)
    assert not [p for p in series.problems if p.severity == "error"], series.problems
    renderer = Renderer(root / "templates", root, series, compiled_languages(series))
    document, _ = Printer(root / "styles", [root / "styles", scratch]).layout(
        renderer.render(series.sheets[0]), root.as_uri() + "/"
    )
    check_title("scratch", title, document)
    size, _ = title_rule(title)
    assert size >= 15
