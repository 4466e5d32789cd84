"""The changed column layout (printing/multicolumn.py) prints exactly what WeasyPrint's own prints, with fewer
column layouts where its last trial can stand as the final columns, and the same layouts where it cannot."""

from __future__ import annotations

import hashlib

import pytest

from knowledge_bites.pipeline import Options, preparer
from knowledge_bites.printing import multicolumn
from knowledge_bites.printing.contract import lay_out
from knowledge_bites.printing.engine import EngineVersionError, import_weasyprint
from knowledge_bites.printing.printer import Printer
from knowledge_bites.project import Project
from knowledge_bites.sources import load_series

from .conftest import ROOT, compiled_languages

import_weasyprint()

import weasyprint  # noqa: E402
from weasyprint.layout import block, column  # noqa: E402

PARAGRAPH = "<p>" + "Returnees start small businesses with support and follow-up. " * 6 + "</p>"
PAGE = "@page { size: A5; margin: 15mm } .c { columns: 2 }"
# Columns that run over pages, each with what the last trial of their columns holds.
REUSED = {
    "paragraphs": f"<style>{PAGE}</style><div class=c>{PARAGRAPH * 9}</div>",
    "outside list markers": f"<style>{PAGE}</style><div class=c>"
    + ("<ul>" + "<li>Plan early and follow up.</li>" * 8 + "</ul>" + PARAGRAPH) * 6
    + "</div>",
    "margins above sections, at the top of page 2": f"<style>{PAGE} section {{ margin-top: 12mm }}</style><div class=c>"
    + f"<section><h2>Context</h2>{PARAGRAPH}</section>" * 9
    + "</div>",
    "orphans and widows": f"<style>{PAGE} p {{ orphans: 3; widows: 3 }}</style><div class=c>{PARAGRAPH * 7}</div>",
    "a first box too high for the page": f"<style>{PAGE} .t {{ height: 200mm }}</style><h1>Title</h1><div class=c>"
    + f"<div class=t></div>{PARAGRAPH * 3}</div>",
    "boxes kept whole": f"<style>{PAGE} .k {{ break-inside: avoid; border: 1px solid }}</style><div class=c>"
    + f"<div class=k>{PARAGRAPH * 2}</div>" * 6
    + "</div>",
    "headings kept with what follows": f"<style>{PAGE} h2 {{ break-after: avoid }}</style><div class=c>"
    + f"<h2>Context</h2><h2>Results</h2>{PARAGRAPH}" * 8
    + "</div>",
    "tables": f"<style>{PAGE}</style><div class=c>"
    + ("<table>" + "<tr><td>Returnees</td><td>452</td></tr>" * 15 + "</table>" + PARAGRAPH) * 4
    + "</div>",
    "three columns": f"<style>{PAGE} .c {{ columns: 3 }}</style><div class=c>{PARAGRAPH * 14}</div>",
    "a heading across the columns": f"<style>{PAGE} h1 {{ column-span: all }}</style><div class=c>{PARAGRAPH * 3}"
    + f"<h1>Results</h1>{PARAGRAPH * 8}</div>",
    "a forced column break": f"<style>{PAGE} .b {{ break-before: column }}</style><div class=c>{PARAGRAPH * 2}"
    + f"<p class=b>After the break.</p>{PARAGRAPH * 6}</div>",
}
# Columns whose trials leave something in the layout context, or that WeasyPrint lays out otherwise: laid out again.
LAID_OUT_AGAIN = {
    "a float": f"<style>{PAGE} .f {{ float: left; width: 20mm; height: 20mm }}</style><div class=c>"
    + f"{PARAGRAPH}<div class=f></div>" * 8
    + "</div>",
    "a footnote": f"<style>{PAGE} .n {{ float: footnote }}</style><div class=c>"
    + f"{PARAGRAPH}<p>See<span class=n>A note.</span></p>" * 8
    + "</div>",
    "a height set": f"<style>{PAGE} .c {{ height: 60mm }}</style><div class=c>{PARAGRAPH * 3}</div>",
    "right to left": f"<style>{PAGE}</style><div class=c dir=rtl>{PARAGRAPH * 9}</div>",
}


def column_boxes(monkeypatch: pytest.MonkeyPatch, changed: bool) -> list[int]:
    """Lay columns out with WeasyPrint's layout or the changed one; return a list that counts the column boxes made."""
    made: list[int] = []
    layout = multicolumn.changed_columns_layout() if changed else column.columns_layout
    names = layout.__globals__
    create = names["_create_column_box"]

    def counted(*args, **kwargs):
        made.append(1)
        return create(*args, **kwargs)

    monkeypatch.setitem(names, "_create_column_box", counted)
    monkeypatch.setattr(block, "columns_layout", layout)
    return made


def printed(html: str) -> str:
    return hashlib.sha256(weasyprint.HTML(string=html).render().write_pdf(pdf_identifier=b"test")).hexdigest()


@pytest.mark.parametrize("name", list(REUSED) + list(LAID_OUT_AGAIN))
def test_columns_print_as_with_weasyprints_own_layout(name, monkeypatch):
    html = {**REUSED, **LAID_OUT_AGAIN}[name]
    with monkeypatch.context() as patch:
        theirs = column_boxes(patch, changed=False)
        expected = printed(html)
    ours = column_boxes(monkeypatch, changed=True)
    assert printed(html) == expected
    if name in REUSED:
        assert len(ours) < len(theirs), (len(ours), len(theirs))
    else:
        assert len(ours) == len(theirs)


@pytest.mark.parametrize(
    "key",
    [
        "02-employment-through-training-burkina-faso.en",  # runs on to page 2, where its columns are balanced
        "07-pre-departure-assistance-morocco.es",  # ends on page 1, in its short form
        "09-smes-iraq.ar",  # right to left
    ],
)
def test_shipped_sheets_print_the_same_pdf(key, monkeypatch):
    series = load_series(ROOT / "content")
    prepare = preparer(Project.at(ROOT, ROOT / "content"), series, compiled_languages(series), options=Options())
    job = prepare(next(sheet for sheet in series.sheets if sheet.key == key))
    printer = Printer(ROOT / "styles", [ROOT / "styles", ROOT / "content"])

    def pdf() -> bytes:
        return printer.draw(lay_out(printer, job, ROOT.as_uri() + "/").document, job.identity)[0]

    with monkeypatch.context() as patch:
        theirs = column_boxes(patch, changed=False)
        expected = pdf()
    ours = column_boxes(monkeypatch, changed=True)
    assert pdf() == expected
    if key.endswith(".ar"):  # right to left: laid out again, as WeasyPrint does
        assert len(ours) == len(theirs)
    else:
        assert len(ours) < len(theirs)


def test_another_column_layout_is_refused_in_one_line(monkeypatch):
    source = multicolumn.inspect.getsource(column.columns_layout)
    monkeypatch.setattr(
        multicolumn.inspect, "getsource", lambda _: source.replace("page_is_empty or not balancing", "balancing")
    )
    monkeypatch.setattr(block, "columns_layout", column.columns_layout)  # as in a process that has not installed it
    with pytest.raises(EngineVersionError) as raised:
        import_weasyprint()
    assert "\n" not in str(raised.value)
    assert "printing/multicolumn.py" in str(raised.value)


def test_the_build_lays_columns_out_with_the_changed_layout():
    multicolumn.install()
    assert block.columns_layout.__code__.co_filename == multicolumn.NAME
