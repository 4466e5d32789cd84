"""Countries as the front matter gives them: ISO 3166 alpha-2 codes, and the code to write for a country written
otherwise (its alpha-3 code `SEN`, or its name `Senegal`, `Sénégal`)."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from babel import Locale


def country_code(value: Any) -> str:
    """Return a country code as written, when it is an ISO 3166 alpha-2 code; say what to write instead."""
    if not isinstance(value, str):
        raise ValueError("expected a two-letter ISO 3166 country code, such as IQ")
    code = value.strip()
    if code.upper() != code and code.upper() in _territories():
        raise ValueError(f"country codes are written in capitals: {code.upper()}")
    if code not in _territories():
        suggested = alpha_2(code)
        hint = f": write {suggested}" if suggested else " (two capital letters, such as SN for Senegal)"
        raise ValueError(f"'{code}' is not an ISO 3166 alpha-2 country code{hint}")
    return code


@cache
def _territories() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


# The languages whose country names are recognised as a country written out (`Sénégal`, `Irak`).
_NAMED_IN = ("en", "es", "fr", "pt", "de", "it", "ar")


def alpha_2(written: str) -> str | None:
    """Return the alpha-2 code of a country written as its alpha-3 code (`SEN`) or its name (`Senegal`, `Sénégal`,
    in any case), from pycountry's ISO 3166 data and CLDR's country names; None when it names no country."""
    import pycountry

    text = written.strip()
    if len(text) == 3 and text.isalpha() and (found := pycountry.countries.get(alpha_3=text.upper())) is not None:
        return found.alpha_2
    key = _name_key(text)
    code = _names().get(key)
    if code is None and len(key) > 3:
        try:
            code = pycountry.countries.lookup(text).alpha_2
        except LookupError:
            return None
    return code if code in _territories() else None


def _name_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if c.isalnum() or c.isspace()).split())


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in _NAMED_IN:
        for code, name in Locale(lang).territories.items():
            if code in _territories():
                names.setdefault(_name_key(name), code)
    return names
