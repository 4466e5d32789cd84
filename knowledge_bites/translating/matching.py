"""Which units of an existing translation translate which units of the reference text, and which are unchanged.

A translation is matched to the reference version it follows by structure: the front-matter fields by name, and
the text section by section, block by block (a heading with a heading, the third list item with the third list
item). Where the structures differ (a paragraph split in two), the blocks that line up are matched and the rest
are said not to match. The reference as it is now is matched to that earlier version by text: a unit whose text
(with its codes) is the same, in the same order, is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .inline import Text, codes, plain, shown, with_ids
from .units import Practice, Unit


@dataclass
class Matched:
    """Units of one practice matched to units of another: by id of the first, with what could not be matched."""

    pairs: dict[str, Unit] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)  # where the structures differ, in a few words


def by_structure(reference: Practice, translation: Practice) -> Matched:
    """Match a translation's units to the units of the reference text it translates, by where they stand."""
    matched = Matched()
    theirs = {unit.id: unit for unit in translation.units if unit.section < 0}
    for unit in reference.units:
        if unit.section < 0 and unit.id in theirs:
            matched.pairs[unit.id] = theirs[unit.id]
    ours_sections = _sections(reference)
    their_sections = _sections(translation)
    shapes = SequenceMatcher(None, [_shape(s) for s in ours_sections], [_shape(s) for s in their_sections], False)
    section_pairs: list[tuple[int, int]] = []
    for tag, a0, a1, b0, b1 in shapes.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            section_pairs += list(zip(range(a0, a1), range(b0, b1), strict=True))
        elif a1 > a0:
            names = ", ".join(_title(reference, i) for i in range(a0, a1))
            matched.unmatched.append(f"{names}: no section of the translation stands where it does")
    same = [(ours_sections[a], their_sections[b]) for a, b in section_pairs]
    ratio = _ratio(
        [pair for ours, their in same if _shape(ours) == _shape(their) for pair in zip(ours, their, strict=True)]
    )
    for a, b in section_pairs:
        ours, their = ours_sections[a], their_sections[b]
        kinds = SequenceMatcher(None, [u.kind for u in ours], [u.kind for u in their], False)
        lost = 0
        for tag, a0, a1, b0, b1 in kinds.get_opcodes():
            if tag != "equal":
                lost += a1 - a0
                continue
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                # Where the structures differ, a block stands where another did only if its length fits too.
                if _shape(ours) == _shape(their) or _fits(ours[i], their[j], ratio):
                    matched.pairs[ours[i].id] = their[j]
                else:
                    lost += 1
        if lost or len(ours) != len(their):
            matched.unmatched.append(
                f"{_title(reference, a)}: the translation has {_blocks(len(their))} where the reference text has "
                f"{_blocks(len(ours))}; {lost} of them could not be matched"
            )
    return matched


def _length(unit: Unit) -> int:
    return max(1, len(plain(unit.text)))


def _ratio(pairs: list[tuple[Unit, Unit]]) -> float:
    """Return how much longer the translation's blocks are than the reference's, as a median (1.2 if unknown)."""
    ratios = sorted(_length(b) / _length(a) for a, b in pairs)
    return ratios[len(ratios) // 2] if ratios else 1.2


def _fits(ours: Unit, theirs: Unit, ratio: float) -> bool:
    return 1 / 1.6 <= (_length(theirs) / _length(ours)) / ratio <= 1.6


def _sections(practice: Practice) -> list[list[Unit]]:
    sections: list[list[Unit]] = [[] for _ in practice.titles]
    for unit in practice.units:
        if 0 <= unit.section < len(sections):
            sections[unit.section].append(unit)
    return sections


def _shape(units: list[Unit]) -> tuple[str, ...]:
    return tuple(unit.kind for unit in units)


def _title(practice: Practice, index: int) -> str:
    title = practice.titles[index] if index < len(practice.titles) else ""
    return f"section '{title}'" if title else "the text before the first heading"


def _blocks(count: int) -> str:
    return f"{count} unit{'s' if count != 1 else ''}"


@dataclass
class Changes:
    """Units of the reference as it is now, against an earlier version: unchanged ones, and edited ones."""

    unchanged: dict[str, Unit] = field(default_factory=dict)  # id now: the same unit then
    edited: dict[str, Unit] = field(default_factory=dict)  # id now: the unit it replaces


def by_text(now: Practice, then: Practice) -> Changes:
    """Match the units of a reference text to those of an earlier version of it, by their text and order."""
    changes = Changes()
    earlier = {unit.id: unit for unit in then.units if unit.section < 0}
    for unit in now.units:
        if unit.section < 0 and unit.id in earlier:
            same = shown(unit.text) == shown(earlier[unit.id].text)
            (changes.unchanged if same else changes.edited)[unit.id] = earlier[unit.id]
    ours = [unit for unit in now.units if unit.section >= 0]
    theirs = [unit for unit in then.units if unit.section >= 0]
    texts = SequenceMatcher(None, [_key(u) for u in ours], [_key(u) for u in theirs], False)
    for tag, a0, a1, b0, b1 in texts.get_opcodes():
        pairs = list(zip(range(a0, a1), range(b0, b1), strict=False))
        target = changes.unchanged if tag == "equal" else changes.edited
        target.update({ours[i].id: theirs[j] for i, j in pairs})
    return changes


def _key(unit: Unit) -> tuple[str, str]:
    return unit.kind, shown(unit.text)


def carried_over(reference: Unit, translated: Unit) -> Text | None:
    """Return a translation's text with its codes renamed to the reference unit's, or None if they do not match.

    Codes are matched kind by kind: a link by its address, the others in their order."""
    ours, theirs = codes(reference.text), codes(translated.text)
    if sorted(c.kind for c in ours) != sorted(c.kind for c in theirs):
        return None
    ids: dict[str, str] = {}
    free = list(ours)
    for code in theirs:
        address = dict(translated.info[code.id].attributes).get("href") if code.id in translated.info else None
        same_link = [
            c for c in free if c.kind == code.kind and dict(reference.info[c.id].attributes).get("href") == address
        ]
        candidates = same_link or [c for c in free if c.kind == code.kind]
        if not candidates:
            return None
        ids[code.id] = candidates[0].id
        free.remove(candidates[0])
    return with_ids(translated.text, ids)
