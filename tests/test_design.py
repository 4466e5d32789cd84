"""The facts of the sheet's design the contract relies on are the stylesheet's and the template's own.

printing/design.py reads what the laid-out boxes carry (columns, the lines a paragraph keeps at a break, the page's
width) and names the rest once; these tests hold both against styles/sheet.css and templates/sheet.html, so that
a change of the design shows here rather than as a wrong room figure.
"""

from __future__ import annotations

import re

import tinycss2

from knowledge_bites.pipeline import Options, preparer
from knowledge_bites.printing import design
from knowledge_bites.printing.balance import body_lines, element_box
from knowledge_bites.printing.contract import lay_out
from knowledge_bites.printing.printer import Printer
from knowledge_bites.project import Project
from knowledge_bites.sources import load_series

from .conftest import ROOT, compiled_languages

PRACTICE = "07-pre-departure-assistance-morocco.en"


def declarations(selector: str) -> dict[str, str]:
    """Return the declarations of the stylesheet's rule for exactly this selector, as written."""
    sheet = tinycss2.parse_stylesheet((ROOT / "styles" / "sheet.css").read_text(encoding="utf-8"), True, True)
    found: dict[str, str] = {}
    for rule in sheet:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == selector:
            for item in tinycss2.parse_declaration_list(rule.content, True, True):
                if item.type == "declaration":
                    found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def laid_out():
    series = load_series(ROOT / "content")
    project = Project.at(ROOT, output=ROOT / "unused")
    sheet = next(s for s in series.sheets if s.key == PRACTICE)
    job = preparer(project, series, compiled_languages(series), options=Options())(sheet)
    return lay_out(Printer(project.styles, project.asset_roots), job, ROOT.as_uri() + "/").document


def test_the_layout_facts_read_from_the_boxes_are_the_stylesheets():
    document = laid_out()
    body = element_box(document.pages[0], "main")
    assert design.columns(body) == int(declarations(".body")["columns"])
    kept = declarations(".body p, .body li")
    first = next(line for line in body_lines(document.pages[0]) if line.element.tag == "p")
    assert design.lines_kept(first) == max(int(kept["orphans"]), int(kept["widows"]))
    assert declarations("@page") == {} and "size: A4 portrait" in (ROOT / "styles" / "sheet.css").read_text()
    assert design.tall_page_2(document) == f"@page :nth(n+2) {{ size: 210mm {design.TALL_PAGE_MM}mm; }}"  # A4


def test_the_closing_parts_the_contract_names_are_the_templates():
    template = (ROOT / "templates" / "sheet.html").read_text(encoding="utf-8")
    ids = re.findall(r'<section class="[^"]*" id="(closing-[\w-]+)"', template)
    assert set(design.CLOSING_NAMES) == set(ids)
    assert set(design.CLOSING_IDS) <= set(ids)


def test_a_sheet_has_the_pages_the_short_closing_block_is_sized_for():
    """`body.short .closing` fills page 2 less 2 mm: the page's content height, so the short form is two pages."""
    short = declarations("body.short .closing")
    assert short["break-before"] == "page" and short["min-height"] == "264mm"  # 297 - 14 - 17 - 2
    assert len(laid_out().pages) == design.PAGE_COUNT


def test_the_closing_block_laid_out_alone_is_the_same_without_the_rest_of_the_sheet():
    """The room on a short sheet is measured on its closing block laid out alone: the HTML cut to that block gives
    exactly the block the whole HTML gives with the rest hidden."""
    from knowledge_bites.printing.contract import CLOSING_ALONE

    template = (ROOT / "templates" / "sheet.html").read_text(encoding="utf-8")
    assert template.count(design.CLOSING_START) == 1
    series = load_series(ROOT / "content")
    project = Project.at(ROOT, output=ROOT / "unused")
    prepare = preparer(project, series, compiled_languages(series), options=Options())
    printer = Printer(project.styles, project.asset_roots)
    for key in ("03-entrepreneurship-burkina-faso.es", "09-smes-iraq.ar"):
        html = prepare(next(s for s in series.sheets if s.key == key)).html
        cut = design.closing_block_only(html)
        assert "<main" not in cut and "masthead" not in cut and cut.endswith(html[html.index(design.CLOSING_START) :])
        heights = []
        for each in (html, cut):
            document, _ = printer.layout(each, ROOT.as_uri() + "/", CLOSING_ALONE)
            heights.append((len(document.pages), element_box(document.pages[0], "footer").margin_height()))
        assert heights[0] == heights[1], key
    assert design.closing_block_only("<p>not a sheet</p>") == "<p>not a sheet</p>"
