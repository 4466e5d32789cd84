"""`translations --export`: a practice as a kit for a translator, with only what changed left to translate.

A translation that already exists pre-fills every unit whose reference text is unchanged since the version the
translation follows (its `translated_from`, the earlier text from git): those units are marked translated. A unit
that is new, or whose reference text changed, is left to translate, with the previous translation given as a
reference where there was one. The kit goes to `output/translation/`, and the command prints what an agency
quotes on: `09-smes-iraq: 412 words, 57 to translate in 3 units, 355 already translated`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from ..files import shown_path, write_atomically
from ..sources.frontmatter import decode, read_source, split_front_matter
from ..sources.translations import (
    TranslationCommandError,
    Translations,
    TranslationState,
    read_for_command,
    to_translate,
)
from ..sources.versions import FIELD, keep_text, old_texts, version_of
from ..sources.yamltext import YamlError, parse_yaml
from . import matching
from .inline import words
from .units import Practice, UnitsError, practice_of
from .xliff import Entry, Header, KitFileError, _hardened_parse, _header, write_kit

FOLDER = "translation"  # inside the output folder


@dataclass(frozen=True)
class Exported:
    """A kit written: where, and its word counts."""

    path: Path
    name: str  # the practice's file name without its language: 09-smes-iraq
    words: int
    to_translate: int  # words
    units_to_translate: int
    unmatched: tuple[str, ...] = ()  # where the existing translation could not be matched

    def line(self) -> str:
        done = self.words - self.to_translate
        units = f"{self.units_to_translate} unit{'s' if self.units_to_translate != 1 else ''}"
        return (
            f"{self.name}: {self.words} words, {self.to_translate} to translate in {units}, {done} already translated"
        )


def kit_folder(output: Path) -> Path:
    return output / FOLDER


def export(
    translations: Translations, locales: dict[str, str], content: Path, output: Path, number: int, lang: str
) -> Exported:
    """Write the kit of one practice into one language; raise TranslationCommandError when it cannot be made."""
    state = _state(translations, number, lang)
    raw = read_for_command(state.reference)
    version = version_of(raw)
    current = _practice(raw, state.reference, content)
    entries: list[Entry]
    unmatched: tuple[str, ...] = ()
    if state.status in ("up to date", "out of date"):
        entries, unmatched = _against_translation(current, version, state, content)
    else:
        entries = [Entry(unit) for unit in current.units]
    header = Header(number, state.reference.name.split(".")[0].split("-", 1)[1], translations.reference, lang, version)
    note = (
        f"Practice #{number}, {state.reference.name} (version {version[:7]}), into {_name(locales[lang])}. "
        f"Numbers, country codes, dates, periods, link addresses and file paths are not in this kit: they come from "
        f"{state.reference.name} on import, so that they cannot disagree. Translate every unit, keep each inline "
        f"code, and send the kit back; it is imported with: python build.py translations --import {header.name}"
    )
    if unmatched:
        note += " Not matched with the earlier translation: " + "; ".join(unmatched) + "."
    data = write_kit(header, entries, (_bcp47(locales[translations.reference]), _bcp47(locales[lang])), note)
    path = kit_folder(output) / header.name
    write_atomically(path, data)
    keep_text(content, raw)  # the version the imported translation will follow: "what changed" needs its text
    total = sum(words(entry.unit.text) for entry in entries)
    left = [entry for entry in entries if entry.target is None]
    return Exported(path, state.reference.name.split(".")[0], total, sum(words(e.unit.text) for e in left), len(left),
                    unmatched)  # fmt: skip


def _against_translation(
    current: Practice, version: str, state: TranslationState, content: Path
) -> tuple[list[Entry], tuple[str, ...]]:
    """Pre-fill the units unchanged since the version the translation follows; give the rest its earlier text."""
    translation = _practice(read_for_command(state.source), state.source, content)
    follows = translation.front.get(FIELD)
    then: Practice | None = None
    if follows == version:
        then = current
    elif isinstance(follows, str):
        texts, _ = old_texts(content, {follows})
        if follows in texts:
            then = _practice(texts[follows], state.reference, content)
    if then is None:  # what the translation follows is unknown: its text is only a reference
        structure = matching.by_structure(current, translation)
        entries = [_reference_only(unit, structure.pairs.get(unit.id), None) for unit in current.units]
        why = "the version of the reference text it translates is unknown, so its text is given as a reference only"
        return entries, (why, *structure.unmatched)
    structure = matching.by_structure(then, translation)
    changes = matching.by_text(current, then)
    entries = []
    for unit in current.units:
        before = changes.unchanged.get(unit.id)
        translated = structure.pairs.get(before.id) if before is not None else None
        carried = matching.carried_over(before, translated) if before is not None and translated else None
        if carried is not None:
            entries.append(Entry(unit, target=carried))
            continue
        if translated is not None:  # unchanged, but its codes do not match: the earlier translation as a reference
            entries.append(_reference_only(unit, translated, before, "its inline codes differ from the source text"))
            continue
        edited = changes.edited.get(unit.id)
        earlier = structure.pairs.get(edited.id) if edited is not None else None
        entries.append(_reference_only(unit, earlier, edited, "" if earlier or edited else "new in the source text"))
    return entries, tuple(structure.unmatched)


def _reference_only(unit, translated, source, why: str = "") -> Entry:
    note = "Changed since the earlier translation, which is given for reference." if translated is not None else ""
    if why:
        note = f"{note} {why[0].upper()}{why[1:]}.".strip()
    return Entry(
        unit,
        previous=translated.text if translated is not None else None,
        previous_source=source.text if source is not None and translated is not None else None,
        note=note,
    )


def _state(translations: Translations, number: int, lang: str) -> TranslationState:
    state = to_translate(translations, number, lang)
    if state.status == "unreadable":
        raise TranslationCommandError(f"{state.source.name} cannot be read: python build.py --check says why")
    return state


def _practice(raw: bytes, source: Path, content: Path) -> Practice:
    try:
        return practice_of(raw, source, content)
    except UnitsError as error:
        raise TranslationCommandError(str(error)) from None


def _name(locale: str) -> str:
    return Locale.parse(locale).get_display_name("en") or locale


def _bcp47(locale: str) -> str:
    return locale.replace("_", "-")


def follows_version(source: Path) -> str | None:
    """Return the version of the reference text a translation says it follows (its `translated_from`)."""
    try:
        front, line, _, _ = split_front_matter(decode(read_source(source)))
        data = parse_yaml(front, line).data
    except (OSError, YamlError):
        return None
    value = data.get(FIELD) if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


# --- Kits waiting to come back -----------------------------------------------------------------------------------


def waiting_kits(translations: Translations, output: Path) -> list[tuple[TranslationState, Header, Path]]:
    """Return each kit exported and not yet imported: its translation has not changed since it was made."""
    folder = kit_folder(output)
    found = []
    for path in sorted(folder.glob("*.xlf")) if folder.is_dir() else []:
        try:
            if path.stat().st_size > 5_000_000:
                continue
            header = _header(_hardened_parse(path.read_bytes())[0])
        except (OSError, KitFileError, IndexError):
            continue
        state = translations.state(header.number, header.target_lang)
        if state is None:
            continue
        source = state.source
        if source.is_file() and (
            follows_version(source) == header.version or source.stat().st_mtime >= path.stat().st_mtime
        ):
            continue  # imported, or worked on since it was made
        found.append((state, header, path))
    return found


def waiting(translations: Translations, output: Path, languages: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Return a line per kit exported and not yet imported, for the `translations` report."""
    return [
        f"kit waiting  {shown_path(path)}  (exported for version {header.version[:7]} of {state.reference.name}; "
        "import it with python build.py translations --import FILE)"
        for state, header, path in waiting_kits(translations, output)
        if not languages or header.target_lang in languages
    ]


def kit_notes(translations: Translations, output: Path) -> list[tuple[Path, str]]:
    """Return, for the preview, the source whose sheet shows each kit waiting (the reference's, for a translation
    not yet started), and what its badge says."""
    notes = []
    for state, header, path in waiting_kits(translations, output):
        shown = state.source if state.status != "missing" else state.reference
        notes.append((shown, f"{state.lang} kit with the translator ({path.name}, version {header.version[:7]})"))
    return notes
