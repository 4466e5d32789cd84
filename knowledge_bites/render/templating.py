"""Jinja2 environments for the sheets and the newsletter pages, with compiled templates cached between builds."""

from __future__ import annotations

from gettext import NullTranslations
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined


def bytecode_cache(kind: str) -> BytecodeCache | None:
    """Return Jinja's cache of compiled templates, in its per-user folder under the system's temporary folder.

    A template is compiled again whenever its source changes (Jinja keys the cache by name and checks the source).
    The key does not include the environment's options, so each kind of environment gets its own file names.
    Without a safe folder (shared or foreign-owned), templates are simply compiled every time.
    """
    try:
        return FileSystemBytecodeCache(pattern=f"knowledge-bites-{kind}-%s.cache")
    except (OSError, RuntimeError):
        return None


def environment(templates: Path, labels: NullTranslations, kind: str, **options: Any) -> Environment:
    """Return an environment that reads `templates`, shows the catalog's `labels` and fails on unknown names."""
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(kind),
        **options,
    )
    env.install_gettext_translations(labels, newstyle=True)  # type: ignore[attr-defined]
    return env
