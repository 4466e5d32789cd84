"""A Word document as untrusted input: what kind of file it is, its zip checked before anything is unpacked.

A .docx is a zip of XML parts and pictures. Before pandoc sees it, every part is read here within limits: the
file's size, the number of parts, the size each part declares and the size it really unpacks to (a zip bomb
declares little and unpacks to gigabytes), and how much a part was compressed. XML that declares entities is
refused (Word never writes it; entities can expand a few bytes into gigabytes). pandoc is then given a fresh zip
of exactly the parts read here, so it reads nothing that was not checked.

What the document points at outside itself (a linked picture, a template on a server) is listed, never fetched.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

MAX_DOCUMENT_BYTES = 50_000_000  # a report with pictures is a few MB
MAX_PARTS = 2_000
MAX_UNPACKED_BYTES = 200_000_000  # every part together, unpacked
# One part unpacked: a picture may be as large as the build allows (sources/images.py's MAX_BYTES; a test holds the
# two equal), no more. Not imported from there: the document is read while the content model still loads.
MAX_PART_BYTES = 30_000_000
MAX_RATIO = 100  # how much a part of more than a megabyte may have been compressed (Word's XML: about 10 times)
PICTURE_FORMATS = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}  # what sources/images.py lets a sheet show

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of old .doc files and of password-protected .docx
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_SAVE_AS_DOCX = "open it in Word and save it as a Word Document (.docx), then import that file"


class DocumentError(Exception):
    """A document that is not imported, and why, in one line: nothing is written."""


@dataclass(frozen=True)
class External:
    """Something the document points at outside itself: never fetched."""

    kind: str  # "picture", "template" or "reference"
    target: str
    part: str  # the part that points at it


@dataclass(frozen=True)
class WordDocument:
    """A .docx whose parts were all read and checked."""

    path: Path
    parts: dict[str, bytes]  # every part by its name in the zip
    main: str  # the name of the main document part, usually word/document.xml
    external: tuple[External, ...]
    macros: bool  # it holds Visual Basic macros (never run, never imported)

    def repacked(self) -> bytes:
        """Return the document as a new zip of exactly its checked parts, uncompressed, for pandoc to read."""
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for name, data in self.parts.items():
                archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
        return buffer.getvalue()

    def picture(self, source: str) -> tuple[str, bytes] | None:
        """Return the part name and bytes of a picture as pandoc names it (`media/image1.png`), if it is inside."""
        folder = PurePosixPath(self.main).parent
        for name in (str(folder / source), source):
            if name in self.parts:
                return name, self.parts[name]
        return None


def open_document(path: Path) -> WordDocument:
    """Read a .docx and check it as untrusted input; raise DocumentError with the reason in one line."""
    data = _read(path)
    head = data[:8]
    if head.startswith(_OLE):
        raise DocumentError(_office_file_kind(data))
    if head.startswith(b"%PDF-"):
        raise DocumentError("a PDF file, not a Word document: ask for the Word file (.docx) it was made from")
    if head.startswith(b"{\\rtf"):
        raise DocumentError(f"a Rich Text (RTF) file, not a Word document: {_SAVE_AS_DOCX}")
    if not head.startswith(b"PK\x03\x04"):
        raise DocumentError(f"not a Word document (.docx): if Word opens it, {_SAVE_AS_DOCX}")
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError(f"a damaged zip file ({error}), not a Word document that can be read") from None
    with archive:
        parts = _unpacked(archive)
    main = _main_part(parts)
    for name, part in parts.items():
        if name.endswith((".xml", ".rels")) and _declares_entities(part):
            raise DocumentError(f"{name} declares XML entities (<!DOCTYPE>), which Word never writes: not read")
    return WordDocument(path, parts, main, _external(parts), any(n.lower().endswith("vbaproject.bin") for n in parts))


def _read(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DocumentError("not a regular file (a folder, device or pipe): not read")
        if info.st_size == 0:
            raise DocumentError("the file is empty")
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"the file is {info.st_size / 1e6:.0f} MB, more than the {MAX_DOCUMENT_BYTES / 1e6:.0f} MB a report "
                "can be: make its pictures smaller in Word (Compress Pictures), then import it again"
            )
        with path.open("rb") as handle:
            return handle.read(MAX_DOCUMENT_BYTES + 1)[:MAX_DOCUMENT_BYTES]
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except OSError as error:
        raise DocumentError(f"cannot be read ({error.strerror or error})") from None


def _office_file_kind(data: bytes) -> str:
    """Say what an OLE container holds: a password-protected .docx, an old .doc, or another Office file."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return (
            "the document is protected by a password: in Word, remove the password (File > Info > Protect "
            "Document > Encrypt with Password), save it, then import it again"
        )
    if "WordDocument".encode("utf-16-le") in data:
        return f"an old Word document (.doc), which cannot be read safely: {_SAVE_AS_DOCX}"
    return f"an Office file of an older kind, not a Word document (.docx): {_SAVE_AS_DOCX}"


def _unpacked(archive: zipfile.ZipFile) -> dict[str, bytes]:
    """Read every part within the limits, checking each before it is unpacked and again as it is."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise DocumentError(f"the zip holds {len(infos):,} parts, more than a Word document has: not read (zip bomb?)")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise DocumentError("the zip holds two parts of the same name, which Word never writes: not read")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_UNPACKED_BYTES:
        raise DocumentError(
            f"its parts would unpack to {declared / 1e6:,.0f} MB, more than the {MAX_UNPACKED_BYTES / 1e6:.0f} MB "
            "a Word report takes: not unpacked (a zip bomb?)"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentError("the zip is protected by a password: save the document without one, then import it")
        _check_size(info.filename, info.file_size, info.compress_size)
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        try:
            with archive.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            message = f"the part {info.filename} is damaged ({error}): save the document again in Word"
            raise DocumentError(message) from None
        except NotImplementedError:
            raise DocumentError(f"the part {info.filename} is compressed in a way Word never uses: not read") from None
        if len(data) > info.file_size:  # more than it declared: zipfile stops there, and its checksum fails
            raise DocumentError(f"the part {info.filename} unpacks to more than it declares: not read (a zip bomb?)")
        parts[info.filename] = data
    return parts


def _check_size(name: str, size: int, packed: int) -> None:
    if size > MAX_PART_BYTES:
        what = "picture" if PurePosixPath(name).suffix.lower() in PICTURE_FORMATS else "part"
        raise DocumentError(
            f"the {what} {name} is {size / 1e6:,.0f} MB; a {what} may be at most {MAX_PART_BYTES / 1e6:.0f} MB: "
            "make it smaller in Word (Compress Pictures), then import it again"
        )
    if size > 1_000_000 and size > MAX_RATIO * max(packed, 1):
        raise DocumentError(
            f"the part {name} was compressed {size // max(packed, 1):,} times (from {size / 1e6:,.0f} MB), far more "
            "than a Word document's parts are: not unpacked (a zip bomb?)"
        )


def _main_part(parts: dict[str, bytes]) -> str:
    """Return the name of the main document part, or refuse a zip that is not a Word document."""
    if parts.get("mimetype", b"").startswith(b"application/vnd.oasis.opendocument"):
        raise DocumentError(f"an OpenDocument file (from LibreOffice), not a Word document: {_SAVE_AS_DOCX}")
    main = None
    for target, kind, _ in _relationships(parts, "_rels/.rels"):
        if kind.endswith(_OFFICE_DOCUMENT):
            main = target.lstrip("/")
    if main is None or "[Content_Types].xml" not in parts:
        raise DocumentError("a zip file, but not a Word document (it has no main document part)")
    if main.startswith(("xl/", "ppt/")):
        kind = "an Excel workbook" if main.startswith("xl/") else "a PowerPoint presentation"
        raise DocumentError(f"{kind}, not a Word document: copy its text into a Word document to import it")
    if main not in parts:
        raise DocumentError(f"the Word document's main part ({main}) is missing: save the document again in Word")
    return main


def _relationships(parts: dict[str, bytes], name: str) -> list[tuple[str, str, str]]:
    """Return (target, type, target mode) of each relationship a .rels part declares."""
    data = parts.get(name)
    if data is None:
        return []
    if _declares_entities(data):
        raise DocumentError(f"{name} declares XML entities (<!DOCTYPE>), which Word never writes: not read")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise DocumentError(f"the part {name} is not valid XML ({error}): save the document again in Word") from None
    return [
        (item.get("Target", ""), item.get("Type", ""), item.get("TargetMode", "Internal"))
        for item in root.iter(_RELATIONSHIPS)
    ]


def _external(parts: dict[str, bytes]) -> tuple[External, ...]:
    """Return what the document points at outside itself, links of its text aside (those are its links)."""
    found = []
    for name in sorted(n for n in parts if n.endswith(".rels")):
        for target, kind, mode in _relationships(parts, name):
            if mode != "External" or kind.endswith("/hyperlink"):
                continue
            if kind.endswith("/image"):
                found.append(External("picture", target, name))
            elif kind.endswith("/attachedTemplate"):
                found.append(External("template", target, name))
            else:
                found.append(External("reference", target, name))
    return tuple(found)


_ENTITIES = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _declares_entities(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # XML in UTF-16: look at its characters, not its bytes
        return bool(re.search(r"<!\s*(DOCTYPE|ENTITY)", data.decode("utf-16", errors="replace"), re.IGNORECASE))
    return bool(_ENTITIES.search(data))
