"""Versions of a source's text: the version a translation records, the earlier texts kept, what changed.

A version is the git blob id of a file's bytes, `sha1(b"blob <size>\\0" + bytes)`: it is computed without git. The
text of each version a translation follows is kept inside the content, as `content/versions/<version>.md`, when
`translations --start`, `--mark` or `--export` records it: named by its own content, so that it travels with the
content and needs no git. An older version that was not kept comes from git, when the content is in a repository
and the version was committed (`git cat-file`). Comparing two
versions of a practice tells what changed: its title, summary, key figures and other fields, and the sections (by
heading, as the build divides the text) added, removed or edited. Writing a version into a source touches one line
of its front matter and nothing else.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from ..files import rewrite, write_atomically
from .frontmatter import decode, read_source, split_front_matter
from .markdown import Body, convert
from .schema import PracticeMeta
from .yamltext import YamlError, parse_yaml

FIELD = "translated_from"


def version_of(data: bytes) -> str:
    """Return the version of a file's text: its git blob id (what `git hash-object` prints for it)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


# --- Earlier versions of a text: kept in content/versions/, or from git ----------------------------------

VERSIONS = "versions"  # the folder of content/ that keeps the text of each version a translation follows
_found: dict[str, bytes] = {}  # versions found: a version's text never changes


def kept_path(content_root: Path, version: str) -> Path:
    """Return where the text of a version is kept: `content/versions/<version>.md`."""
    return content_root / VERSIONS / f"{version}.md"


def keep_text(content_root: Path, data: bytes) -> Path:
    """Keep the text of a version of a reference file in the content (once: the name is its content); return where."""
    path = kept_path(content_root, version_of(data))
    if not path.is_file():
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, data)
    return path


def old_texts(folder: Path, versions: set[str]) -> tuple[dict[str, bytes], str | None]:
    """Return the texts of these versions, kept in the content folder or held by git, and why git could not be
    asked, if it could not and was needed."""
    for version in versions - set(_found):
        try:
            data = kept_path(folder, version).read_bytes() if re.fullmatch(r"[0-9a-f]{40}", version) else None
        except OSError:
            continue
        if data is not None and version_of(data) == version:  # a kept file edited by hand is no version
            _found[version] = data
    wanted = sorted(v for v in versions if v not in _found)
    problem = None
    if wanted:
        try:
            done = subprocess.run(
                ["git", "-C", str(folder), "cat-file", "--batch"],
                input="".join(f"{v}\n" for v in wanted).encode(),
                capture_output=True,
                timeout=60,
                check=False,
            )
        except FileNotFoundError:
            problem = "git is not installed to look it up"
        except (OSError, subprocess.TimeoutExpired) as error:
            problem = f"git could not be asked ({error})"
        else:
            if done.returncode != 0:
                problem = "the content is not in a git repository to look it up in"
            else:
                _found.update(_batch_output(done.stdout))
    return {v: _found[v] for v in versions if v in _found}, problem


def _batch_output(output: bytes) -> dict[str, bytes]:
    """Read what `git cat-file --batch` printed: `<id> blob <size>`, the bytes, a newline; or `<id> missing`."""
    found = {}
    at = 0
    while at < len(output):
        end = output.index(b"\n", at)
        header = output[at:end].split()
        at = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            if header[1] == b"blob":
                found[header[0].decode()] = output[at : at + size]
            at += size + 1
    return found


# --- What changed between two versions of a reference text ------------------------------------------------


def what_changed(old: bytes, new: bytes, source: Path, content_root: Path) -> tuple[str, ...] | None:
    """Return what changed from one version of a practice's text to another: fields, key figures, sections.

    Return None when either version cannot be read as a practice (its front matter is broken)."""
    before, after = _parts(old), _parts(new)
    if before is None or after is None:
        return None
    changes = _field_changes(before[0], after[0])
    changes += _section_changes(
        convert(source, before[1], before[2], content_root), convert(source, after[1], after[2], content_root)
    )
    return tuple(changes)


def _parts(raw: bytes) -> tuple[dict[str, Any], str, int] | None:
    try:
        front, front_line, body, body_line = split_front_matter(decode(raw))
        data = parse_yaml(front, front_line).data
    except YamlError:
        return None
    return (data if isinstance(data, dict) else {}), body, body_line


def _plain(value: Any) -> Any:
    """Return a front-matter value with its spacing evened out, so that a reflowed line is no change."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = [*PracticeMeta.model_fields, *sorted((set(old) | set(new)) - set(PracticeMeta.model_fields))]
    changes = []
    for name in names:
        before, after = _plain(old.get(name)), _plain(new.get(name))
        if name == FIELD or before == after:
            continue
        if name == "key_figures":
            changes.append(_figure_changes(before or [], after or []))
        else:
            changes.append(name)
    return changes


def _figure_changes(old: list[Any], new: list[Any]) -> str:
    """Say how the key figures changed: how many were added, removed or edited."""
    kept = Counter(map(repr, old)) & Counter(map(repr, new))
    gone = len(old) - sum(kept.values())
    came = len(new) - sum(kept.values())
    edited = min(gone, came)
    parts = [
        f"{count} {what}"
        for count, what in ((came - edited, "added"), (gone - edited, "removed"), (edited, "edited"))
        if count
    ]
    return f"key figures ({', '.join(parts)})" if parts else "key figures (order)"


_SECTION = re.compile(r"<section\b[^>]*>(.*?)</section>", re.DOTALL)


def _sections(body: Body) -> list[tuple[str, str]]:
    """Return (heading, text) of each section of a converted text, as the build divides it."""
    texts = [" ".join(text.split()) for text in _SECTION.findall(body.html)]
    return [(section.title, text) for section, text in zip(body.sections, texts, strict=False)]


def _section_changes(old: Body, new: Body) -> list[str]:
    before, after = _sections(old), _sections(new)
    changes = []
    for title, text in after:
        match = next((i for i, (t, _) in enumerate(before) if t == title), None)
        if match is None:
            changes.append(f"{_section_name(title)} added")
            continue
        if (old_text := before.pop(match)[1]) != text:
            changes.append(f"{_section_name(title)} edited{_words_edited(old_text, text)}")
    changes += [f"{_section_name(title)} removed" for title, _ in before]
    if not changes and [t for t, _ in _sections(old)] != [t for t, _ in after]:
        changes.append("sections reordered")
    return changes


_TAG = re.compile(r"<[^>]+>")
MAX_SHOWN = 8  # an edit of up to this many words on either side is shown word for word; a longer one is not


def _words_edited(old: str, new: str) -> str:
    """Return the words a small edit of a section changed, `: "130" → "135"`; nothing when the edit is larger
    than a few words in one or two places (the section's heading then says enough)."""
    before, after = (html.unescape(_TAG.sub(" ", text)).split() for text in (old, new))
    spots = [
        op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"
    ]
    if not spots or len(spots) > 2 or any(max(i2 - i1, j2 - j1) > MAX_SHOWN for _, i1, i2, j1, j2 in spots):
        return ""
    shown = []
    for kind, i1, i2, j1, j2 in spots:
        gone, came = " ".join(before[i1:i2]), " ".join(after[j1:j2])
        shown.append(
            f'"{gone}" → "{came}"' if kind == "replace" else f'"{came}" added' if came else f'"{gone}" removed'
        )
    return ": " + " and ".join(shown)


def _section_name(title: str) -> str:
    return f"section '{title}'" if title else "the text before the first heading"


# --- Writing the version a translation follows -------------------------------------------------------------


class TranslationCommandError(Exception):
    """A translation cannot be started or marked: the message says why and what to do."""


def set_version(path: Path, version: str, text: bytes | None = None) -> None:
    """Write `translated_from` into a source's front matter atomically, changing only that line (or adding it).

    `text` is what the file is to hold besides that line: by default, what it holds now."""
    try:
        written = with_version(read_source(path) if text is None else text, version)
        front, line, _, _ = split_front_matter(decode(written))
        data = parse_yaml(front, line).data
    except (TranslationCommandError, YamlError, OSError) as error:
        raise TranslationCommandError(
            f"{path.name}: {error}; fix it (python build.py --check), then try again"
        ) from None
    if not isinstance(data, dict) or data.get(FIELD) != version:
        raise TranslationCommandError(
            f"{path.name}: the version line cannot be written into its front matter; "
            "fix it (python build.py --check), then try again"
        )
    rewrite(path, written)  # the writer's file stays theirs: its permissions, links and every other byte


_FIELD_LINE = re.compile(rb"^" + FIELD.encode() + rb"\s*:")
# A comment after the value, which the new line keeps: `translated_from: "4c5a…"  # checked by Ana`.
_COMMENT = re.compile(rb"""^[^:]*:\s*(?:"[^"]*"|'[^']*'|[^\s#]*)(\s+#.*?)?\s*$""")
_NUMBER_LINE = re.compile(rb"^number\s*:")


def with_version(raw: bytes, version: str) -> bytes:
    """Return a source's bytes with `translated_from: "<version>"` in its front matter; every other byte kept.

    The line replaces an existing `translated_from` line, or comes right after the `number` line (or the
    opening `---` line), with the file's own line ending."""
    lines = raw.splitlines(keepends=True)
    if not lines or lines[0].removeprefix(b"\xef\xbb\xbf").strip() != b"---":
        raise TranslationCommandError("the file does not start with front matter (a '---' line)")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in (b"---", b"...")), None)
    if end is None:
        raise TranslationCommandError("the front matter is not closed with a '---' line")
    ending = lines[0][len(lines[0].rstrip(b"\r\n")) :] or b"\n"
    entry = f'{FIELD}: "{version}"'.encode()
    for index in range(1, end):
        if _FIELD_LINE.match(lines[index]):
            content = lines[index].rstrip(b"\r\n")
            comment = match[1] if (match := _COMMENT.match(content)) and match[1] else b""
            lines[index] = entry + comment + (lines[index][len(content) :] or ending)
            return b"".join(lines)
    after = next((i + 1 for i in range(1, end) if _NUMBER_LINE.match(lines[i])), 1)
    lines.insert(after, entry + ending)
    return b"".join(lines)
