"""The README documents what the code accepts: every front-matter field, setting and option."""

from __future__ import annotations

from knowledge_bites.cli import parser
from knowledge_bites.sources import PracticeMeta, SeriesSettings


def test_readme_documents_every_front_matter_field_and_setting(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in [*PracticeMeta.model_fields, *SeriesSettings.model_fields]:
        assert f"`{name}`" in readme, name


def test_readme_documents_every_option(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    for action in parser()._actions:
        long_options = [o for o in action.option_strings if o.startswith("--") and o != "--help"]
        for option in long_options:
            assert f"`{option}" in readme, option


def test_every_field_has_a_description():
    for model in (PracticeMeta,):
        for name, field in model.model_fields.items():
            assert field.description, name
