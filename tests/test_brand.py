"""Brand tokens and type sizes: text is large enough and contrasts with what it sits on (WCAG 2.1 AA)."""

from __future__ import annotations

import re

from weasyprint.formatting_structure import boxes

from .test_typography import PT, classes

AA_TEXT = 4.5  # WCAG 2.1 AA, 1.4.3: text
AA_LARGE_TEXT = 3.0  # text of at least 18 pt, or 14 pt bold
BODY_MIN_PT = 9.0  # reading text: body, summary, at-a-glance values, call to action
SMALL_MIN_PT = 7.0  # labels, captions, footer and fine print
READING_CLASSES = {"summary", "fact-value", "cta"}  # with <main>, the body: where reading text is

# Each text colour on each background it is used on in sheet.css, and where.
TEXT_PAIRS = [
    ("ink", "white", "body text"),
    ("ink", "tint", "key-figure labels, call-to-action text"),
    ("on-brand", "brand", "title and practice number in the header band; the call-to-action button"),
    ("on-brand-soft", "brand", "series name, countries and date in the header band"),
    ("on-good", "good", "'good practice' badge"),
    ("on-promising", "promising", "'promising practice' badge"),
    ("on-innovative", "innovative", "'innovative practice' badge"),
    ("brand-deep", "white", "headings, at-a-glance labels, numbers of other practices"),
    ("brand-deep", "tint", "key-figure values, call-to-action heading"),
    ("ink-soft", "white", "running footer, page numbers, fine print"),
    ("ink-soft", "tint", "key-figure dates"),
    ("link", "white", "links in the body text"),
    ("link", "tint", "contact address in the call to action"),
    ("accent-deep", "white", "list markers, including the numbers of numbered lists"),
]


def brand_tokens(root) -> dict[str, str]:
    """Read the colour tokens (custom properties) of styles/brand.css."""
    css = (root / "styles" / "brand.css").read_text(encoding="utf-8")
    tokens = dict(re.findall(r"--([\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;", css))
    tokens["white"] = "#ffffff"  # the page
    return tokens


def luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance of an sRGB colour with components from 0 to 1 (WCAG 2.1)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_rgb(value: str) -> tuple[float, float, float]:
    return tuple(int(value[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def test_text_colours_contrast_with_their_backgrounds(root):
    tokens = brand_tokens(root)
    failing = [
        f"--{fg} on --{bg} ({where}): {contrast(hex_rgb(tokens[fg]), hex_rgb(tokens[bg])):.2f}:1"
        for fg, bg, where in TEXT_PAIRS
        if contrast(hex_rgb(tokens[fg]), hex_rgb(tokens[bg])) < AA_TEXT
    ]
    assert failing == [], f"below {AA_TEXT}:1"


def test_every_colour_the_stylesheet_uses_is_a_checked_pair(root):
    css = (root / "styles" / "sheet.css").read_text(encoding="utf-8")
    foregrounds = {fg for fg, _, _ in TEXT_PAIRS}
    backgrounds = {bg for _, bg, _ in TEXT_PAIRS}
    assert set(re.findall(r"(?<![-\w])color:\s*var\(--([\w-]+)\)", css)) <= foregrounds
    assert set(re.findall(r"background(?:-color)?:\s*var\(--([\w-]+)\)", css)) <= backgrounds


def test_stylesheet_sets_no_text_below_the_minimum_sizes(root):
    css = (root / "styles" / "sheet.css").read_text(encoding="utf-8")
    brand = (root / "styles" / "brand.css").read_text(encoding="utf-8")
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    sizes += [float(s) for s in re.findall(r"font:\s*\d+\s+([\d.]+)pt", css)]
    assert sizes and min(sizes) >= SMALL_MIN_PT
    others = re.sub(r"font-size:\s*[\d.]+pt|font-size:\s*var\(--text-size\)", "", css)
    assert "font-size:" not in others, "give font sizes in pt (or var(--text-size)) so that this test can read them"
    (text_size,) = re.findall(r"--text-size:\s*([\d.]+)pt", brand)
    assert float(text_size) >= BODY_MIN_PT


def printed_text(page):
    """Yield (text box, background colour behind it, whether it is reading text) for the page's text."""

    def visit(box, background, reading):
        if box.element is not None and box.element_tag:
            reading = reading or box.element_tag == "main" or bool(classes(box) & READING_CLASSES)
        colour = box.style["background_color"]
        if colour.alpha > 0:
            background = tuple(colour)[:3]
        if isinstance(box, boxes.TextBox) and box.text.strip():
            yield box, background, reading
        for child in getattr(box, "children", ()):
            yield from visit(child, background, reading)

    yield from visit(page._page_box, (1.0, 1.0, 1.0), False)


def test_printed_text_is_large_enough_and_contrasts_with_its_background(shipped_layouts):
    """Check what is actually printed, inherited styles included, on every page of every sheet."""
    reading_sizes = set()
    for sheet in shipped_layouts.values():
        for number, page in enumerate(sheet.document.pages, 1):
            for box, background, reading in printed_text(page):
                size = box.style["font_size"] / PT
                where = f"{sheet.key} page {number}: {box.text.strip()[:30]!r}"
                assert size >= (BODY_MIN_PT if reading else SMALL_MIN_PT) - 0.01, f"{where} is set in {size:.1f} pt"
                if reading:
                    reading_sizes.add(round(size, 1))
                large = size >= 18 or (size >= 14 and box.style["font_weight"] >= 700)
                ratio = contrast(tuple(box.style["color"])[:3], background)
                assert ratio >= (AA_LARGE_TEXT if large else AA_TEXT), f"{where}: contrast {ratio:.2f}:1"
    assert {9.0, 9.5, 11.5} <= reading_sizes  # glance values and call to action, body, summary
