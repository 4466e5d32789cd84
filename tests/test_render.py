"""Template rendering: labels, formatting, escaping and sections in the HTML of a sheet."""

from __future__ import annotations

import shutil
from pathlib import Path

from knowledge_bites.render.sheet import Renderer
from knowledge_bites.sources import load_series

from .conftest import GOOD_FRONT_MATTER, compiled_languages, only_languages, practice


def renderer_for(content: Path, root: Path) -> tuple[Renderer, object]:
    series = load_series(content)
    return Renderer(root / "templates", root, series, compiled_languages(series)), series


def sheet(series, key):
    return next(s for s in series.sheets if s.key == key)


def test_spanish_sheet_has_spanish_labels_dates_numbers_and_countries(root):
    renderer, series = renderer_for(root / "content", root)
    html = renderer.render(sheet(series, "07-pre-departure-assistance-morocco.es"))
    assert '<html lang="es" dir="ltr" data-script="latn">' in html
    assert "Cifras clave" in html and "Key figures" not in html
    assert "Práctica n.º 7" in html
    assert "Publicada el 23 de noviembre de 2026" in html
    assert "1.589" in html
    assert "el Camerún" in html
    assert "septiembre de 2017 – diciembre de 2019" in html


def test_other_practices_list_every_other_sheet_in_the_sheet_language(root):
    renderer, series = renderer_for(root / "content", root)
    html = renderer.render(sheet(series, "10-smes-former-returnees-afghanistan.es"))
    others = html.split('id="closing-others"')[1].split("</section>")[0]
    assert others.count("<li>") == 9
    assert "Dinero por trabajo, Guinea" in others
    assert "#10" not in others


def test_body_sections_are_numbered_with_titles_and_sizes(scratch, root):
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(), encoding="utf-8")
    renderer, series = renderer_for(scratch, root)
    assert [(s.id, s.title, s.line) for s in series.sheets[0].sections] == [
        ("section-1", "Context", 17),
        ("section-2", "Recommendations", 21),
    ]
    assert 'id="section-2"><h2>Recommendations</h2>' in renderer.render(series.sheets[0])


def test_front_matter_text_prints_as_text_never_as_markup_or_template(scratch, root):
    front = GOOD_FRONT_MATTER.replace(
        '"Support for Entrepreneurship in Burkina Faso"', "\"Tools & <b>trade</b> {{ 7 * 7 }} 'quoted'\""
    )
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front), encoding="utf-8")
    renderer, series = renderer_for(scratch, root)
    html = renderer.render(series.sheets[0])
    assert "Tools &amp; &lt;b&gt;trade&lt;/b&gt; {{ 7 * 7 }} ‘quoted’" in html  # typographic quotes, as text
    assert "49" not in html


TRICKY = "Tools & <b>trade</b> {{ 7 * 7 }} {% if true %}yes{% endif %} 'single' \"double\""
TRICKY_HTML = "Tools &amp; &lt;b&gt;trade&lt;/b&gt; {{ 7 * 7 }} {% if true %}yes{% endif %} ‘single’ “double”"


def test_every_front_matter_text_prints_as_text_never_as_markup_or_template(scratch, root):
    quoted = '"' + TRICKY.replace('"', '\\"') + '"'
    front = (
        GOOD_FRONT_MATTER.replace('"Support for Entrepreneurship in Burkina Faso"', quoted)
        .replace('"Listed among the series\' good-practice sheets."', quoted)
        .replace('"beneficiaries attended orientation sessions"', quoted)
        .replace("summary: >\n  A short summary of the practice.\n", f"summary: {quoted}\n")
        + f"project: {quoted}\nfunder: {quoted}\npartners: [{quoted}]\n"
    )
    settings = scratch / "series.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace('publisher:\n  en: "', 'publisher:\n  en: "{{ 6 * 7 }} & <i>'),
        encoding="utf-8",
    )
    body = "\n## Context\n\nText {{ 6 * 7 }} and {% raw %} and &copy; and 3 < 4 & 5 > 2.\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(front, body), encoding="utf-8")
    renderer, series = renderer_for(scratch, root)
    assert series.problems == [] or all(p.severity == "warning" for p in series.problems)
    html = renderer.render(series.sheets[0])
    assert html.count(TRICKY_HTML) >= 7  # title (twice), reason, label, summary (twice), project, funder, partners
    assert "{{ 6 * 7 }} &amp; &lt;i&gt;" in html
    assert "Text {{ 6 * 7 }} and {% raw %} and © and 3 &lt; 4 &amp; 5 &gt; 2." in html
    assert "49" not in html and "42" not in html and "<b>trade" not in html


def test_raw_html_in_the_body_is_removed_with_a_warning(scratch, root):
    body = "\n## Context\n\nText.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(body=body), encoding="utf-8")
    only_languages(scratch, "en")
    renderer, series = renderer_for(scratch, root)
    html = renderer.render(series.sheets[0])
    assert "<script" not in html and "javascript:" not in html
    assert [(p.line, p.severity, p.message) for p in series.problems] == [
        (
            21,
            "warning",
            "raw HTML is not allowed in the text and was removed with its content: <script>alert(1)</script>",
        ),
        (23, "warning", "link 'javascript:alert(1)' is not allowed (use https: or mailto:) and was removed"),
    ]


def test_images_without_alternative_text_are_errors(scratch, root):
    (scratch / "photos").mkdir()
    shutil.copy(root / "styles" / "logo.svg", scratch / "photos" / "logo.svg")
    body = "\n## Context\n\n![ ](photos/logo.svg)\n\n![The series logo](photos/logo.svg)\n"
    (scratch / "practices" / "03-entrepreneurship.en.md").write_text(practice(body=body), encoding="utf-8")
    series = load_series(scratch)
    assert series.sheets == []  # checked before layout: the sheet is not built
    assert [(p.line, p.severity) for p in series.problems] == [(19, "error")]
    assert series.problems[0].message.startswith("image 'photos/logo.svg' has no alternative text")
