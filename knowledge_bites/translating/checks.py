"""The checks of a returned unit that its text alone can tell: its inline codes, and the numbers it keeps.

Codes may be moved and re-nested, as a language needs, but each must appear once, as a pair or a single code
as in the source text, a pair around some words, and no link inside a link or anything inside code text. Every
number of the source text must be in the translation, written in any language's way (`4,975`, `4.975`, `4 975`).
"""

from __future__ import annotations

import re

from .inline import KIND_NAMES, Code, CodeInfo, Text, codes, has_words


def code_problems(source: Text, target: Text, info: dict[str, CodeInfo]) -> list[str]:
    """Return what is wrong with the inline codes of a translation, against its source: one message each."""
    problems = []
    wanted = {code.id: code for code in codes(source)}
    seen: dict[str, int] = {}
    for code in codes(target):
        seen[code.id] = seen.get(code.id, 0) + 1
        name = _name(code.id, info)
        if code.id not in wanted:
            problems.append(f"inline code {{{code.id}}} is not in the source text: remove it")
        elif (code.inner is None) != (wanted[code.id].inner is None):
            how = "a single code" if wanted[code.id].inner is None else "a pair around the words it marks"
            problems.append(f"inline code {{{code.id}}} ({name}) must be {how}, as in the source text")
        elif code.inner is not None and not has_words(code.inner) and not codes(code.inner):
            problems.append(f"inline code {{{code.id}}} ({name}) marks no words: put the words it marks inside it")
    for code_id, count in seen.items():
        if count > 1 and code_id in wanted:
            problems.append(f"inline code {{{code_id}}} ({_name(code_id, info)}) appears {count} times: keep it once")
    for code_id in wanted:
        if code_id not in seen:
            name = _name(code_id, info)
            place = "around the words it marks" if wanted[code_id].inner is not None else "where it belongs"
            problems.append(f"inline code {{{code_id}}} ({name}) is missing: put it back {place}")
    problems += _nesting_problems(target, info, ())
    return problems


def _nesting_problems(text: Text, info: dict[str, CodeInfo], within: tuple[str, ...]) -> list[str]:
    problems = []
    for piece in text:
        if not isinstance(piece, Code):
            continue
        kind = info[piece.id].kind if piece.id in info else piece.kind
        if "x-code" in within:
            problems.append(
                f"inline code {{{piece.id}}} ({KIND_NAMES.get(kind, kind)}) is inside code text: move it out"
            )
        elif kind == "link" and "link" in within:
            problems.append(f"inline code {{{piece.id}}} (link) is inside another link: links cannot hold links")
        elif kind in within and kind in ("bold", "italic"):
            problems.append(f"inline code {{{piece.id}}} ({KIND_NAMES[kind]}) is inside another {KIND_NAMES[kind]}")
        if piece.inner is not None:
            problems += _nesting_problems(piece.inner, info, (*within, kind))
    return problems


def _name(code_id: str, info: dict[str, CodeInfo]) -> str:
    kind = info[code_id].kind if code_id in info else ""
    return KIND_NAMES.get(kind, kind or "unknown")


# --- Numbers ---------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f\u2009 '’]\d{3})*(?:[.,]\d+)?")  # in any language's way
_ENGLISH_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    """Return the numbers of an English text as written (`4,975`, `1.5`, `2021`)."""
    return _ENGLISH_NUMBER.findall(text)


def _values_written(text: str) -> set[str]:
    """Return every value the numbers of a text may stand for, in any language's way of writing them."""
    values = set()
    for written in _NUMBER.findall(text):
        digits = re.sub(r"\D", "", written)
        values.add(digits.lstrip("0") or "0")
        parts = re.split(r"[,.\u00a0\u202f\u2009 '’]", written)
        if len(parts) > 1:  # the last separator as a decimal mark
            whole = "".join(parts[:-1]).lstrip("0") or "0"
            values.add(f"{whole}.{parts[-1]}")
        values.update(part.lstrip("0") or "0" for part in parts)
    return values


def _english_value(written: str) -> str:
    whole, _, fraction = written.partition(".")
    whole = whole.replace(",", "").lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def missing_numbers(source: str, target: str) -> list[str]:
    """Return the numbers of an English text that its translation does not hold, however it writes them."""
    present = _values_written(target)
    missing = []
    for written in numbers(source):
        if _english_value(written) not in present and written not in missing:
            missing.append(written)
    return missing
