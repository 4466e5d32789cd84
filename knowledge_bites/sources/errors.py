"""Pydantic's validation errors as one-line problems: the field's line, its dotted name, and what to write."""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..problems import Problem
from .yamltext import YamlDocument, location

__all__ = ["did_you_mean", "location", "model_problems"]


def model_problems(
    error: ValidationError, doc: YamlDocument, path: Path, model: type[BaseModel], prefix: tuple = ()
) -> list[Problem]:
    """Return one problem per mistake that `error` found in the YAML document `doc`, validated as `model`."""
    problems = []
    seen: set[tuple] = set()
    items = [(item, plain_loc(model, item["loc"])) for item in error.errors()]
    # `tittle:` is one mistake, not two: a misspelt field explains the "missing" field it was meant to be.
    misspelt = {
        (*loc[:-1], close)
        for item, loc in items
        if item["type"] == "extra_forbidden" and loc
        for close in difflib.get_close_matches(str(loc[-1]), fields_at(model, loc[:-1]), n=1)
    }
    for item, loc in items:
        # A union (int | float) reports one error per member: keep the first.
        if loc in seen or (item["type"] == "missing" and loc in misspelt):
            continue
        seen.add(loc)
        known = fields_at(model, loc[:-1]) if item["type"] == "extra_forbidden" else []
        problems.append(Problem(path, doc.line_of(prefix + loc), location(loc), _message(item, known)))
    return problems


def did_you_mean(name: str, known: list[str]) -> str:
    """Return a hint naming the known names closest to a misspelt one, or all of them."""
    close = difflib.get_close_matches(name, known, n=2)
    if close:
        return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
    return f" (known: {', '.join(known)})"


# --- Locations: the path of the field in the YAML, without the names pydantic gives union members ----------


def plain_loc(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Return an error location as a path into the YAML, found by walking the model's declared types.

    Where a field's type is a union of several types (`int | float`), pydantic adds the name of the member it
    tried to the location; that name is an internal spelling, so it is recognised by its place, not its text.
    """
    kept: list[str | int] = []
    annotation: Any = model
    for part in loc:
        members = _members(annotation)
        if len(members) > 1:  # the part names the union member that was tried: not a place in the YAML
            annotation = next((m for m in members if _is_model(m)), members[0])
            continue
        kept.append(part)
        annotation = _step(members[0] if members else None, part)
    return tuple(kept)


def fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Return the names of the fields the model declares at `loc` (none where no model is declared there)."""
    annotation: Any = model
    for part in loc:
        members = _members(annotation)
        annotation = _step(next((m for m in members if _is_model(m)), members[0] if members else None), part)
    found = next((m for m in _members(annotation) if _is_model(m)), None)
    return list(found.model_fields) if found else []


def _members(annotation: Any) -> list[Any]:
    """Return the types a value of this annotation may have, without None and without Annotated's extras."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) if arg is not type(None) for m in _members(arg)]
    return [] if annotation is None else [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _step(annotation: Any, part: str | int) -> Any:
    """Return the annotation of what `part` (a field name, list index or mapping key) leads to."""
    if _is_model(annotation):
        field = annotation.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


# --- Messages -------------------------------------------------------------------------------------


def describe(value: Any) -> str:
    """Return a value as it was written, quoted and shortened: `"1,200"`."""
    if isinstance(value, date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


# A number written with its digits in groups of three: 1,200 or 1 200 or 1'200 (and maybe decimals: 1,200.5).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<separator>[,'\u00a0\u202f ])\d{3}(?:(?P=separator)\d{3})*(?:\.\d+)?")


def _ungrouped(value: Any) -> str | None:
    """Return a number written with thousands separators as the plain number it means (`1,200` gives `1200`)."""
    if not isinstance(value, str) or not (match := _GROUPED.fullmatch(value.strip())):
        return None
    return value.strip().replace(match["separator"], "")


def _message(error: dict[str, Any], known_fields: list[str]) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        name = str(loc[-1])
        return f"unknown field{did_you_mean(name, known_fields)}"
    if kind == "literal_error":
        return f"{error['msg'][0].lower()}{error['msg'][1:]}, got {describe(error['input'])}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
        # Like pydantic's own messages, a check's "expected …" quotes what was written.
        return f"{message}, got {describe(error['input'])}" if message.startswith("expected") else message
    if kind == "string_too_short" or (kind == "string_type" and error["input"] is None):
        return "must not be empty"
    if kind == "string_too_long":
        return f"is {len(error['input'])} characters long; at most {error['ctx']['max_length']} are allowed"
    if kind == "string_type":
        hint = " (put it in quotes)" if isinstance(error["input"], int | float | date) else ""
        return f"expected text, got {describe(error['input'])}{hint}"
    if kind == "list_type":
        return f"expected a list, such as [a, b] or one '- item' line each, got {describe(error['input'])}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected 'name: value' fields indented below it, got {describe(error['input'])}"
    if kind == "too_short":
        return f"needs at least {error['ctx']['min_length']} item(s)"
    if kind == "too_long":
        return f"has {error['ctx']['actual_length']} items, at most {error['ctx']['max_length']} are allowed"
    if kind in ("int_type", "float_type", "int_parsing", "finite_number"):
        if isinstance(error["input"], float) and not math.isfinite(error["input"]):
            return f"expected an ordinary number, got {describe(error['input'])}"
        hint = f": write {plain}, without a thousands separator" if (plain := _ungrouped(error["input"])) else ""
        return f"expected a number, got {describe(error['input'])}{hint}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return f"expected a date as YYYY-MM-DD, got {describe(error['input'])}"
    message = error["msg"][0].lower() + error["msg"][1:]
    return f"{message}, got {describe(error['input'])}"
