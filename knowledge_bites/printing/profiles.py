"""PDF profiles: which standards a sheet's PDF claims, and the finishing touches WeasyPrint leaves to us."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

import pydyf

from .engine import marked_boxes

ProfileName = Literal["accessible", "archival"]
DEFAULT_PROFILE: ProfileName = "accessible"


@dataclass(frozen=True)
class Profile:
    """A PDF profile: the WeasyPrint variant that writes it and the standards the file conforms to."""

    name: ProfileName
    variant: str  # WeasyPrint's pdf_variant
    standards: tuple[str, ...]
    claims_ua_in_xmp: bool  # add the PDF/UA-1 identification that the variant itself does not write

    def write_options(self) -> dict[str, Any]:
        """Return the options for Document.write_pdf that produce this profile."""
        return {"pdf_variant": self.variant, "finisher": self.finish}

    def finish(self, document: Any, pdf: pydyf.PDF) -> None:
        """Post-process the PDF WeasyPrint built, right before it is written (WeasyPrint's finisher hook)."""
        mark_languages(pdf)
        mark_margin_boxes_as_artifacts(pdf)
        if self.claims_ua_in_xmp:
            add_to_xmp(pdf, PDFUA_IDENTIFICATION)
        if self.variant.startswith("pdf/a"):
            # PDF/A keeps the XMP metadata readable without decoding: its stream has no Filter (ISO 19005-3,
            # 6.6.2.1). WeasyPrint 70 compresses it for every PDF/A part but the first.
            _object(pdf, pdf.catalog["Metadata"]).compress = False
            # PDF/A leaves the smoothing of images to no viewer: /Interpolate must be false (6.2.8). WeasyPrint
            # sets it true for a photo (image-rendering: auto) and its transparency mask.
            for image in pdf.objects:
                if isinstance(image, pydyf.Stream) and image.extra.get("Subtype") == "/Image":
                    image.extra["Interpolate"] = "false"
        pdf.__class__ = _UnambiguousStreamsPDF  # see below: where each stream ends


PROFILES: dict[ProfileName, Profile] = {
    # Tagged PDF 1.7 for screen readers; WeasyPrint writes the PDF/UA-1 identification itself.
    "accessible": Profile("accessible", "pdf/ua-1", ("PDF/UA-1",), claims_ua_in_xmp=False),
    # PDF/A-3a is PDF/A's accessible level (tagged, Unicode text) with an sRGB output intent. WeasyPrint takes one
    # variant at a time, so the PDF/UA-1 identification is added to the XMP metadata, with the extension schema
    # that PDF/A requires for any namespace it does not predefine (ISO 19005-3, 6.6.2.3).
    "archival": Profile("archival", "pdf/a-3a", ("PDF/A-3a", "PDF/UA-1"), claims_ua_in_xmp=True),
}


def profile(name: str) -> Profile:
    """Return the profile with this name (as declared in series.yaml's `pdf_profile`)."""
    return PROFILES[name]  # type: ignore[index]


# --- Running footer and page numbers as artifacts ----------------------------------------------
# WeasyPrint 70 tags the text of page-margin boxes (our running footer and page number) with marked-content
# ids whose structure elements it leaves out of the structure tree. PDF/UA wants such page furniture marked
# as /Artifact instead, so that assistive technology skips it and no tagged content is left unreachable.


def _object(pdf: pydyf.PDF, reference: Any) -> Any:
    """Return the object behind a pydyf reference (b'12 0 R'), or the value itself if it is not one."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return reference


def _reachable(pdf: pydyf.PDF, element: Any, seen: set[int]) -> None:
    if not isinstance(element, dict) or element.number in seen:
        return
    seen.add(element.number)
    for kid in element.get("K", ()):
        if not isinstance(kid, int):
            _reachable(pdf, _object(pdf, kid), seen)


def _marked_content(stream: pydyf.Stream) -> Iterator[tuple[int, int]]:
    """Yield (index in the stream's operations, MCID) for each BDC operator with a marked-content id."""
    for index, item in enumerate(stream.stream):
        if isinstance(item, dict) and "MCID" in item and index > 0:
            yield index, item["MCID"]


def mark_margin_boxes_as_artifacts(pdf: pydyf.PDF) -> None:
    """Turn tagged content whose structure element is outside the structure tree into pagination artifacts."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    reachable: set[int] = set()
    for kid in root.get("K", ()):
        _reachable(pdf, _object(pdf, kid), reachable)
    nums = _object(pdf, root["ParentTree"])["Nums"]
    parents = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    for page_reference in pdf.page_references:
        page = _object(pdf, page_reference)
        mcid_parents = parents.get(page.get("StructParents"))
        if not isinstance(mcid_parents, list):
            continue
        orphans = {mcid for mcid, parent in enumerate(mcid_parents) if _object(pdf, parent).number not in reachable}
        if not orphans:
            continue
        stream = _object(pdf, page["Contents"])
        for index, mcid in _marked_content(stream):
            if mcid in orphans:
                stream.stream[index - 1] = "/Artifact"
                stream.stream[index] = pydyf.Dictionary({"Type": "/Pagination"})
        # The parent tree maps each MCID of the page to its element; artifacts have none.
        for mcid in orphans:
            mcid_parents[mcid] = "null"
        while mcid_parents and mcid_parents[-1] == "null":
            mcid_parents.pop()


# --- Text in another language than the document's ------------------------------------------------
# WeasyPrint 70 sets the document's language (/Lang in the catalog) but gives no structure element a language of
# its own, so a title in English on a French sheet would be read out with French rules. It builds the structure
# tree from the marks it drew on each page (each text box and its marked-content id), then forgets them; the
# boxes still know their language (the `lang` attribute, which also drives hyphenation). So the language of every
# marked box that differs from the document's is noted just before the tree is built, and the finisher sets /Lang
# on the structure element that holds that marked content.


def note_languages(weasyprint_pdf: ModuleType) -> None:
    """Have WeasyPrint's PDF writer note, for each page, the language of marked content not in the document's."""
    add_tags = weasyprint_pdf.add_tags
    if getattr(add_tags, "notes_languages", False):
        return

    def add_tags_noting_languages(pdf: pydyf.PDF, document: Any, pdf_version: Any, page_streams: list) -> None:
        main = (document.metadata.lang or "").lower()
        pdf.languages_by_page = [
            {
                kid["mcid"]: box.style["lang"]
                for box, kid in marked_boxes(stream).items()
                if box.style["lang"] and box.style["lang"].lower() != main
            }
            for stream in page_streams
        ]
        add_tags(pdf, document, pdf_version, page_streams)

    add_tags_noting_languages.notes_languages = True  # type: ignore[attr-defined]
    weasyprint_pdf.add_tags = add_tags_noting_languages


def mark_languages(pdf: pydyf.PDF) -> None:
    """Set /Lang on each structure element whose marked content is in another language than the document."""
    languages = getattr(pdf, "languages_by_page", None)
    if not languages or "StructTreeRoot" not in pdf.catalog:
        return
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    parents = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    for page_reference, by_mcid in zip(pdf.page_references, languages, strict=False):
        mcid_parents = parents.get(_object(pdf, page_reference).get("StructParents"))
        if not isinstance(mcid_parents, list):
            continue
        marked = []
        for mcid, lang in by_mcid.items():
            if mcid < len(mcid_parents) and mcid_parents[mcid] != "null":
                element = _object(pdf, mcid_parents[mcid])
                element["Lang"] = pydyf.String(lang)
                marked.append(element)
        # The element of the HTML element that carries the language (`<span lang="en">`) holds those elements:
        # when all it holds is in one language, it says so itself.
        for element in marked:
            parent = _object(pdf, element.get("P"))
            if not isinstance(parent, dict):
                continue
            kids = [_object(pdf, kid) for kid in parent.get("K", ()) if not isinstance(kid, int)]
            languages = {kid.get("Lang").string if "Lang" in kid else None for kid in kids if isinstance(kid, dict)}
            if len(languages) == 1 and None not in languages and parent.get("S") != "/Document":
                parent["Lang"] = pydyf.String(languages.pop())
                for kid in kids:
                    del kid["Lang"]


# --- Where each stream ends ---------------------------------------------------------------------------------
# A stream's /Length counts the bytes between the end-of-line after `stream` and the end-of-line before
# `endstream`; a reader finds that end-of-line by looking back from `endstream`, and PDF/A checks that both
# agree (ISO 19005-3, 6.1.7.1). pydyf always writes a line feed there. When a stream's data ends with a carriage
# return (compressed data does in about one stream in 256: its last byte is a checksum's), that CR and the line
# feed read as one end-of-line, and the data looks one byte shorter than /Length says. Such a stream gets a
# CR LF of its own before `endstream`; every other stream is written as pydyf writes it.

_AMBIGUOUS_END = b"\r\nendstream\nendobj"


class _UnambiguousStreamsPDF(pydyf.PDF):
    """A pydyf PDF that ends each stream's data with an end-of-line no reader can take for part of the data."""

    def write_line(self, content: bytes, output: Any) -> None:
        """Write one line of the file; a stream object whose data ends with CR gets CR LF before `endstream`."""
        # Every stream passes here, the object and cross-reference streams pydyf makes while writing too.
        if content.endswith(_AMBIGUOUS_END):
            content = content[: -len(_AMBIGUOUS_END)] + b"\r" + _AMBIGUOUS_END
        super().write_line(content, output)


# --- XMP metadata -------------------------------------------------------------------------------

PDFUA_IDENTIFICATION = b"""\
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>
"""


def add_to_xmp(pdf: pydyf.PDF, descriptions: bytes) -> None:
    """Add rdf:Description elements inside the rdf:RDF element of the document's XMP metadata."""
    metadata = _object(pdf, pdf.catalog["Metadata"])
    (packet,) = metadata.stream
    head, tail = packet.rsplit(b"</rdf:RDF>", 1)
    metadata.stream = [head + descriptions + b"</rdf:RDF>" + tail]
