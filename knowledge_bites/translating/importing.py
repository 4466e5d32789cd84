"""`translations --import`: a kit that came back, checked unit by unit, written as the translation's source.

The source is written from the reference text at the version the kit was made from: its front matter (codes,
numbers, dates, and the agreed values of the reference as it is now) with the translated values, and its blocks
filled with the translated units; `translated_from` is that version. Nothing is written unless every unit of every
kit passes the checks, and the text written is read back as the build reads it, to be sure it says what the
translator wrote. The file is replaced atomically; its previous text stays in git, or in a backup beside it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..files import shown_path, write_atomically
from ..sources.frontmatter import decode, read_source, split_front_matter
from ..sources.markdown import convert
from ..sources.schema import PracticeMeta
from ..sources.translations import Translations
from ..sources.versions import old_texts, version_of, what_changed
from ..sources.yamltext import YamlError, parse_yaml
from .checks import code_problems, missing_numbers
from .exporting import follows_version
from .inline import (
    Text,
    codes,
    has_words,
    normal,
    plain,
    renumbered,
    replace_content,
    to_html,
)
from .inline import (
    shown as with_codes,
)
from .units import BLOCKS, Practice, UnitsError, practice_of
from .writing import WritingError, front_matter, markdown_of
from .xliff import Kit, KitFileError, read_kit

AGREED = ("number", "countries", "regions", "period", "published")  # and the key figures' values and dates


@dataclass(frozen=True)
class Plan:
    """A kit that passed every check: the file to write and what to say about it."""

    kit: Path
    target: Path
    data: bytes
    said: str
    later: tuple[str, ...] = ()


class RefusedError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def plan(
    path: Path,
    translations: Translations,
    content: Path,
    *,
    allow_partial: bool,
    languages: list[str] | tuple[str, ...],
) -> Plan:
    """Check a kit and work out the translation it gives; raise RefusedError with one line per problem."""
    shown = shown_path(path)
    try:
        kit = read_kit(path)
    except KitFileError as error:
        raise RefusedError([f"{shown}{f':{error.line}' if error.line else ''}: {error.message}"]) from None
    reference, state, base_raw = _reference_of(kit, shown, translations, content, languages)
    try:
        base = practice_of(base_raw, reference, content)
    except UnitsError as error:
        raise RefusedError([f"{shown}:{kit.line}: {error}"]) from None
    problems: list[str] = []
    targets, partial = _checked_units(kit, base, shown, allow_partial, problems)
    if problems:
        raise RefusedError(problems)
    current_raw = read_source(reference)
    version = kit.header.version
    if partial:  # what stays in English is to translate: the translation stays out of date
        follows = follows_version(state.source) if state is not None else None
        version = follows if follows != kit.header.version else None
    text = _written(base, targets, _agreed(current_raw), version, shown, kit, problems)
    if problems:
        raise RefusedError(problems)
    _read_back(text, base, targets, state.source, content, shown, kit, problems)
    if problems:
        raise RefusedError(problems)
    said = f"from {path.name}: {len(targets)} units"
    if partial:
        said += f", {len(partial)} left in the source text (out of date until they are translated)"
    later = ()
    if version_of(current_raw) != kit.header.version:
        changes = what_changed(base_raw, current_raw, reference, content) or ()
        what = ", ".join(changes) or "what changed is unknown"
        later = (
            f"  out of date at once: {reference.name} has changed since the kit was made ({what}); export a new kit: "
            f"python build.py translations --export {kit.header.number} --lang {kit.header.target_lang}",
        )
    return Plan(path, state.source, text.encode("utf-8"), said, later)


def write(plan: Plan, content: Path) -> list[str]:
    """Write a checked translation atomically, keeping its previous text recoverable; return the lines to print."""
    kept = ""
    if plan.target.is_file():
        old = plan.target.read_bytes()
        if old == plan.data:
            return [f"unchanged {shown_path(plan.target)}  ({plan.said}; it already says this)", *plan.later]
        old_version = version_of(old)
        texts, _ = old_texts(content, {old_version})
        if old_version in texts:
            kept = f"; its previous text is in git: git show {old_version[:12]}"
        else:
            backup = plan.target.with_name(f"{plan.target.name}.{old_version[:7]}.bak")
            write_atomically(backup, old)
            kept = f"; its previous text is kept in {backup.name}"
    write_atomically(plan.target, plan.data)
    return [f"imported {shown_path(plan.target)}  ({plan.said}{kept})", *plan.later]


def _reference_of(
    kit: Kit, shown: Path, translations: Translations, content: Path, languages: list[str] | tuple[str, ...]
) -> tuple[Path, Any, bytes]:
    header, where = kit.header, f"{shown}:{kit.line}"
    known = sorted({s.lang for s in translations.states})
    if header.source_lang != translations.reference:
        raise RefusedError([f"{where}: the kit translates '{header.source_lang}' files; this series' reference "
                       f"language is '{translations.reference}'"])  # fmt: skip
    if header.target_lang not in known:
        raise RefusedError([f"{where}: the kit is for language '{header.target_lang}', which this series does not "
                       f"translate into (it has {', '.join(known) or 'no other language'})"])  # fmt: skip
    if languages and header.target_lang not in languages:
        raise RefusedError([f"{where}: the kit is for '{header.target_lang}', not for {', '.join(languages)} as asked"])
    state = translations.state(header.number, header.target_lang)
    if state is None:
        raise RefusedError(
            [f"{where}: the kit was made for practice #{header.number}, which this series does not have"]
        )
    slug = state.reference.name.split(".")[0].split("-", 1)[1]
    if slug != header.slug:
        raise RefusedError([f"{where}: the kit was made for practice #{header.number} '{header.slug}', but "
                       f"#{header.number} here is '{slug}' ({state.reference.name})"])  # fmt: skip
    try:
        current = read_source(state.reference)
    except (OSError, YamlError) as error:
        raise RefusedError([f"{where}: {state.reference.name} cannot be read ({error})"]) from None
    if version_of(current) == header.version:
        return state.reference, state, current
    texts, why = old_texts(content, {header.version})
    if header.version not in texts:
        reason = why or "it is not in the git history"
        raise RefusedError([f"{where}: the kit was made from version {header.version[:7]} of {state.reference.name}, "
                       f"which the build cannot find ({reason}): export a new kit"])  # fmt: skip
    return state.reference, state, texts[header.version]


def _checked_units(
    kit: Kit, base: Practice, shown: Path, allow_partial: bool, problems: list[str]
) -> tuple[dict[str, Text], list[str]]:
    """Check each unit of a kit against the reference; return the translations by id, and those left untranslated."""
    wanted = base.by_id
    targets: dict[str, Text] = {}
    partial: list[str] = []
    seen: set[str] = set()
    for unit in kit.units:
        where = f"{shown}:{unit.line}: unit '{unit.id}'"
        if unit.id in seen:
            problems.append(f"{where}: appears twice in the kit: keep one")
            continue
        seen.add(unit.id)
        if unit.error is not None:
            problems.append(f"{shown}:{unit.error.line or unit.line}: unit '{unit.id}': {unit.error.message}")
            continue
        reference = wanted.get(unit.id)
        if reference is None:
            problems.append(f"{where}: no such unit in the text the kit was made from: export the kit again")
            continue
        if shown_text(unit.source) != shown_text(reference.text):
            problems.append(f"{where}: its source text is not the one exported: leave the source as it is")
            continue
        target = normal(unit.target) if unit.target is not None else ()
        where = f"{shown}:{unit.target_line}: unit '{unit.id}'"
        if not has_words(target) and not codes(target):
            if allow_partial:
                targets[unit.id] = reference.text
                partial.append(unit.id)
            else:
                problems.append(
                    f"{where}: not translated: translate it, or import with --allow-partial to keep the "
                    "source text for now"
                )
            continue
        found = code_problems(reference.text, target, reference.info)
        found += [
            f"the number {number} of the source text is missing from the translation: keep every figure, in the "
            "language's own way of writing it"
            for number in missing_numbers(plain(reference.text), plain(target))
        ]
        if reference.limit and len(plain(target)) > reference.limit:
            found.append(f"{len(plain(target))} characters, more than the {reference.limit} it may have: shorten it")
        problems += [f"{where}: {message}" for message in found]
        targets[unit.id] = target
    for unit_id in wanted:
        if unit_id not in seen:
            problems.append(f"{shown}:{kit.line}: unit '{unit_id}': missing from the kit: export the kit again")
    return targets, partial


def shown_text(text: Text) -> str:
    return with_codes(normal(text))


def _agreed(raw: bytes) -> dict[str, Any]:
    """Return the values the languages must agree on, from the reference text as it is now."""
    try:
        front, line, _, _ = split_front_matter(decode(raw))
        data = parse_yaml(front, line).data
    except YamlError:
        return {}
    return data if isinstance(data, dict) else {}


def _written(
    base: Practice,
    targets: dict[str, Text],
    now: dict[str, Any],
    version: str | None,
    shown: Path,
    kit: Kit,
    problems: list[str],
) -> str:
    """Return the translation's source: the reference's front matter and blocks, with the translated units."""
    data = copy.deepcopy(base.front)
    for key in AGREED:
        if key in now:
            data[key] = now[key]
    figures, current = data.get("key_figures"), now.get("key_figures")
    if isinstance(figures, list) and isinstance(current, list) and len(figures) == len(current):
        for figure, agreed in zip(figures, current, strict=True):
            if isinstance(figure, dict) and isinstance(agreed, dict):
                figure.update({k: v for k, v in agreed.items() if k != "label"})
    for unit_id, text in targets.items():
        parts = unit_id.split("/")
        if parts[0] != "front":
            continue
        value = plain(text)
        if len(parts) == 2:
            data[parts[1]] = value
        elif parts[1] == "partners":
            data["partners"][int(parts[2]) - 1] = value
        elif parts[1] == "key_figures":
            data["key_figures"][int(parts[2]) - 1]["label"] = value
        elif parts[1] == "photo":
            data["photo"][parts[2]] = value
    alts = {unit_id: plain(text) for unit_id, text in targets.items()}
    for unit_id, text in targets.items():
        if unit_id.startswith("body/"):
            element, how = base.owners[unit_id]
            if how == "alt":
                element.set("alt", plain(text))
            else:
                replace_content(element, to_html(text, base.by_id[unit_id].info, alts), stop=BLOCKS)
    try:
        body = markdown_of(base.tree)
    except WritingError as error:
        problems.append(f"{shown}:{kit.line}: the translated text cannot be written as Markdown ({error})")
        return ""
    return front_matter(data, version) + body


def _read_back(
    text: str, base: Practice, targets: dict[str, Text], source: Path, content: Path, shown: Path, kit: Kit,
    problems: list[str],
) -> None:  # fmt: skip
    """Read the written text as the build does; report each unit that would not say what the translator wrote."""
    lines = {unit.id: unit.line for unit in kit.units}
    try:
        front, front_line, body, body_line = split_front_matter(text)
        document = parse_yaml(front, front_line)
        PracticeMeta.model_validate(document.data)
        again = practice_of(text.encode("utf-8"), source, content)
    except ValidationError as error:
        for item in error.errors():
            loc = [str(part + 1) if isinstance(part, int) else str(part) for part in item["loc"]]
            unit_id = "front/" + "/".join(loc)
            problems.append(f"{shown}:{lines.get(unit_id, kit.line)}: unit '{unit_id}': {item['msg']}")
        return
    except (YamlError, UnitsError) as error:
        problems.append(f"{shown}:{kit.line}: the translation cannot be written as a source ({error})")
        return
    for problem in convert(source, body, body_line, content).problems:
        if problem.severity == "error":
            problems.append(f"{shown}:{kit.line}: {problem.message}")
    if len(again.units) != len(base.units):
        problems.append(f"{shown}:{kit.line}: the translated text would not read back unit for unit: tell the team")
        return
    for was, now in zip(base.units, again.units, strict=True):
        expected = normal(targets.get(was.id, was.text))
        if with_codes(renumbered(expected)) != with_codes(renumbered(now.text)):
            problems.append(
                f"{shown}:{lines.get(was.id, kit.line)}: unit '{was.id}': its translation would read back as "
                f"'{with_codes(now.text)[:80]}': change its formatting (codes side by side, or markup in the text)"
            )
