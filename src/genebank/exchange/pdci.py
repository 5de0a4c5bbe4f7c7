"""Passport Data Completeness Index (PDCI) of an MCPD row: 0 (nearly empty) to 10 (complete).

The index of van Hintum, Menting & van Strien (2011), "Quality indicators for passport data in
ex situ genebanks", Plant Genetic Resources 9: 478-485, doi:10.1017/S1479262111000682, which
EURISCO and Genesys publish per accession. It scores the presence of passport fields, with
weights that depend on the biological status (a wild accession should have a precise collecting
site and no variety name; a cultivar a name and a pedigree), so that every kind of accession
can reach the maximum.

Where the weights come from: the paper's Table 1, as coded in Germinate's PDCIRunnable
(James Hutton Institute, Apache-2.0; jhi.germinate.server.database.PDCIRunnable), the one
public implementation we could read line by line; Genesys's own calculator (genesys-server on
the Crop Trust's GitLab) was not available to us, so agreement with Genesys to the last point
is uncertain. Two readings of that code, stated here because they matter:

- The points Germinate gives its accession "number" per biological status (wild 0, landrace 50,
  breeding 80, cultivar 160, other 40) are the paper's ACCENAME points: every accession has an
  ACCENUMB, and the paper's example is that a wild accession should have no variety name.
- ACCEURL (40 points) is a EURISCO/Genesys extension, not one of MCPD v2.1's 41 fields, so a
  complete MCPD row scores at most 9.60. Genesys publishes the same ceiling for collections
  without accession URLs.

Points (a sum over fields, divided by 100):

    any status   GENUS 120; with GENUS, SPECIES 80; with SPECIES, SPAUTHOR 5, SUBTAXA 40,
                 SUBTAUTHOR 5, CROPNAME 45; ACQDATE 10; SAMPSTAT 80; DONORCODE 40 or else
                 DONORNAME 20; DONORNUMB 40 (20 without DONORCODE and DONORNAME); OTHERNUMB 35;
                 DUPLSITE 30 or else DUPLINSTNAME 15; STORAGE 15; MLSSTAT 15
    by SAMPSTAT  wild/weedy  landrace  breeding  cultivar  other (none, 600, 999)
    ORIGCTY           80        80        40        40       40
    COLLSITE       70/20     45/15         -         -    20/10   (without/with coordinates)
    coordinates      120        80         -         -       30   (latitude and longitude)
    ELEVATION         20        15         -         -        5
    COLLDATE          30        30         -         -       10
    BREDCODE           -         -   110/55*    80/40*    10/10*  (*or else BREDNAME)
    ANCEST             -        10       150       100       40
    COLLSRC           30        50        20        20       25
    ACCENAME           -        50        80       160       40
    COLLNUMB          60        40         -         -       20
    COLLCODE       40/20*    30/15*        -         -    20/10*  (*or else COLLNAME)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from genebank.accessions.passport import MCPD_FIELDS

WILD, LANDRACE, BREEDING, CULTIVAR, OTHER = "wild", "landrace", "breeding", "cultivar", "other"
KIND_LABELS = {
    WILD: _("wild or weedy"),
    LANDRACE: _("landrace"),
    BREEDING: _("breeding or research material"),
    CULTIVAR: _("advanced cultivar"),
    OTHER: _("other or unknown biological status"),
}
_KIND_BY_HUNDRED = {1: WILD, 2: WILD, 3: LANDRACE, 4: BREEDING, 5: CULTIVAR}

# Points per field and kind for the fields whose weight depends on the biological status
# (see the module's table). A pair is (alone, reduced): COLLSITE without / with coordinates;
# BREDCODE and COLLCODE given / only BREDNAME or COLLNAME given.
_BY_KIND: dict[str, dict[str, int | tuple[int, int]]] = {
    WILD: {
        "ORIGCTY": 80,
        "COLLSITE": (70, 20),
        "coordinates": 120,
        "ELEVATION": 20,
        "COLLDATE": 30,
        "COLLSRC": 30,
        "COLLNUMB": 60,
        "COLLCODE": (40, 20),
    },
    LANDRACE: {
        "ORIGCTY": 80,
        "COLLSITE": (45, 15),
        "coordinates": 80,
        "ELEVATION": 15,
        "COLLDATE": 30,
        "ANCEST": 10,
        "COLLSRC": 50,
        "ACCENAME": 50,
        "COLLNUMB": 40,
        "COLLCODE": (30, 15),
    },
    BREEDING: {
        "ORIGCTY": 40,
        "BREDCODE": (110, 55),
        "ANCEST": 150,
        "COLLSRC": 20,
        "ACCENAME": 80,
    },
    CULTIVAR: {
        "ORIGCTY": 40,
        "BREDCODE": (80, 40),
        "ANCEST": 100,
        "COLLSRC": 20,
        "ACCENAME": 160,
    },
    OTHER: {
        "ORIGCTY": 40,
        "COLLSITE": (20, 10),
        "coordinates": 30,
        "ELEVATION": 5,
        "COLLDATE": 10,
        "BREDCODE": (10, 10),
        "ANCEST": 40,
        "COLLSRC": 25,
        "ACCENAME": 40,
        "COLLNUMB": 20,
        "COLLCODE": (20, 10),
    },
}
MAXIMUM = 1000  # points: 10.00 with ACCEURL, which MCPD v2.1 does not carry
MCPD_MAXIMUM = 960


def accession_kind(sampstat: str) -> str:
    """The PDCI's kind of accession for a SAMPSTAT code ('' or unreadable: other)."""
    text = (sampstat or "").strip()
    # ASCII digits only: str.isdigit() also accepts superscripts, which int() refuses.
    if text.isascii() and text.isdigit():
        return _KIND_BY_HUNDRED.get(int(text) // 100, OTHER)
    return OTHER


def _filled(value) -> bool:
    return bool(value) and not str(value).isspace()


@dataclass(frozen=True)
class Criterion:
    """One line of the index for one accession: what it looks at, what it earned, what it could."""

    field: str
    earned: int
    possible: int

    @property
    def gain(self) -> Decimal:
        """What filling the field would add to the score."""
        return score_of(self.possible - self.earned)


@dataclass(frozen=True)
class Pdci:
    kind: str
    points: int
    criteria: tuple[Criterion, ...]

    @property
    def score(self) -> Decimal:
        return score_of(self.points)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def earned(self) -> list[Criterion]:
        return [c for c in self.criteria if c.earned]

    @property
    def missing(self) -> list[Criterion]:
        """Fields that would add points if they were filled, most valuable first."""
        return sorted(
            (c for c in self.criteria if c.possible > c.earned),
            key=lambda c: -(c.possible - c.earned),
        )


def score_of(points: int) -> Decimal:
    return Decimal(points).scaleb(-2)


def pdci_breakdown(row: Mapping[str, str]) -> Pdci:
    """The index of one MCPD row (a dict of the 41 fields; absent fields count as empty)."""
    filled = {name: _filled(row.get(name)) for name in MCPD_FIELDS}
    kind = accession_kind(row.get("SAMPSTAT", ""))
    criteria: list[Criterion] = []

    def add(name: str, earned: int, possible: int) -> None:
        criteria.append(Criterion(name, earned, possible))

    def either(first: str, second: str, points: int, reduced: int) -> None:
        if filled[first]:
            add(first, points, points)
        elif filled[second]:
            add(second, reduced, reduced)
            add(first, 0, points - reduced)
        else:
            add(first, 0, points)

    # Independent of the biological status.
    add("GENUS", 120 if filled["GENUS"] else 0, 120)
    species = filled["GENUS"] and filled["SPECIES"]
    add("SPECIES", 80 if species else 0, 80)
    for name, points in (("SPAUTHOR", 5), ("SUBTAXA", 40), ("SUBTAUTHOR", 5), ("CROPNAME", 45)):
        add(name, points if species and filled[name] else 0, points)
    add("ACQDATE", 10 if filled["ACQDATE"] else 0, 10)
    add("SAMPSTAT", 80 if filled["SAMPSTAT"] else 0, 80)
    either("DONORCODE", "DONORNAME", 40, 20)
    donor = filled["DONORCODE"] or filled["DONORNAME"]
    if filled["DONORNUMB"]:
        add("DONORNUMB", 40 if donor else 20, 40 if donor else 20)
    else:
        add("DONORNUMB", 0, 40)
    add("OTHERNUMB", 35 if filled["OTHERNUMB"] else 0, 35)
    either("DUPLSITE", "DUPLINSTNAME", 30, 15)
    add("STORAGE", 15 if filled["STORAGE"] else 0, 15)
    add("MLSSTAT", 15 if filled["MLSSTAT"] else 0, 15)

    # Dependent on it.
    weights = _BY_KIND[kind]
    coordinates = (filled["DECLATITUDE"] and filled["DECLONGITUDE"]) or (
        filled["LATITUDE"] and filled["LONGITUDE"]
    )
    for name, points in weights.items():
        if name == "coordinates":
            add("DECLATITUDE;DECLONGITUDE", points if coordinates else 0, points)
        elif name == "COLLSITE":
            alone, reduced = points  # type: ignore[misc]
            value = reduced if coordinates else alone
            add(name, value if filled[name] else 0, value)
        elif name == "BREDCODE":
            either("BREDCODE", "BREDNAME", *points)  # type: ignore[misc]
        elif name == "COLLCODE":
            either("COLLCODE", "COLLNAME", *points)  # type: ignore[misc]
        else:
            add(name, points if filled[name] else 0, points)  # type: ignore[arg-type]
    return Pdci(kind, sum(c.earned for c in criteria), tuple(criteria))


def pdci(row: Mapping[str, str]) -> Decimal:
    """The PDCI of one MCPD row, 0.00 to 10.00."""
    return pdci_breakdown(row).score


# --- fast path: many rows as sequences in MCPD order ---------------------------------------------

_I = {name: i for i, name in enumerate(MCPD_FIELDS)}
# Per kind, the kind-dependent rules as (rule, index, index2, points, reduced) with indexes into
# the row: "plain" (points if filled), "site" (points without coordinates, reduced with),
# "coordinates", "either" (points for the first field, or else reduced for the second).
_RULES: dict[str, tuple[tuple[str, int, int, int, int], ...]] = {}
for _kind, _weights in _BY_KIND.items():
    _rules = []
    for _name, _weight in _weights.items():
        if _name == "coordinates":
            _rules.append(("coordinates", 0, 0, _weight, 0))
        elif _name == "COLLSITE":
            _rules.append(("site", _I[_name], 0, _weight[0], _weight[1]))
        elif _name in ("BREDCODE", "COLLCODE"):
            _second = "BREDNAME" if _name == "BREDCODE" else "COLLNAME"
            _rules.append(("either", _I[_name], _I[_second], _weight[0], _weight[1]))
        else:
            _rules.append(("plain", _I[_name], 0, _weight, 0))
    _RULES[_kind] = tuple(_rules)
(
    _GENUS, _SPECIES, _SPAUTHOR, _SUBTAXA, _SUBTAUTHOR, _CROPNAME, _ACQDATE, _SAMPSTAT,
    _DONORCODE, _DONORNAME, _DONORNUMB, _OTHERNUMB, _DUPLSITE, _DUPLINSTNAME, _STORAGE,
    _MLSSTAT, _DECLATITUDE, _DECLONGITUDE, _LATITUDE, _LONGITUDE,
) = (
    _I[name]
    for name in (
        "GENUS SPECIES SPAUTHOR SUBTAXA SUBTAUTHOR CROPNAME ACQDATE SAMPSTAT DONORCODE "
        "DONORNAME DONORNUMB OTHERNUMB DUPLSITE DUPLINSTNAME STORAGE MLSSTAT DECLATITUDE "
        "DECLONGITUDE LATITUDE LONGITUDE"
    ).split()
)  # fmt: skip
_KIND_CACHE: dict[str, str] = {}


def pdci_points(v: Sequence[str]) -> int:
    """The index in points (0-1000) of a row given as its 41 values in MCPD order.

    The same rules as pdci_breakdown() without building a breakdown: several times faster, for
    imports and recomputing a whole collection. Tests keep the two in agreement.
    """
    f = [bool(x) and not x.isspace() for x in v]
    points = 0
    if f[_GENUS]:
        points += 120
        if f[_SPECIES]:
            points += (
                80 + 5 * f[_SPAUTHOR] + 40 * f[_SUBTAXA] + 5 * f[_SUBTAUTHOR] + 45 * f[_CROPNAME]
            )
    donor = f[_DONORCODE] or f[_DONORNAME]
    points += (
        10 * f[_ACQDATE]
        + 80 * f[_SAMPSTAT]
        + (40 if f[_DONORCODE] else 20 if f[_DONORNAME] else 0)
        + ((40 if donor else 20) if f[_DONORNUMB] else 0)
        + 35 * f[_OTHERNUMB]
        + (30 if f[_DUPLSITE] else 15 if f[_DUPLINSTNAME] else 0)
        + 15 * f[_STORAGE]
        + 15 * f[_MLSSTAT]
    )
    sampstat = v[_SAMPSTAT]
    kind = _KIND_CACHE.get(sampstat)
    if kind is None:
        kind = _KIND_CACHE[sampstat] = accession_kind(sampstat)
        if len(_KIND_CACHE) > 1000:
            _KIND_CACHE.clear()
    coordinates = (f[_DECLATITUDE] and f[_DECLONGITUDE]) or (f[_LATITUDE] and f[_LONGITUDE])
    for rule, index, second, full, reduced in _RULES[kind]:
        if rule == "plain":
            if f[index]:
                points += full
        elif rule == "either":
            if f[index]:
                points += full
            elif f[second]:
                points += reduced
        elif rule == "site":
            if f[index]:
                points += reduced if coordinates else full
        elif coordinates:
            points += full
    return points


def pdci_many(rows: Iterable[Sequence[str]]) -> list[Decimal]:
    """The PDCI of each row (41 values in MCPD order), in order."""
    return [score_of(pdci_points(v)) for v in rows]


# --- a collection's index --------------------------------------------------------------------

BINS = 10  # 0-1, 1-2, ... 9-10


@dataclass(frozen=True)
class CollectionPdci:
    """The stored PDCI of a holding institute's accessions: count, mean, range, histogram."""

    institute_id: int
    code: str
    name: str
    accessions: int
    scored: int
    mean: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    bins: tuple[int, ...]

    @property
    def unscored(self) -> int:
        return self.accessions - self.scored

    @property
    def histogram(self) -> list[dict]:
        """Bars for an inline SVG: bin label, count, and height out of 100."""
        tallest = max(self.bins) or 1
        bars = []
        for low, count in enumerate(self.bins):
            height = round(90 * count / tallest)  # room above the tallest bar for its count
            bars.append(
                {
                    "low": low,
                    "high": low + 1,
                    "count": count,
                    "x": low * 20,
                    "y": 100 - height,
                    "height": height,
                }
            )
        return bars


def collection_pdci(queryset) -> list[CollectionPdci]:
    """Per holding institute of the accessions (a queryset), in one query whatever their number."""
    from django.db.models import Avg, Count, Max, Min, Q

    bins = {
        f"bin{low}": Count(
            "pk",
            filter=Q(pdci__gte=low)
            & (Q(pdci__lte=low + 1) if low == BINS - 1 else Q(pdci__lt=low + 1)),
        )
        for low in range(BINS)
    }
    rows = (
        queryset.order_by()
        .values("institute_id", "institute__code", "institute__name")
        .annotate(
            accessions=Count("pk"),
            scored=Count("pdci"),
            mean=Avg("pdci"),
            lowest=Min("pdci"),
            highest=Max("pdci"),
            **bins,
        )
        .order_by("institute__code")
    )

    def two_places(value) -> Decimal | None:
        # SQLite hands back averages and extremes as floats.
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    return [
        CollectionPdci(
            institute_id=row["institute_id"],
            code=row["institute__code"],
            name=row["institute__name"],
            accessions=row["accessions"],
            scored=row["scored"],
            mean=two_places(row["mean"]),
            lowest=two_places(row["lowest"]),
            highest=two_places(row["highest"]),
            bins=tuple(row[f"bin{low}"] for low in range(BINS)),
        )
        for row in rows
    ]
