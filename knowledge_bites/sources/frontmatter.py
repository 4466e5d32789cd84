"""A source file as text: decoded, its line breaks made one kind, and split into front matter and body."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from .yamltext import YamlError

MAX_SOURCE_BYTES = 1_000_000  # a two-page sheet is a few KB of text; anything this big is the wrong file
# Line breaks other programs write (Windows, old Mac, Word's manual line break, Unicode separators):
# all become "\n", so that every line number (ours, YAML's, Markdown's) counts the same lines.
# Characters that print as nothing and that no editor means to write (a NUL, an escape): a sign of a damaged file.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")


def read_text(path: Path) -> str:
    """Read a UTF-8 source, accepting a byte-order mark and Windows line endings."""
    return decode(read_source(path))


def read_source(path: Path) -> bytes:
    """Read a source's bytes: a regular file of a sensible size, never a folder, device or pipe."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Never open a folder, a device such as /dev/urandom or a pipe: reading them may never end.
            raise YamlError(None, "not a regular file (a folder, device or pipe): not read")
        if info.st_size > MAX_SOURCE_BYTES:
            raise YamlError(
                None, f"the file is {info.st_size // 1000:,} KB, far more than a sheet holds: is it the right file?"
            )
        raw = path.read_bytes()
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise YamlError(None, f"cannot be read ({error.strerror or error})") from None
    return raw


def decode(raw: bytes) -> str:
    """Decode a source's bytes as UTF-8 text, without a byte-order mark, with "\\n" line breaks."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError(1, "saved as UTF-16 text: save the file as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlError(
            line, f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}): save the file as UTF-8"
        ) from None
    text = _LINE_BREAKS.sub("\n", text)
    if control := _CONTROL.search(text):  # in the front matter or in the text: no sheet can print it
        line = text.count("\n", 0, control.start()) + 1
        code = f"U+{ord(control[0]):04X}"
        raise YamlError(line, f"invisible control character {code} (often pasted from another program): delete it")
    return text


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """Split a source into (front matter, its first line, body, its first line)."""
    if not text.strip():
        raise YamlError(1, "the file is empty: it needs front matter between '---' lines, then the text")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise YamlError(1, "front matter missing: the file must start with a '---' line")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2
    raise YamlError(1, "front matter not closed: add a '---' line after the last field")
