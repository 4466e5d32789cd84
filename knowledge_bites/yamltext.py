"""YAML parsing that keeps line numbers, for error messages that point at the right line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """Safe loader whose impossible dates (2020-13-01) raise an error that carries the line."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a real date ({error})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


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
        line = node.start_mark.line
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
    for number, line_text in enumerate(text.splitlines()):
        if "\t" in line_text[: len(line_text) - len(line_text.lstrip())]:
            raise YamlError(first_line + number, "tab character in the indentation: indent with spaces")
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise YamlError(
            line, f"not valid YAML ({problem}): check quotes, colons and indentation here or just above"
        ) from None
    except yaml.YAMLError as error:
        raise YamlError(None, f"not valid YAML: {error}") from None
    if root is None:
        return YamlDocument({}, yaml.MappingNode("tag:yaml.org,2002:map", []), first_line)
    _reject_duplicate_keys(root, first_line)
    try:
        data = _Loader("").construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = first_line + mark.line if mark else None
        field = _field_at(root, mark.index) if mark else None
        raise YamlError(line, str(error.problem), field) from None
    return YamlDocument(data, root, first_line)


def _field_at(node: yaml.Node, index: int, path: str = "") -> str | None:
    """Return the dotted path of the value node that starts at character `index`."""
    if node.start_mark.index == index and path:
        return path
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            name = f"{path}.{key_node.value}" if path else str(key_node.value)
            if (found := _field_at(value_node, index, name)) is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            if (found := _field_at(item, index, f"{path}[{position}]")) is not None:
                return found
    return None


def _reject_duplicate_keys(node: yaml.Node, first_line: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode):
                if key in seen:
                    raise YamlError(
                        first_line + key_node.start_mark.line,
                        f"key '{key}' appears twice (first on line {first_line + seen[key]})",
                    )
                seen[key] = key_node.start_mark.line
            _reject_duplicate_keys(value_node, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, first_line)
