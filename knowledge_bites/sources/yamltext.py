"""YAML parsing that keeps line numbers, for error messages that point at the right line."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """Safe loader whose impossible dates (2020-13-01) raise an error that carries the line."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            parts = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(node.value))
            why = unreal_date(*(int(p) for p in parts.groups())) if parts else None
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date: {why or error}", node.start_mark
            ) from None


def unreal_date(year: int, month: int | None, day: int | None) -> str | None:
    """Say, as a writer would, why a date written as YYYY-MM-DD is no real date; None when it is one."""
    if year < 1:
        return "the year comes first, with four digits (YYYY-MM-DD)"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month:02d}; the month comes after the year, from 01 to 12 (YYYY-MM-DD)"
    if day is not None:
        days = calendar.monthrange(year, month or 1)[1]
        if not 1 <= day <= days:
            return f"{calendar.month_name[month or 1]} {year} has days 01 to {days}, not {day:02d}"
    return None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

# libyaml's parser is ten times faster; its error messages differ, so text it refuses is parsed again by the
# Python parser, whose messages are the ones users see. It accepts tabs and control characters that the Python
# parser refuses, so text that has any goes straight to the Python parser.
_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)


class YamlError(Exception):
    """YAML text that cannot be read; `line` counts from 1 in the file it came from."""

    def __init__(self, line: int | None, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML data plus the node tree, to find the line of any field."""

    data: Any
    root: yaml.Node
    first_line: int  # line of the file where the YAML text starts (1-based)

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """Return the file line of the field at `loc`, or of its nearest existing parent."""
        node = self.root
        line = node.start_mark.line if node.start_mark else 0  # an empty document has no position
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            line = key_node.start_mark.line
        return self.first_line + line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == part:
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def parse_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse `text` as one safe YAML document; raise YamlError with a file line on any error."""
    for number, line_text in enumerate(text.split("\n")):
        if "\t" in line_text[: len(line_text) - len(line_text.lstrip())]:
            raise YamlError(first_line + number, "tab character in the indentation: indent with spaces")
    try:
        root = _fast_compose(text, first_line)
        if root is None:
            _reject_aliases(text, first_line, _Loader)
            root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        problem = error.problem or error.context or "invalid YAML"
        if "'\\t'" in problem:
            raise YamlError(line, "tab character here: use spaces between a field and its value") from None
        raise YamlError(
            line, f"not valid YAML ({problem}): check quotes, colons and indentation here or just above"
        ) from None
    except yaml.reader.ReaderError as error:
        character = error.character if isinstance(error.character, int) else ord(error.character[:1] or b"\0")
        raise YamlError(
            first_line + text[: error.position].count("\n"),
            f"invisible control character U+{character:04X} (often pasted from another program): delete it",
        ) from None
    except yaml.YAMLError as error:
        raise YamlError(None, f"not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise YamlError(first_line, _TOO_DEEP) from None
    if root is None:
        return YamlDocument({}, yaml.MappingNode("tag:yaml.org,2002:map", []), first_line)
    try:
        _check_keys(root, first_line)
        data = _Loader("").construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = first_line + mark.line if mark else None
        field = _field_at(root, mark.index) if mark else None
        problem = str(error.problem)
        if tag := re.search(r"constructor for the tag '([^']*)'", problem):
            shown = tag[1].replace("tag:yaml.org,2002:", "!!")
            problem = f"the YAML tag '{shown}' is not supported: write plain text, numbers, dates and lists"
        raise YamlError(line, problem, field) from None
    except RecursionError:
        raise YamlError(first_line, _TOO_DEEP) from None
    return YamlDocument(data, root, first_line)


_TOO_DEEP = "lists or fields nested too deeply: the front matter needs at most three levels"


def _fast_compose(text: str, first_line: int) -> yaml.Node | None:
    """Return the node tree parsed by libyaml, or None when it is missing, refuses the text or finds it empty."""
    if _FAST_LOADER is None or "\t" in text or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    try:
        _reject_aliases(text, first_line, _FAST_LOADER)
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return None


def _reject_aliases(text: str, first_line: int, loader: type) -> None:
    """Refuse `*name` aliases: they can make a few lines expand into millions of values."""
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                first_line + event.start_mark.line,
                f"'*{event.anchor}' repeats an earlier value (a YAML alias): write the value out in full",
            )


def _field_at(node: yaml.Node, index: int, path: tuple[str | int, ...] = ()) -> str | None:
    """Return the location (`location`) of the value node that starts at character `index`."""
    if node.start_mark.index == index and path:
        return location(path)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if (found := _field_at(value_node, index, (*path, str(key_node.value)))) is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            if (found := _field_at(item, index, (*path, position))) is not None:
                return found
    return None


# What one item of a list field is called, for a location that counts the items from 1 as writers do.
ITEM_NAMES = {
    "key_figures": "key figure",
    "countries": "country",
    "regions": "region",
    "partners": "partner",
    "languages_in_progress": "language in progress",
}


def location(loc: tuple[str | int, ...]) -> str:
    """Return a field's location as a writer counts: `key figure 1, value` for the first key figure's value.

    Items of a list are counted from 1 (`country 2`); a field inside one follows after a comma; a field inside a
    mapping after a dot (`period.start`)."""
    out = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            name = str(loc[index - 1]) if index else ""
            item = ITEM_NAMES.get(name, f"{name} item" if name else "item")
            out = f"{out.removesuffix(name)}{item} {part + 1}"
        elif out and isinstance(loc[index - 1], int):
            out += f", {part}"
        else:
            out += f".{part}" if out else str(part)
    return out


_KEY_KINDS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _check_keys(node: yaml.Node, first_line: int) -> None:
    """Refuse duplicate keys and keys that YAML does not read as names (`no:`, `1:`, `~:`)."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            line = first_line + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(line, "a key must be a plain name, not a list or a mapping")
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(line, "'<<' merge keys are not supported: write the fields out in full")
            if key_node.tag in _KEY_KINDS:
                kind = _KEY_KINDS[key_node.tag]
                raise YamlError(line, f"key '{key}' is read as {kind}, not as a name: put it in quotes (\"{key}\")")
            if key in seen:
                raise YamlError(line, f"key '{key}' appears twice (first on line {first_line + seen[key]})")
            seen[key] = key_node.start_mark.line
            _check_keys(value_node, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_keys(item, first_line)
