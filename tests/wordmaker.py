"""Word documents made for the tests (and the benchmark) with python-docx, the way Word itself writes them.

python-docx makes headings, paragraphs, runs, tables, pictures and comments; the few things it has no call for
(footnotes, tracked changes, text boxes, linked pictures, a remote template, lists nested by numbering level) are
added as the WordprocessingML that Word writes for them. Texts come from the shipped practices.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from PIL import Image

W = nsdecls("w")
VML = 'xmlns:v="urn:schemas-microsoft-com:vml"'
DRAWING = (
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
CHANGED = 'w:author="Editor" w:date="2026-11-23T00:00:00Z"'
BULLETS, NUMBERS = 90, 91  # the numbering definitions added for lists nested by level, as Word's own are


def png(width: int = 600, height: int = 400, colour: tuple[int, int, int] = (0, 90, 170)) -> bytes:
    """Return a PNG picture of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


class Report:
    """A Word document built piece by piece."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self._ids = 100
        self._footnotes: list[str] = []
        self._add_numbering()

    # --- text ----------------------------------------------------------------------------------------

    def title(self, text: str) -> Paragraph:
        return self.document.add_paragraph(text, style="Title")

    def heading(self, text: str, level: int = 1) -> Paragraph:
        return self.document.add_heading(text, level)

    def paragraph(self, *pieces: str | tuple[str, ...], style: str | None = None) -> Paragraph:
        """Add a paragraph of pieces: text, ("bold", text), ("italic", text) or ("link", address, text)."""
        paragraph = self.document.add_paragraph(style=style)
        for piece in pieces:
            if isinstance(piece, str):
                paragraph.add_run(piece)
            elif piece[0] == "link":
                self.link(paragraph, piece[1], piece[2])
            else:
                run = paragraph.add_run(piece[1])
                run.bold, run.italic = piece[0] == "bold", piece[0] == "italic"
        return paragraph

    def link(self, paragraph: Paragraph, address: str, text: str) -> None:
        rid = paragraph.part.relate_to(address, RT.HYPERLINK, is_external=True)
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink {W} {DRAWING} r:id="{rid}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
                f'<w:t xml:space="preserve">{text}</w:t></w:r></w:hyperlink>'
            )
        )

    def bullets(self, items: list, level: int = 0) -> None:
        """Add a bulleted list; an item is a text, or (text, [items one level down])."""
        self._list(items, BULLETS, level)

    def numbered(self, items: list, level: int = 0) -> None:
        self._list(items, NUMBERS, level)

    def _list(self, items: list, numbering: int, level: int) -> None:
        for item in items:
            text, below = (item, []) if isinstance(item, str) else item
            paragraph = self.document.add_paragraph(text, style="List Paragraph")
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {W}><w:ilvl w:val="{level}"/><w:numId w:val="{numbering}"/></w:numPr>')
            )
            if below:
                self._list(below, numbering, level + 1)

    # --- tables and pictures ------------------------------------------------------------------------

    def table(self, rows: list[list[str]], merge: list[tuple[tuple[int, int], tuple[int, int]]] = ()) -> None:
        """Add a table with a header row; `merge` joins cells (from, to) as Word's Merge Cells does."""
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        for (r1, c1), (r2, c2) in merge:
            kept = table.cell(r1, c1).text
            merged = table.cell(r1, c1).merge(table.cell(r2, c2))
            merged.text = kept

    def picture(self, data: bytes, description: str | None = None, width_cm: float = 8) -> None:
        """Add a picture in a paragraph of its own, with Word's description (alternative text) if given."""
        self.document.add_picture(io.BytesIO(data), width=Cm(width_cm))
        if description is not None:
            self.document.inline_shapes[-1]._inline.docPr.set("descr", description)

    def linked_picture(self, address: str, description: str) -> None:
        """Add a picture that Word links to rather than holds (Insert > Pictures > Link to File)."""
        rid = self.document.part.relate_to(address, RT.IMAGE, is_external=True)
        self._ids += 1
        self.document.add_paragraph()._p.append(
            parse_xml(
                f'<w:r {W} {DRAWING}><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>'
                f'<wp:docPr id="{self._ids}" name="Picture {self._ids}" descr="{description}"/><a:graphic>'
                '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
                f'<pic:nvPicPr><pic:cNvPr id="{self._ids}" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>'
                f'<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
                '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
                '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>'
                "</w:r>"
            )
        )

    # --- what Word's reviewing and layout add ------------------------------------------------------

    def footnote(self, paragraph: Paragraph, text: str) -> None:
        """Add a footnote at the end of a paragraph (References > Insert Footnote)."""
        self._footnotes.append(text)
        paragraph._p.append(
            parse_xml(
                f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                f'<w:footnoteReference w:id="{len(self._footnotes)}"/></w:r>'
            )
        )

    def comment(self, paragraph: Paragraph, text: str, author: str = "Editor") -> None:
        self.document.add_comment(paragraph.runs, text=text, author=author)

    def insertion(self, paragraph: Paragraph, text: str) -> None:
        """Add text as a tracked insertion (Review > Track Changes on)."""
        self._ids += 1
        paragraph._p.append(
            parse_xml(
                f'<w:ins {W} w:id="{self._ids}" {CHANGED}><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'
            )
        )

    def deletion(self, paragraph: Paragraph, text: str) -> None:
        """Add text as a tracked deletion."""
        self._ids += 1
        paragraph._p.append(
            parse_xml(
                f'<w:del {W} w:id="{self._ids}" {CHANGED}><w:r><w:delText xml:space="preserve">{text}</w:delText>'
                "</w:r></w:del>"
            )
        )

    def text_box(self, paragraph: Paragraph, text: str, *, drawing: bool = False) -> None:
        """Add a text box anchored in a paragraph: as Word 2010 and later write it (`drawing`), or as older VML."""
        self._ids += 1
        box = f'<w:txbxContent><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:txbxContent>'
        shape = f'<v:shape id="box{self._ids}" style="width:160pt;height:60pt">'
        vml = f"<w:pict>{shape}<v:textbox>{box}</v:textbox></v:shape></w:pict>"
        if not drawing:
            paragraph._p.append(parse_xml(f"<w:r {W} {VML}>{vml}</w:r>"))
            return
        paragraph._p.append(
            parse_xml(
                f'<w:r {W} {VML} {DRAWING}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
                '<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="2" '
                'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
                '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
                '<wp:extent cx="2032000" cy="762000"/><wp:wrapSquare wrapText="bothSides"/>'
                f'<wp:docPr id="{self._ids}" name="Text Box {self._ids}"/><a:graphic>'
                '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
                f'<wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{box}</wps:txbx><wps:bodyPr/></wps:wsp>'
                "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
                f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>"
            )
        )

    def remote_template(self, address: str) -> None:
        """Attach a template that lives on a server (Developer > Document Template), as a settings relationship."""
        settings = self.document.part._settings_part
        rid = settings.relate_to(
            address, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate", True
        )
        settings.element.append(parse_xml(f'<w:attachedTemplate {W} {nsdecls("r")} r:id="{rid}"/>'))

    # --- saving ------------------------------------------------------------------------------------

    def save(self, path: Path) -> Path:
        if self._footnotes:
            notes = "".join(
                f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}'
                "</w:t></w:r></w:p></w:footnote>"
                for n, text in enumerate(self._footnotes, start=1)
            )
            part = Part(
                PackURI("/word/footnotes.xml"),
                CT.WML_FOOTNOTES,
                f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                f'</w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                f"<w:continuationSeparator/></w:r></w:p></w:footnote>{notes}</w:footnotes>".encode(),
                self.document.part.package,
            )
            self.document.part.relate_to(part, RT.FOOTNOTES)
            self._footnotes = []
        self.document.save(str(path))
        return path

    def _add_numbering(self) -> None:
        """Add a bulleted and a numbered list definition with three levels each, as Word's list buttons make."""
        numbering = self.document.part.numbering_part.element
        for number, kind, texts in ((BULLETS, "bullet", ("•", "o", "▪")), (NUMBERS, "decimal", ("%1.", "%2.", "%3."))):
            levels = "".join(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/><w:lvlText w:val="{text}"/>'
                f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (level + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
                for level, text in enumerate(texts)
            )
            numbering.insert(0, parse_xml(f'<w:abstractNum {W} w:abstractNumId="{number}">{levels}</w:abstractNum>'))
            numbering.append(parse_xml(f'<w:num {W} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>'))


def practice_seven(target: Path, **parts: bool) -> Path:
    """Save a report written as a colleague would send practice #7 (its shipped text), every element included."""
    report = Report()
    report.title("Pre-Departure Reintegration Assistance In Morocco: Orientation, Counselling And Training")
    report.paragraph(
        "Under the FORAS project, migrants in Morocco who sign up for voluntary return attend orientation and "
        "counselling on the realistic opportunities and difficulties of reintegration in their country of origin."
    )
    report.heading("Context", 1)
    first = report.paragraph(
        "Reintegration does not have to wait until a migrant is back home. The time between the decision to return "
        "and the departure itself can be used to prepare: to understand what awaits on arrival, to plan, and to "
        "learn skills that will be useful."
    )
    report.footnote(first, "FORAS means “opportunities” in Arabic.")
    report.paragraph(
        ("bold", "FORAS"),
        " is part of IOM's ",
        ("italic", "Assisted Voluntary Return and Reintegration"),
        " (AVRR) programme in Morocco. It ran from September 2017 to December 2019.",
    )
    report.heading("How it works", 1)
    report.paragraph("The support follows the migrant from the decision to return to departure:")
    report.bullets(
        [
            ("Orientation and counselling.", ["Sessions on the realistic opportunities of reintegration."]),
            "Pre-departure training.",
            "Information from the countries of origin.",
        ]
    )
    report.heading("Where the information comes from", 2)
    report.numbered(["IOM offices in the countries of origin.", ("Counselling in Morocco.", ["Training."])])
    report.heading("Results", 1)
    report.table(
        [
            ["FORAS", ""],
            ["beneficiaries who attended orientation and counselling sessions", "1589"],
            ["of them attended at least one pre-departure training before return", "886"],
        ],
        merge=[((0, 0), (0, 1))],
    )
    report.picture(png(), "Orientation session in Morocco")
    report.picture(png(400, 300, (200, 120, 0)))
    links = report.paragraph(
        "Write to ",
        ("link", "mailto:ReturnReintegrationPlatform@iom.int", "the platform"),
        ", see ",
        ("link", "https://www.example.org/", "the programme page"),
        " or ",
        ("link", "ftp://files.example.org/report.pdf", "the report files"),
        ".",
    )
    report.comment(links, "Check these addresses before publication")
    changed = report.paragraph("Cooperation between IOM in the host country and IOM in the countries of origin ")
    report.insertion(changed, "links preparation before departure with conditions after return.")
    report.deletion(changed, " links preparation")
    boxed = report.paragraph("Lessons learned: ")
    report.text_box(boxed, "Counselling is only as realistic as the knowledge behind it.")
    if parts.get("linked"):
        report.linked_picture("https://www.example.org/linked.png", "A linked picture")
    if parts.get("template"):
        report.remote_template("https://www.example.org/template.dotx")
    return report.save(target)
