"""The README documents what the code accepts: every front-matter field, setting, option and command.

The two field tables are the schema's own descriptions: after changing a field's description in
knowledge_bites/sources/schema.py, rewrite them with `KB_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_docs.py`.
"""

from __future__ import annotations

import os
import re

import pytest
from pydantic import BaseModel

from knowledge_bites.cli import parser
from knowledge_bites.sources import PracticeMeta, SeriesSettings
from knowledge_bites.sources.schema import CallToAction, KeyFigure, Period, Photo

from .conftest import ROOT

UPDATE = os.environ.get("KB_UPDATE_DOCS") == "1"
TABLES = {"front matter": PracticeMeta, "series settings": SeriesSettings}
_TABLE = re.compile(r"(<!-- (?P<name>[a-z ]+) table: .*? -->\n)(?P<table>(?:\|.*\|\n)+)")


def field_table(model: type[BaseModel]) -> str:
    """Return the Markdown table of a model's fields: name, whether it is required, and its description."""
    rows = ["| field | required | what it holds |", "|---|---|---|"]
    for name, field in model.model_fields.items():
        rows.append(f"| `{name}` | {'yes' if field.is_required() else 'no'} | {field.description} |")
    return "\n".join(rows) + "\n"


def test_readme_field_tables_are_the_schema():
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    found = {match["name"]: match for match in _TABLE.finditer(readme)}
    assert set(found) == set(TABLES), "the README marks each field table with <!-- NAME table: … -->"
    if UPDATE:
        for name, model in TABLES.items():
            readme = readme.replace(found[name]["table"], field_table(model))
        path.write_text(readme, encoding="utf-8")
    for name, model in TABLES.items():
        assert found[name]["table"] == field_table(model) or UPDATE, (
            f"the README's {name} table differs from the schema: rewrite it with KB_UPDATE_DOCS=1"
        )


@pytest.mark.parametrize("model", [PracticeMeta, SeriesSettings, Period, KeyFigure, Photo, CallToAction])
def test_every_field_has_a_description(model):
    assert [name for name, field in model.model_fields.items() if not field.description] == []


def test_readme_documents_every_option_and_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for action in parser()._actions:
        long_options = [o for o in action.option_strings if o.startswith("--") and o != "--help"]
        for option in long_options:
            assert f"`{option}" in readme, option
        for command in getattr(action, "choices", None) or {}:
            assert f"python build.py {command}" in readme, command


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["--help"])
    shown = capsys.readouterr().out
    assert "announce" in shown and "write the newsletter announcement of a practice" in shown
