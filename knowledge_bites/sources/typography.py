"""Typographic quotes and apostrophes, in the house style of each language (docs/house-style.md).

Writers type straight quotes (`"`, `'`); the sheets print the quotation marks of the sheet's language and a curly
apostrophe (’). The text is converted by Python-Markdown's `smarty` extension with these marks; the front matter's
text (title, summary, labels...) by `typographic`, which follows the same rules, so that both print alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import PracticeMeta

NNBSP = "\u202f"  # narrow no-break space: French sets it inside « », as before ? ! : ;
APOSTROPHE = "’"

# (opening, closing) double quotation marks, by language. English: “ ” (CLDR); Spanish: « » (the Spanish texts of
# the series use « », as the RAE recommends); French: « » with a narrow no-break space inside (CLDR, and the spacing
# of the series' French texts); Arabic: « » (as the series' Arabic text writes them). Other languages: as English
# until the house style says otherwise. Single quotes are ‘ ’ in every language: a closing single quote is the
# apostrophe, which no rule can tell apart from it.
QUOTES: dict[str, tuple[str, str]] = {
    "en": ("“", "”"),
    "es": ("«", "»"),
    "fr": (f"«{NNBSP}", f"{NNBSP}»"),
    "ar": ("«", "»"),
}


def quotes_for(lang: str) -> tuple[str, str]:
    """Return the double quotation marks of a language (its code in file names, or a locale: `fr`, `fr_CA`)."""
    return QUOTES.get(re.split(r"[_-]", lang)[0].lower(), QUOTES["en"])


def smarty_config(lang: str) -> dict[str, Any]:
    """Return the settings of Python-Markdown's `smarty` extension for a text in this language: quotes only (dashes,
    ellipses and `<<` stay as written)."""
    double_open, double_close = quotes_for(lang)
    return {
        "smart_quotes": True,
        "smart_dashes": False,
        "smart_ellipses": False,
        "smart_angled_quotes": False,
        "substitutions": {
            "left-double-quote": double_open,
            "right-double-quote": double_close,
            "left-single-quote": "‘",
            "right-single-quote": APOSTROPHE,
        },
    }


def typographic(text: str | None, lang: str) -> str | None:
    """Return plain text (not HTML) with straight quotes as the language's quotation marks and apostrophes as ’,
    as `smarty` sets them in the body."""
    if not text or ('"' not in text and "'" not in text):
        return text
    double_open, double_close = quotes_for(lang)
    out: list[str] = []
    for index, char in enumerate(text):
        if char not in "\"'":
            out.append(char)
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        # A quote opens at the start, or after a space, bracket, dash or another quote, and before a word.
        opens = (not before or before.isspace() or before in "([{—–/\"'“‘«") and bool(after) and not after.isspace()
        if char == '"':
            out.append(double_open if opens else double_close)
        else:
            out.append("‘" if opens else APOSTROPHE)  # returnees' costs, d'Ivoire, 'a quote'
    return "".join(out)


def typeset_meta(meta: PracticeMeta, lang: str) -> PracticeMeta:
    """Return the front matter with its reading text typeset (`typographic`): every text a sheet, page or announcement
    prints, or a PDF's metadata holds."""

    def text(value: Any) -> Any:
        return typographic(value, lang)

    update: dict[str, Any] = {
        name: text(getattr(meta, name)) for name in ("title", "classification_reason", "summary", "project", "funder")
    }
    update["partners"] = [text(partner) for partner in meta.partners]
    update["key_figures"] = [figure.model_copy(update={"label": text(figure.label)}) for figure in meta.key_figures]
    if meta.photo is not None:
        update["photo"] = meta.photo.model_copy(update={"alt": text(meta.photo.alt), "credit": text(meta.photo.credit)})
    return meta.model_copy(update=update)
