"""The facts every template shows, formatted once, in one place, in the language of the page that shows them."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .. import __version__
from ..sources import SeriesSettings, Sheet
from .languages import Language, writing


def series_facts(settings: SeriesSettings, lang: str) -> dict[str, Any]:
    """Return what every sheet, page and announcement says of the series, in one language."""
    address, subject = readable_link(settings.call_to_action.url)  # for plain text
    written = writing(settings.languages[lang])
    return {
        "lang": lang,
        "dir": written.direction,
        "script": written.script.lower(),
        "joining": written.joining,
        "directions": {code: writing(locale).direction for code, locale in settings.languages.items()},
        "version": __version__,
        "series_name": settings.series_name[lang],
        "short_name": settings.short_name[lang],
        "publisher": settings.publisher[lang],
        "launched": settings.launched,
        "contact_email": settings.contact_email,
        "cta_text": settings.call_to_action.text[lang],
        "cta_link_text": settings.call_to_action.link_text[lang],
        "cta_url": settings.call_to_action.url,
        "cta_address": address,
        "cta_subject": subject,
        "funding_statement": settings.funding_statement.get(lang),
        "disclaimer": settings.disclaimer[lang],
    }


def readable_link(url: str) -> tuple[str, str | None]:
    """Return a link as a reader of plain text can use it: the address of a `mailto:` link and the subject it
    asks for (`ask@example.org`, `Knowledge Bites: a practice`), or a web address as it is (and no subject)."""
    parts = urlsplit(url)
    if parts.scheme != "mailto":
        return url, None
    subjects = parse_qs(parts.query).get("subject", [])
    return unquote(parts.path), subjects[0] if subjects else None


def sheet_facts(sheet: Sheet, language: Language, settings: SeriesSettings) -> dict[str, Any]:
    """Return the facts of one practice, formatted in `language`: the sheet's own, or that of a page listing it."""
    meta = sheet.meta
    countries = [language.country(code) for code in meta.countries]
    regions = [settings.regions[key][language.code] for key in meta.regions]
    return {
        "number": meta.number,
        "title": meta.title,
        "title_lang": sheet.lang,
        "classification": meta.classification,
        "classification_reason": meta.classification_reason,
        "countries": language.join(countries),
        "countries_count": len(countries),
        "regions": language.join(regions),
        "project": meta.project,
        "funder": meta.funder,
        "partners": language.join(list(meta.partners)),
        "period": language.period(meta.period) if meta.period else None,
        "published": language.date(meta.published),
        "published_iso": meta.published.isoformat(),
        "revised": language.date(meta.revised) if meta.revised else None,
        "revised_iso": meta.revised.isoformat() if meta.revised else None,
        "key_figures": [
            {
                "value": language.number(figure.value, figure.unit),
                "label": figure.label,
                "as_of": language.partial_date(figure.as_of) if figure.as_of else None,
            }
            for figure in meta.key_figures
        ],
        "summary": meta.summary,
        "keywords": ", ".join(
            [settings.short_name[language.code], *countries, *regions, *([meta.project] if meta.project else [])]
        ),
    }
