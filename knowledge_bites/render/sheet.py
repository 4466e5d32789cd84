"""A sheet as HTML: its converted text and formatted facts, with gettext labels, through the Jinja2 template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from ..sources import Series, Sheet
from .facts import series_facts, sheet_facts
from .languages import Languages
from .templating import environment

SHEET_TEMPLATE = "sheet.html"


@dataclass(frozen=True)
class SheetHtml:
    """The HTML of one sheet, in the forms the build needs."""

    full: str
    short: str  # the closing block moved to page 2, for a text too short to reach it
    preview: str | None  # for a browser, with the stylesheet linked (only when asked for)


class Renderer:
    """Jinja2 environments, one per language, sharing the templates folder."""

    def __init__(self, templates: Path, project_root: Path, series: Series, languages: Languages) -> None:
        self.series = series
        self.languages = languages
        self.project_root = project_root
        self._envs: dict[str, Environment] = {
            code: environment(
                templates,
                languages[code].labels,
                "sheet",
                autoescape=select_autoescape(default=True, default_for_string=True),
            )
            for code in languages
        }

    def render(self, sheet: Sheet, *, short: bool = False, preview: bool = False) -> str:
        """Render one sheet to a self-contained HTML string."""
        return self._template(sheet).render({**self.context(sheet), "short": short, "preview": preview})

    def render_sheet(self, sheet: Sheet, *, with_preview: bool = False) -> SheetHtml:
        """Render the forms of one sheet the build prints (and, when asked, its browser preview)."""
        context = self.context(sheet)
        template = self._template(sheet)
        full, short, *preview = [
            template.render({**context, "short": short, "preview": preview})
            for short, preview in [(False, False), (True, False)] + ([(False, True)] if with_preview else [])
        ]
        return SheetHtml(full, short, preview[0] if preview else None)

    def _template(self, sheet: Sheet) -> Any:
        return self._envs[sheet.lang].get_template(SHEET_TEMPLATE)

    def context(self, sheet: Sheet) -> dict[str, Any]:
        """Return everything the template shows, already formatted in the sheet's language."""
        settings = self.series.settings
        return {
            **series_facts(settings, sheet.lang),
            **sheet_facts(sheet, self.languages[sheet.lang], settings),
            "base_href": self.project_root.as_uri() + "/",
            "photo": sheet.meta.photo,
            "photo_src": sheet.photo_file.as_uri() if sheet.photo_file else None,
            "body": sheet.html,
            "other_practices": self.series.other_practices(sheet),
            "other_practices_total": len(self.series.titles[sheet.lang]) - 1,
        }
