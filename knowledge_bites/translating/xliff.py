"""The kit file: XLIFF 1.2, written and read with translate-toolkit, parsed first with a hardened XML parser.

One `<file>` per kit, for one practice and one target language. Its header records the practice, the two
languages and the version of the reference file the kit was made from (`<prop-group name="knowledge-bites">`).
Each unit has its source, a target when it is already translated (`state="translated"`), the previous translation
as an `<alt-trans>` where the source changed since, and notes for the translator. A kit that comes back is
untrusted input: it is refused before translate-toolkit reads it when it is not well-formed XML, declares a DTD
(the way to entity expansion and external entities) or is larger than any kit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from translate.storage import xliff as ttk_xliff

from .inline import XLIFF, InlineError, Text, from_xliff, to_xliff
from .units import Unit

MAX_KIT_BYTES = 5_000_000  # a kit of a two-page sheet is some 30 KB
PROPS = "knowledge-bites"
TOOL = "Knowledge Bites"


class KitUnitXml(ttk_xliff.xliffunit):
    namespace = XLIFF


class KitXliff(ttk_xliff.xlifffile):
    """translate-toolkit's XLIFF file, in the XLIFF 1.2 namespace."""

    UnitClass = KitUnitXml
    namespace = XLIFF


@dataclass(frozen=True)
class Header:
    """What a kit was made from: the practice, the two languages and the version of the reference file."""

    number: int
    slug: str
    source_lang: str
    target_lang: str
    version: str

    @property
    def name(self) -> str:
        """Return the kit's file name: `09-smes-iraq.en-fr.xlf`."""
        return f"{self.number:02d}-{self.slug}.{self.source_lang}-{self.target_lang}.xlf"


@dataclass(frozen=True)
class Entry:
    """A unit as the kit holds it: its source, its translation if it has one, and the translation it had before."""

    unit: Unit
    target: Text | None = None
    previous: Text | None = None  # the earlier translation, when the source changed since (a reference)
    previous_source: Text | None = None  # the source text that earlier translation translated
    note: str = ""  # what could not be matched, or what changed


def write_kit(header: Header, entries: list[Entry], locales: tuple[str, str], note: str) -> bytes:
    """Return the kit as XLIFF 1.2 bytes."""
    source_locale, target_locale = locales
    skeleton = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{XLIFF}" version="1.2"><file/></xliff>'
    ).encode()
    store = KitXliff.parsestring(skeleton)
    file = store.document.getroot()[0]
    file.attrib.update(
        {
            "original": f"{header.number:02d}-{header.slug}.{header.source_lang}.md",
            "source-language": source_locale,
            "target-language": target_locale,
            "datatype": "x-markdown",
        }
    )
    head = etree.Element(f"{{{XLIFF}}}header")
    file.insert(0, head)  # before the <body> translate-toolkit made
    etree.SubElement(head, f"{{{XLIFF}}}tool", {"tool-id": "knowledge-bites", "tool-name": TOOL})
    group = etree.SubElement(head, f"{{{XLIFF}}}prop-group", {"name": PROPS})
    for name, value in (
        ("practice", str(header.number)),
        ("slug", header.slug),
        ("source-language", header.source_lang),
        ("target-language", header.target_lang),
        ("reference-version", header.version),
    ):
        etree.SubElement(group, f"{{{XLIFF}}}prop", {"prop-type": name}).text = value
    etree.SubElement(head, f"{{{XLIFF}}}note").text = note
    for entry in entries:
        unit = store.UnitClass("")
        unit.setid(entry.unit.id)
        to_xliff(unit.source_dom, entry.unit.text)
        if entry.unit.limit:
            unit.xmlelement.set("maxwidth", str(entry.unit.limit))
            unit.xmlelement.set("size-unit", "char")
        if entry.target is not None:
            unit.settarget("-")
            target = unit.get_target_dom()
            target.text = None
            to_xliff(target, entry.target)
            unit.marktranslated()
        if entry.previous is not None:
            unit.addalttrans("-", origin="previous-translation", lang=target_locale, sourcetxt="-")
            alternative = unit.xmlelement.find(f"{{{XLIFF}}}alt-trans")
            for part, text in (("source", entry.previous_source), ("target", entry.previous)):
                element = alternative.find(f"{{{XLIFF}}}{part}")
                element.text = None
                if text is None:
                    alternative.remove(element)
                else:
                    to_xliff(element, text)
        unit.addnote(entry.unit.note, origin="knowledge-bites")
        if entry.note:
            unit.addnote(entry.note, origin="knowledge-bites")
        store.addunit(unit)
    return bytes(store)


# --- Reading a kit that came back ------------------------------------------------------------------------------


class KitFileError(Exception):
    """A kit that cannot be read at all; `line` is where, when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class KitUnit:
    """One unit as a kit came back: its id, source and target (None when it has none), and their lines."""

    id: str
    line: int
    source: Text
    target: Text | None
    target_line: int
    error: InlineError | None = None  # markup in its source or target that is none of the kit's codes


@dataclass(frozen=True)
class Kit:
    header: Header
    units: tuple[KitUnit, ...]
    line: int  # the line of the <file> element


def _hardened_parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        message = str(error.msg or error).split(", line ")[0]
        raise KitFileError(
            error.lineno, f"not a well-formed XML file ({message}): is it the kit as exported?"
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise KitFileError(
            1, "the file declares a DTD (entities), which a kit never has: refused unread, as hostile XML may do"
        )
    return root


def read_kit(path: Path) -> Kit:
    """Read a kit: raise KitFileError when it is not a kit this build made, or not safe to read."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise KitFileError(None, "not a regular file")
        if size > MAX_KIT_BYTES:
            raise KitFileError(
                None, f"the file is {size // 1000:,} KB, far more than a kit holds: is it the right file?"
            )
        data = path.read_bytes()
    except OSError as error:
        raise KitFileError(None, f"cannot be read ({error.strerror or error})") from None
    root = _hardened_parse(data)
    if etree.QName(root).namespace != XLIFF or etree.QName(root).localname != "xliff":
        raise KitFileError(root.sourceline, f"not an XLIFF 1.2 file (it starts with <{etree.QName(root).localname}>)")
    files = root.findall(f"{{{XLIFF}}}file")
    if len(files) != 1:
        raise KitFileError(root.sourceline, f"a kit holds one <file>, this one {len(files)}: export the kit again")
    header = _header(files[0])
    try:
        store = KitXliff.parsestring(data)
    except (ValueError, AssertionError, etree.XMLSyntaxError) as error:
        raise KitFileError(files[0].sourceline, f"translate-toolkit cannot read it as XLIFF ({error})") from None
    units = []
    for unit in store.units:
        element = unit.xmlelement
        target_element = unit.get_target_dom()
        error = None
        try:
            source = from_xliff(unit.source_dom, {}) if unit.source_dom is not None else ()
            target = from_xliff(target_element, {}) if target_element is not None else None
        except InlineError as problem:
            source, target, error = (), None, problem
        units.append(
            KitUnit(
                element.get("id", ""),
                element.sourceline or 0,
                source,
                target,
                target_element.sourceline if target_element is not None else element.sourceline or 0,
                error,
            )
        )
    return Kit(header, tuple(units), files[0].sourceline or 0)


def _header(file: etree._Element) -> Header:
    props = {
        prop.get("prop-type", ""): (prop.text or "").strip()
        for group in file.iter(f"{{{XLIFF}}}prop-group")
        if group.get("name") == PROPS
        for prop in group.iter(f"{{{XLIFF}}}prop")
    }
    wanted = ("practice", "slug", "source-language", "target-language", "reference-version")
    missing = [name for name in wanted if not props.get(name)]
    if missing:
        raise KitFileError(
            file.sourceline,
            f"not a Knowledge Bites kit: its header lacks {', '.join(missing)}; export one with "
            "python build.py translations --export N --lang CODE",
        )
    if not props["practice"].isdigit():
        raise KitFileError(file.sourceline, f"the practice in its header ('{props['practice']}') is not a number")
    return Header(
        int(props["practice"]),
        props["slug"],
        props["source-language"],
        props["target-language"],
        props["reference-version"],
    )
