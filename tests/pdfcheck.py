"""An accessibility check of built PDFs, independent of the library that wrote them.

WeasyPrint writes the sheets (through pydyf); this module reads them back with pikepdf (qpdf) for the document
structure and with pdfium for where things are drawn, and lists what an accessibility checker looks at first.
"""

from __future__ import annotations

import ctypes
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import page as validator  # page-validation: an independent PDF/A and PDF/UA validator
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from knowledge_bites.render.languages import writing

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
}
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


# --- Structure tree -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """One structure element, in the tree's (logical reading) order."""

    tag: str
    depth: int
    obj: pikepdf.Dictionary


def _kids(element: pikepdf.Object) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def walk(element: pikepdf.Object, depth: int = 0) -> Iterator[Element]:
    """Yield the structure elements under `element`, depth first (the order assistive technology reads)."""
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield Element(str(kid.S), depth, kid)
            yield from walk(kid, depth + 1)


def marked_content_in_order(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """Return (page index, MCID) of the tagged content, in the structure tree's order."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[tuple[int, int]] = []

    def visit(element: pikepdf.Object, page: pikepdf.Object | None) -> None:
        page = element.get("/Pg", page)
        for kid in _kids(element):
            if isinstance(kid, int):
                found.append((pages[page.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.append((pages[kid.get("/Pg", page).objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                visit(kid, page)

    visit(pdf.Root.StructTreeRoot, None)
    return found


def number_tree(node: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """Flatten a number tree (the structure parent tree) into a dict."""
    values = {}
    nums = node.get("/Nums", [])
    for index in range(0, len(nums), 2):
        values[int(nums[index])] = nums[index + 1]
    for kid in node.get("/Kids", []):
        values.update(number_tree(kid))
    return values


# --- Content streams ------------------------------------------------------------------------------


@dataclass
class PageContent:
    """What one page's content stream marks: the MCIDs used, and text drawn outside any marked content."""

    mcids: list[int]
    untagged_text: int
    artifacts: int


def page_content(page: pikepdf.Page) -> PageContent:
    """Read a page's content stream for its marked-content sequences."""
    stack: list[tuple[str, int | None]] = []
    mcids: list[int] = []
    untagged = artifacts = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name == "BDC":
            properties = operands[1]
            mcid = (
                int(properties.MCID) if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties else None
            )
            stack.append((str(operands[0]), mcid))
            if mcid is not None:
                mcids.append(mcid)
            if str(operands[0]) == "/Artifact":
                artifacts += 1
        elif name == "BMC":
            stack.append((str(operands[0]), None))
            if str(operands[0]) == "/Artifact":
                artifacts += 1
        elif name == "EMC":
            stack.pop()
        elif name in TEXT_OPERATORS and not any(mcid is not None or tag == "/Artifact" for tag, mcid in stack):
            untagged += 1
    return PageContent(mcids, untagged, artifacts)


# --- XMP --------------------------------------------------------------------------------------------


def xmp_values(pdf: pikepdf.Pdf) -> dict[str, str]:
    """Return the document's XMP properties as {'prefix:name': text}, from attributes and simple elements."""
    root = ElementTree.fromstring(pdf.Root.Metadata.read_bytes())
    names = {uri: prefix for prefix, uri in XMP_NAMESPACES.items()}
    values: dict[str, str] = {}

    def short(tag: str) -> str | None:
        uri, _, local = tag[1:].partition("}")
        return f"{names[uri]}:{local}" if uri in names else None

    for description in root.iter(f"{RDF}Description"):
        for attribute, value in description.attrib.items():
            if key := short(attribute):
                values[key] = value
        for child in description:
            if (key := short(child.tag)) and key not in values:
                values[key] = "".join(child.itertext()).strip()
    values["schemas"] = " ".join(e.text or "" for e in root.iter(f"{{{XMP_NAMESPACES['pdfaSchema']}}}namespaceURI"))
    return values


# --- The check ----------------------------------------------------------------------------------------


def accessibility_problems(path: Path, lang: str) -> list[str]:
    """Return what stops the PDF from passing the first checks of a PDF/UA checker; empty when it passes."""
    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            return ["no structure tree (the PDF is not tagged)"]
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            problems.append("MarkInfo/Marked is not true")
        if str(root.get("/Lang", "")) != lang:
            problems.append(f"document language is {str(root.get('/Lang', ''))!r}, expected {lang!r}")
        title = str(pdf.docinfo.get("/Title", "")).strip()
        if not title:
            problems.append("no document title")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            problems.append("ViewerPreferences/DisplayDocTitle is not true: viewers would show the file name")
        xmp = xmp_values(pdf)
        if xmp.get("dc:title") != title:
            problems.append(f"XMP dc:title {xmp.get('dc:title')!r} differs from the title {title!r}")
        if xmp.get("pdfuaid:part") != "1":
            problems.append("the XMP metadata does not identify the file as PDF/UA-1 (pdfuaid:part)")

        elements = list(walk(root.StructTreeRoot))
        tags = [e.tag for e in elements]
        if tags.count("/H1") != 1:
            problems.append(f"{tags.count('/H1')} H1 headings, expected 1 (the title)")
        elif "/H2" in tags and tags.index("/H2") < tags.index("/H1"):
            problems.append("an H2 heading comes before the H1 title")
        for element in elements:
            if element.tag == "/Figure" and not str(element.obj.get("/Alt", "")).strip():
                problems.append("a Figure has no alternative text (/Alt)")
            if element.tag == "/L":
                for kid in _kids(element.obj):
                    if isinstance(kid, pikepdf.Dictionary) and str(kid.get("/S")) not in ("/LI", "/L", "/Caption"):
                        problems.append(f"a list (L) holds a {kid.get('/S')} element; lists hold LI, L or Caption")
            if element.tag == "/LI":
                for kid in _kids(element.obj):
                    if isinstance(kid, pikepdf.Dictionary) and str(kid.get("/S")) not in ("/Lbl", "/LBody"):
                        problems.append(f"a list item (LI) holds a {kid.get('/S')} element; items hold Lbl and LBody")

        # Every marked-content id drawn on a page belongs to the tree; other content is an artifact.
        tagged = marked_content_in_order(pdf)
        for index, page in enumerate(pdf.pages):
            content = page_content(page)
            unreachable = sorted(set(content.mcids) - {mcid for p, mcid in tagged if p == index})
            if unreachable:
                problems.append(f"page {index + 1}: content with MCIDs {unreachable} is outside the structure tree")
            if content.untagged_text:
                problems.append(f"page {index + 1}: {content.untagged_text} text runs are neither tagged nor artifacts")

        # Fonts: embedded, with a Unicode map so the text can be read out and searched.
        for index, page in enumerate(pdf.pages):
            for name, font in page.Resources.get("/Font", {}).items():
                descendant = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
                descriptor = descendant.get("/FontDescriptor")
                if font.Subtype != "/Type3" and not (
                    descriptor and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                ):
                    problems.append(f"page {index + 1}: font {name} ({descendant.get('/BaseFont')}) is not embedded")
                if "/ToUnicode" not in font:
                    problems.append(f"page {index + 1}: font {name} has no ToUnicode map")

        # Links: each annotation has alternative text and is tied to a Link element of the tree.
        parents = number_tree(root.StructTreeRoot.ParentTree)
        for index, page in enumerate(pdf.pages):
            annotations = list(page.get("/Annots", []))
            if annotations and page.get("/Tabs") != "/S":
                problems.append(f"page {index + 1}: annotations but no structure tab order (/Tabs /S)")
            for annotation in annotations:
                if annotation.get("/Subtype") != "/Link":
                    continue
                target = str(annotation.get("/A", {}).get("/URI", annotation.get("/Dest", "")))
                if not str(annotation.get("/Contents", "")).strip():
                    problems.append(f"page {index + 1}: link to {target} has no /Contents (alternative text)")
                parent = parents.get(int(annotation.get("/StructParent", -1)))
                if parent is None or parent.get("/S") != "/Link":
                    problems.append(f"page {index + 1}: link to {target} has no Link structure element")
                    continue
                objects = [k for k in _kids(parent) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
                if not any(k.Obj.objgen == annotation.objgen for k in objects):
                    problems.append(f"page {index + 1}: the Link element of {target} does not reference its annotation")

        outline = root.get("/Outlines")
        if outline is None or "/First" not in outline:
            problems.append("no bookmarks (document outline)")
    problems.extend(reading_order_problems(path))
    return problems


# --- Reading order, from where pdfium finds things on the page -------------------------------------------


@dataclass
class Box:
    """Where a piece of content is drawn, in points from the top-left corner of the page."""

    left: float
    top: float
    right: float
    bottom: float
    text: str = ""

    def extend(self, other: Box) -> None:
        self.left, self.top = min(self.left, other.left), min(self.top, other.top)
        self.right, self.bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        self.text += other.text


def _object_text(obj, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    buffer = (ctypes.c_ushort * (size // 2 + 1))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, size)
    return bytes(buffer)[:size].decode("utf-16-le").rstrip("\x00")


def _is_artifact(obj) -> bool:
    for index in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, index)
        length = ctypes.c_ulong()
        pdfium_c.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(length))
        buffer = (ctypes.c_ushort * (length.value // 2 + 1))()
        pdfium_c.FPDFPageObjMark_GetName(mark, buffer, length.value, ctypes.byref(length))
        if bytes(buffer)[: length.value].decode("utf-16-le").rstrip("\x00") == "Artifact":
            return True
    return False


def drawn_content(path: Path) -> list[tuple[dict[int, Box], list[Box], float]]:
    """Return, per page, the box of each MCID, the boxes of artifact text, and the page height."""
    pages = []
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            height = page.get_height()
            textpage = page.get_textpage()
            tagged: dict[int, Box] = {}
            artifacts: list[Box] = []
            for index in range(pdfium_c.FPDFPage_CountObjects(page)):
                obj = pdfium_c.FPDFPage_GetObject(page, index)
                left, bottom, right, top = (ctypes.c_float() for _ in range(4))
                pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
                is_text = pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT
                box = Box(
                    left.value,
                    height - top.value,
                    right.value,
                    height - bottom.value,
                    _object_text(obj, textpage) if is_text else "",
                )
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj)
                if mcid >= 0:
                    if mcid in tagged:
                        tagged[mcid].extend(box)
                    else:
                        tagged[mcid] = box
                elif is_text and _is_artifact(obj):
                    artifacts.append(box)
            pages.append((tagged, artifacts, height))
            textpage.close()
            page.close()
    finally:
        document.close()
    return pages


def follows(a: Box, b: Box, slack: float = 1.0, *, rtl: bool = False) -> bool:
    """Tell whether `b` can be read after `a`: later on the same line, on a lower line, or in a column to the right
    (to the left, on a page that reads right to left)."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    if overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top):  # the same line
        return b.right <= a.right + slack if rtl else b.left >= a.left - slack
    if b.top >= a.top - slack:  # below
        return True
    # above, so it must start a column or cell further on
    return b.right <= a.left + slack if rtl else b.left >= a.right - slack


def reading_order_problems(path: Path) -> list[str]:
    """Check that the structure tree reads each page in its visual order; return the places where it does not."""
    with pikepdf.open(path) as pdf:
        order = marked_content_in_order(pdf)
        rtl = writing(str(pdf.Root.get("/Lang", "en"))).rtl
    drawn = drawn_content(path)
    problems = []
    pages = [page for page, _ in order]
    if pages != sorted(pages):
        problems.append("the structure tree goes back to an earlier page")
    previous: tuple[int, Box] | None = None
    for page, mcid in order:
        box = drawn[page][0].get(mcid)
        if box is None or (box.right - box.left) <= 0:  # nothing visible drawn (a collapsed space)
            continue
        if previous is not None and previous[0] == page and not follows(previous[1], box, rtl=rtl):
            problems.append(
                f"page {page + 1}: {box.text.strip()[:30]!r} is read after {previous[1].text.strip()[:30]!r} "
                "but is drawn before it"
            )
        previous = (page, box)
    return problems


def qpdf_check(path: Path) -> str:
    """Run `qpdf --check`; return its complaints (empty when the file is clean)."""
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    # qpdf exits 2 on errors and 3 on warnings.
    if result.returncode != 0 or "WARNING" in output.upper():
        return output
    return ""


def conformance_failures(pdf: Path | bytes, profile: str) -> list[str]:
    """Return what the independent validator `page` (page-validation, in Rust) finds against a PDF/A or PDF/UA
    profile ("ua1", "3a"): one "rule: message" line per failed check, or nothing for a conformant file."""
    if isinstance(pdf, bytes):
        report = validator.validate_pdf_bytes(pdf, profile=profile)
    else:
        report = validator.validate_pdf(pdf, profile=profile)
    failures = [f"{failure.rule_id}: {failure.message}" for failure in report.failures]
    if report.rules.total == 0:
        failures.append(f"the validator checked no rule of profile {profile}")
    elif not report.is_compliant and not failures:
        failures.append(f"not conformant to profile {profile}")
    return failures
