"""Country names in the user's language, from pycountry's ISO 3166-1 translations."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _translation(lang: str):
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


@cache
def _english_name(iso3: str) -> str:
    # ISO 3166-1 does not change while the server runs: one look-up per code (an import that
    # warns on thousands of points names the same few countries again and again).
    country = pycountry.countries.get(alpha_3=iso3)
    return country.name if country else iso3


def country_name(iso3: str, english: str | None = None) -> str:
    if english is None:
        english = _english_name(iso3)
    lang = (get_language() or "en")[:2]
    if lang == "en":
        return english
    return _translation(lang).gettext(english)


def all_countries() -> list[tuple[str, str, str, str]]:
    """(alpha-3, alpha-2, English name, numeric) for every ISO 3166-1 country."""
    return [(c.alpha_3, c.alpha_2, c.name, c.numeric) for c in pycountry.countries]
