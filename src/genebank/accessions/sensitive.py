"""Sensitive collecting sites: who sees them exactly, and what everyone else sees instead.

A site is marked sensitive when its coordinates would lead people to a threatened population or
to a farmer's field. Curators and administrators of the holding institute see it exactly (they
plan collecting and regeneration from it); everyone else, and every public output, sees it
withheld. Withheld, not rounded: a point rounded to 0.1 degree still names the valley, and the
site text ("6 km S of Tafilah") and the elevation locate it as well as the coordinates, so all of
them go. The country of origin stays.

Every door asks shows_exact_site() and replaces what it shows with withheld_site(): the
accession page, its map and history, the mission page and its map, the API, and the MCPD rows
(accessions.passport.mcpd_row and exchange.mcpd_export.iter_mcpd_rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from genebank.core.permissions import VIEW_SENSITIVE_LOCATION, can

# The MCPD fields that locate a sensitive site, in the standard's order.
WITHHELD_FIELDS = (
    "COLLSITE",
    "DECLATITUDE",
    "LATITUDE",
    "DECLONGITUDE",
    "LONGITUDE",
    "COORDUNCERT",
    "COORDDATUM",
    "GEOREFMETH",
    "ELEVATION",
)

# The collecting event's fields behind them (its history must not show them either).
WITHHELD_EVENT_FIELDS = (
    "site",
    "latitude",
    "longitude",
    "latitude_dms",
    "longitude_dms",
    "coordinate_uncertainty",
    "datum",
    "georeference_method",
    "elevation",
)

# The command line and the importer's own comparisons: whoever runs them holds the database
# itself, so withholding from them protects nothing.
OPERATOR = object()


def shows_exact_site(user, institute_id: int, sensitive: bool, *, public: bool = False) -> bool:
    """May this user (or this output, with public=True) see the accession's site exactly?

    The one rule every door calls: yes for sites that are not sensitive; for sensitive ones,
    never in a public output, and otherwise only for the operator and for users with
    VIEW_SENSITIVE_LOCATION at the holding institute (curators and administrators; superusers).
    """
    if not sensitive:
        return True
    if public:
        return False
    if user is OPERATOR:
        return True
    return can(user, VIEW_SENSITIVE_LOCATION, institute_id)


def withheld_note() -> str:
    return _("withheld: sensitive location")


def withheld_site() -> dict[str, str]:
    """The MCPD values that replace a sensitive site's: a note for COLLSITE, the rest empty."""
    values = dict.fromkeys(WITHHELD_FIELDS, "")
    values["COLLSITE"] = withheld_note()
    return values


@dataclass(frozen=True)
class CollectingSite:
    """What a page may show of where an accession was collected."""

    withheld: bool
    text: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    latitude_dms: str = ""
    longitude_dms: str = ""
    uncertainty: int | None = None
    datum: str = ""
    georeference_method: str = ""
    elevation: int | None = None

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def map_point(self, label: str) -> dict | None:
        """The marker sitemap.js draws, or None when there is nothing (or nothing allowed)."""
        if not self.has_coordinates:
            return None
        return {"lat": float(self.latitude), "lon": float(self.longitude), "label": label}


def collecting_site(accession, user, *, public: bool = False) -> CollectingSite | None:
    """The accession's collecting site as this user may see it; None without a collecting event."""
    event = getattr(accession, "collecting_event", None)
    if event is None:
        return None
    if not shows_exact_site(
        user, accession.institute_id, accession.sensitive_location, public=public
    ):
        return CollectingSite(withheld=True, text=withheld_site()["COLLSITE"])
    return CollectingSite(
        withheld=False,
        text=event.site,
        latitude=event.latitude,
        longitude=event.longitude,
        latitude_dms=event.latitude_dms,
        longitude_dms=event.longitude_dms,
        uncertainty=event.coordinate_uncertainty,
        datum=event.datum,
        georeference_method=event.georeference_method,
        elevation=event.elevation,
    )
