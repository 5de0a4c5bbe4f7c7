"""Passport checks beyond one value (a point, a taxon, names, near-duplicates), as Problems.

One value's grammar (dates, DMS, codes, OTHERNUMB) is core.mcpd_values, which every caller
imports from there. The form, the services and the importer call both modules, so
a value is judged the same way whichever door it comes through; none of them raises on bad input.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal
from itertools import islice

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from genebank.core.geo import countries_at, point_in_country
from genebank.core.mcpd_values import (
    _AXES,
    _CANONICAL_DATE,
    EARLIEST_YEAR,
    UNKNOWN,
    Problem,
    _as_text,
    _canonical_dms_precision,
    _error,
    _read_dms,
    _warning,
    parse_code,
    parse_decimal_coordinate,
    parse_partial_date,
)

# Full dates of events (a deaccession, a collecting mission): the same earliest year as the
# partial dates above. Something that happened is not after today; a mission is planned ahead,
# so its start and end may lie up to a year (PLANNING_DAYS) from today, and no further: a date
# further on is a typing slip (2999-12-31) rather than a plan.
PLANNING_DAYS = 366


def check_event_date(
    value: datetime.date | None, field: str, *, planned: bool = False, today=None
) -> list[Problem]:
    """Problems with the date of an event: before EARLIEST_YEAR, or later than today (or, when
    the event may be planned, later than PLANNING_DAYS from today). None has no problems."""
    if value is None:
        return []
    today = today or datetime.date.today()
    shown = date_format(value, "DATE_FORMAT")
    if value < datetime.date(EARLIEST_YEAR, 1, 1):
        message = _("%(date)s is before %(earliest)s: probably a typing error.") % {
            "date": shown,
            "earliest": EARLIEST_YEAR,
        }
    elif not planned and value > today:
        message = _("%(date)s is in the future.") % {"date": shown}
    elif planned and value > today + datetime.timedelta(days=PLANNING_DAYS):
        message = _("%(date)s is more than a year ahead: probably a typing error.") % {
            "date": shown
        }
    else:
        return []
    return [_error(field, value.isoformat(), message)]


def check_mission_dates(start, end, *, today=None) -> list[Problem]:
    """A collecting mission's start and end dates (fields start_date, end_date): each within
    check_event_date's bounds for a planned event, and the end not before the start."""
    problems = check_event_date(start, "start_date", planned=True, today=today)
    problems += check_event_date(end, "end_date", planned=True, today=today)
    if start and end and end < start:
        problems.append(
            _error("end_date", end.isoformat(), _("The mission cannot end before it starts."))
        )
    return problems


def _partial_date_parts(canonical) -> tuple[int, int | None, int | None] | None:
    match = _CANONICAL_DATE.match(str(canonical or "").strip())
    if not match:
        return None
    year, month, day = match.groups()
    month_n = None if month in (UNKNOWN, "00") else int(month)
    day_n = None if day in (UNKNOWN, "00") or month_n is None else int(day)
    return int(year), month_n, day_n


def partial_date_display(canonical) -> str:
    """A partial date for people, in the active language: '1984', 'June 1984', 'June 15, 1984'."""
    parts = _partial_date_parts(canonical)
    if parts is None:
        return _as_text(canonical).strip()
    year, month, day = parts
    try:
        if month is None:
            return date_format(datetime.date(year, 1, 1), "Y")
        if day is None:
            return date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
        return date_format(datetime.date(year, month, day), "DATE_FORMAT")
    except ValueError:
        # Stored before checks existed (year 0, month 13): show it as it is rather than fail.
        return str(canonical)


def partial_date_sort_key(canonical) -> tuple[int, int, int, int]:
    """Sorts by date, a less precise date before the precise ones within it, unknown dates last."""
    parts = _partial_date_parts(canonical)
    if parts is None:
        return (1, 0, 0, 0)
    year, month, day = parts
    return (0, year, month or 0, day or 0)


# How much more than a DMS value's precision a decimal value may differ from it.
_AGREEMENT_EPSILON = Decimal("0.000002")


def _to_decimal(value, axis: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    return parse_decimal_coordinate.without_problems(value, axis)[0]


def _country_label(iso3: str) -> str:
    from genebank.core.countries import country_name

    return country_name(iso3)


def check_coordinates(lat, lon, lat_dms=None, lon_dms=None, country_iso3=None) -> list[Problem]:
    """How the coordinates of one collecting site agree with each other and with the country.

    lat and lon are the decimal values (Decimal, float, or MCPD text), lat_dms and lon_dms the MCPD
    DMS text. Problems that parse_dms / parse_decimal_coordinate report for a single value are not
    repeated here.
    """
    problems: list[Problem] = []
    dec = {"lat": _to_decimal(lat, "lat"), "lon": _to_decimal(lon, "lon")}
    dms_text = {"lat": _as_text(lat_dms).strip(), "lon": _as_text(lon_dms).strip()}
    # One reading of each DMS text gives its value and its canonical form (for its precision).
    dms_lat, canonical_lat = _read_dms.without_problems(dms_text["lat"], "lat")
    dms_lon, canonical_lon = _read_dms.without_problems(dms_text["lon"], "lon")
    dms = {"lat": dms_lat, "lon": dms_lon}
    canonical = {"lat": canonical_lat, "lon": canonical_lon}

    if (dec["lat"] is None) != (dec["lon"] is None):
        missing, given = ("lon", "lat") if dec["lon"] is None else ("lat", "lon")
        problems.append(
            _error(
                _AXES[missing][1],
                "",
                _("%(given)s is given without %(missing)s: a point needs both.")
                % {"given": _AXES[given][1], "missing": _AXES[missing][1]},
            )
        )
    if bool(dms_text["lat"]) != bool(dms_text["lon"]):
        missing, given = ("lon", "lat") if not dms_text["lon"] else ("lat", "lon")
        problems.append(
            _error(
                _AXES[missing][0],
                "",
                _("%(given)s is given without %(missing)s: a point needs both.")
                % {"given": _AXES[given][0], "missing": _AXES[missing][0]},
            )
        )

    for axis in ("lat", "lon"):
        if dec[axis] is None or dms[axis] is None:
            continue
        # Generous by a little more than the rounding of six decimal places.
        tolerance = _canonical_dms_precision(canonical[axis]) + _AGREEMENT_EPSILON
        if abs(dec[axis] - dms[axis]) <= tolerance:
            continue
        dms_field, dec_field = _AXES[axis][0], _AXES[axis][1]
        if abs(abs(dec[axis]) - abs(dms[axis])) <= tolerance:
            message = _(
                "%(decimal_field)s %(decimal)s and %(dms_field)s %(dms)s are on opposite sides of "
                "the %(line)s: south and west are negative."
            )
        else:
            message = _(
                "%(decimal_field)s %(decimal)s does not agree with %(dms_field)s %(dms)s "
                "(which is %(converted)s)."
            )
        problems.append(
            _error(
                dec_field,
                dec[axis],
                message
                % {
                    "decimal_field": dec_field,
                    "decimal": dec[axis],
                    "dms_field": dms_field,
                    "dms": dms_text[axis],
                    "converted": dms[axis],
                    "line": _("equator") if axis == "lat" else _("prime meridian"),
                },
            )
        )

    if dec["lat"] is not None and dec["lon"] is not None:
        point = (dec["lat"], dec["lon"])
    elif dms_lat is not None and dms_lon is not None:
        point = (dms_lat, dms_lon)
    else:
        return problems
    if point[0] == 0 and point[1] == 0:
        problems.append(
            _warning(
                "DECLATITUDE",
                f"{point[0]}, {point[1]}",
                _(
                    "The point 0, 0 lies in the Gulf of Guinea: the coordinates are probably missing, "
                    "leave them empty."
                ),
            )
        )
        return problems

    iso3 = _as_text(country_iso3).strip().upper()
    if not iso3 or point_in_country(point[0], point[1], iso3) is not False:
        return problems
    shown = f"{point[0]}, {point[1]}"
    found = countries_at(point[0], point[1])
    names = {"country": _country_label(iso3), "point": shown}
    if found:
        message = _("The point %(point)s lies in %(found)s, not in %(country)s (ORIGCTY).") % {
            **names,
            "found": ", ".join(_country_label(c) for c in found),
        }
    else:
        message = (
            _(
                "The point %(point)s lies outside %(country)s (ORIGCTY), at sea or more than 25 km "
                "beyond its outline."
            )
            % names
        )
    # The usual slips: a sign lost, or latitude and longitude swapped.
    lat_p, lon_p = point
    # The hint is translated only for the slip that fits: most points fit none of them.
    slips = (
        (
            (-lat_p, lon_p),
            lambda: _("It would be inside if the latitude were %(value)s.") % {"value": -lat_p},
        ),
        (
            (lat_p, -lon_p),
            lambda: _("It would be inside if the longitude were %(value)s.") % {"value": -lon_p},
        ),
        ((lon_p, lat_p), lambda: _("It would be inside if latitude and longitude were swapped.")),
    )
    for candidate, hint in slips:
        if candidate == point or abs(candidate[0]) > 90:
            continue
        if point_in_country(candidate[0], candidate[1], iso3, tolerance_km=0):
            message += " " + hint()
            break
    problems.append(_warning("DECLATITUDE", shown, message))
    return problems


# ---------------------------------------------------------------------------------------------
# Scientific names (GENUS, SPECIES, SUBTAXA)

SUBTAXA_RANKS = ("subsp.", "convar.", "var.", "f.", "Group")
_RANK_SUGGESTIONS = {
    "ssp.": "subsp.",
    "ssp": "subsp.",
    "subsp": "subsp.",
    "sub.": "subsp.",
    "subspecies": "subsp.",
    "var": "var.",
    "variety": "var.",
    "convar": "convar.",
    "f": "f.",
    "fo.": "f.",
    "forma": "f.",
    "form": "f.",
    "group": "Group",
    "gr.": "Group",
}
_HYBRID_PREFIX = re.compile(r"^(×\s*|[xX]\s+|x(?=[A-Z]))")


def _double_space(field: str, value: str) -> list[Problem]:
    if "  " in value.strip() or "\t" in value:
        return [
            _warning(
                field,
                value,
                _("Double space: write %(value)s.") % {"value": " ".join(value.split())},
            )
        ]
    return []


def check_taxon(genus, species=None, subtaxa=None) -> list[Problem]:
    """MCPD rules for GENUS, SPECIES and SUBTAXA."""
    problems: list[Problem] = []
    genus_text = _as_text(genus)
    species_text = _as_text(species)
    subtaxa_text = _as_text(subtaxa)

    name = genus_text.strip()
    if not name:
        problems.append(_error("GENUS", genus_text, _("The genus is required.")))
    else:
        problems += _double_space("GENUS", genus_text)
        hybrid = _HYBRID_PREFIX.match(name)
        bare = name[hybrid.end() :] if hybrid else name
        if not re.fullmatch(r"[A-Z][a-z]+(-[a-z]+)?", bare):
            if re.fullmatch(r"[A-Za-z]+(-[A-Za-z]+)?", bare):
                message = _(
                    "Write the genus with a capital first letter and the rest in lower case: %(value)s."
                ) % {"value": ("×" if hybrid else "") + bare.capitalize()}
            else:
                message = _(
                    "A genus is one Latin word with a capital first letter (e.g. Triticum, ×Triticosecale)."
                )
            problems.append(_error("GENUS", genus_text, message))

    epithet = species_text.strip()
    if epithet:
        problems += _double_space("SPECIES", species_text)
        hybrid = _HYBRID_PREFIX.match(epithet)
        bare = epithet[hybrid.end() :] if hybrid else epithet
        if epithet == "sp.":
            pass
        elif epithet.lower() in ("spp.", "spp", "hybr.", "hybr", "sp"):
            problems.append(
                _warning(
                    "SPECIES",
                    species_text,
                    _(
                        "%(value)s is accepted, but the only abbreviation MCPD allows in SPECIES is sp."
                    )
                    % {"value": epithet},
                )
            )
        elif re.fullmatch(r"[a-z]+(-[a-z]+)*", bare):
            pass
        elif re.fullmatch(r"[A-Za-z]+(-[A-Za-z]+)*", bare):
            problems.append(
                _error(
                    "SPECIES",
                    species_text,
                    _("The species epithet is written in lower case: %(value)s.")
                    % {"value": epithet[: len(epithet) - len(bare)] + bare.lower()},
                )
            )
        elif len(bare.split()) > 1:
            problems.append(
                _error(
                    "SPECIES",
                    species_text,
                    _(
                        "The species epithet is one word; the authority goes in SPAUTHOR and lower "
                        "ranks in SUBTAXA."
                    ),
                )
            )
        else:
            problems.append(
                _error(
                    "SPECIES",
                    species_text,
                    _("The species epithet is one Latin word in lower case (or sp. when unknown)."),
                )
            )

    if subtaxa_text.strip():
        problems += _double_space("SUBTAXA", subtaxa_text)
        tokens = subtaxa_text.split()
        for position, token in enumerate(tokens):
            if token in SUBTAXA_RANKS:
                if token != "Group" and position == len(tokens) - 1:
                    problems.append(
                        _warning(
                            "SUBTAXA",
                            subtaxa_text,
                            _("The rank %(rank)s is not followed by a name.") % {"rank": token},
                        )
                    )
                continue
            if re.fullmatch(r"[A-Z]\.", token):
                continue  # an author's initial, not the rank f.
            lowered = token.lower()
            suggestion = None
            if lowered in SUBTAXA_RANKS or lowered.capitalize() in SUBTAXA_RANKS:
                suggestion = next(r for r in SUBTAXA_RANKS if r.lower() == lowered)
            elif lowered in _RANK_SUGGESTIONS and (token.islower() or token.endswith(".")):
                suggestion = _RANK_SUGGESTIONS[lowered]
            elif re.fullmatch(r"[a-z]+\.", token):
                # Lower-case abbreviations are ranks; authorities (L., Desf.) start with a capital.
                suggestion = ""
            if suggestion is None:
                continue
            if suggestion:
                message = _("Rank %(rank)s is not an MCPD rank; write %(suggestion)s instead.") % {
                    "rank": token,
                    "suggestion": suggestion,
                }
            else:
                message = _("Rank %(rank)s is not an MCPD rank (allowed: %(allowed)s).") % {
                    "rank": token,
                    "allowed": ", ".join(SUBTAXA_RANKS),
                }
            problems.append(_warning("SUBTAXA", subtaxa_text, message))
    return problems


# ---------------------------------------------------------------------------------------------
# Codes (SAMPSTAT, COLLSRC, MLSSTAT, STORAGE, INSTCODE and friends, ORIGCTY)


def _code_choices():
    from genebank.accessions.models import CollectingSource, MlsStatus, SampleStatus, StorageType

    return {
        "SAMPSTAT": SampleStatus,
        "COLLSRC": CollectingSource,
        "MLSSTAT": MlsStatus,
        "STORAGE": StorageType,
    }


def check_code(field: str, value) -> tuple[int | None, list[Problem]]:
    """A coded MCPD value as an int, read by the grammar (core.mcpd_values.parse_code) against
    the field's code list: '300', '300.0' (from a spreadsheet) and ' 300 ' all read 300."""
    choices = _code_choices().get(field)
    if choices is None:
        raise ValueError(f"no code list for {field!r}")
    return parse_code(value, field, choices.values)


# ---------------------------------------------------------------------------------------------
# Probable duplicates

NAME_SIMILARITY = 92
SIMILAR_LIMIT = 10
_NAME_SEPARATORS = re.compile(r"[\s\-_./]+")
NAME_SEPARATORS = ("", " ", "-", "_", ".", "/")
_HAS_DIGIT = re.compile(r"[0-9]")
# The shortest prefix compared in SQL. A score of 92 allows about one edit in a name, so a typing
# slip within the prefix is missed: the price of not scoring every name of the collection.
MIN_PREFIX = 5
# Longer prefixes multiply the spellings to look up (case x separator x position).
MAX_PREFIX = 10
# Names of one accession. Real records have a handful (a cultivar name, local names, a breeder's
# line code); each name costs a look-up and scoring in the near-duplicate check, so 2,000 names
# held a server thread for a minute and a half.
MAX_NAMES = 50
# Stored names scored against one given name. A common start ('Hourani 1' begins 11,000 of 20,000
# 'Hourani N') would otherwise be read and scored in full: past this many, the rest are not
# compared, and a near-duplicate among them is missed. The price of a bounded check.
MAX_CANDIDATES = 500


def check_names(names, field: str = "ACCENAME") -> list[Problem]:
    """The names of one accession (blank ones ignored): at most MAX_NAMES, each fitting the
    name column. The form, the accession services and the importer judge names with this."""
    from genebank.accessions.models import AccessionName

    longest = AccessionName._meta.get_field("name").max_length
    given = [_as_text(n).strip() for n in names or ()]
    given = [n for n in given if n]
    problems = []
    if len(given) > MAX_NAMES:
        problems.append(
            _error(
                field,
                f"{len(given)}",
                _("An accession has at most %(max)s names; %(count)s were given.")
                % {"max": MAX_NAMES, "count": len(given)},
            )
        )
    for name in given:
        if len(name) > longest:
            problems.append(
                _error(
                    field,
                    name[:40] + "…",
                    _("A name has at most %(max)s characters; %(name)s… has %(count)s.")
                    % {"max": longest, "name": name[:40], "count": len(name)},
                )
            )
    return problems


def normalise_name(name) -> str:
    """Case, blanks, hyphens and dots ignored: 'ICG-4709', 'icg 4709' and 'ICG4709' are one name."""
    text = unicodedata.normalize("NFKC", _as_text(name)).casefold()
    return _NAME_SEPARATORS.sub("", text)


def _numbers_in(normalised: str) -> tuple[int, ...]:
    return tuple(int(run) for run in re.findall(r"[0-9]+", normalised))


def _prefix_length(normalised: str) -> int:
    """Up to the first two digits of the first number, so 'Hourani 12' is not compared with every
    other 'Hourani N' of a collection; at least MIN_PREFIX characters."""
    first_digit = next((i for i, c in enumerate(normalised) if c.isdigit()), None)
    wanted = 8 if first_digit is None else first_digit + 2
    return min(len(normalised), max(MIN_PREFIX, min(wanted, MAX_PREFIX)))


def _cut(spelling: str, length: int) -> str:
    """The start of a spelling that holds `length` characters of its normalised form."""
    count = 0
    for index, char in enumerate(spelling):
        if not _NAME_SEPARATORS.fullmatch(char):
            count += 1
            if count == length:
                return spelling[: index + 1]
    return spelling


def _name_spellings(name: str) -> set[str]:
    """How the start of this name may be written in the register: case and separators varied."""
    normalised = normalise_name(name)
    length = _prefix_length(normalised)
    prefix = normalised[:length]
    spellings = {prefix, _cut(unicodedata.normalize("NFKC", name.strip()), length)}
    # One separator anywhere, and a leading zero before a number ('ICG 4709' ~ 'ICG 04709').
    for cut in range(1, len(prefix)):
        head, tail = prefix[:cut], prefix[cut:]
        number_starts = tail[0].isdigit() and not head[-1].isdigit()
        tails = {tail, "0" + tail, tail.lstrip("0") or "0"} if number_starts else {tail}
        for separator in NAME_SEPARATORS:
            for variant in tails:
                spellings.add(_cut(head + separator + variant, length))
    # The same separator at every word and number boundary ('Local Red 5', 'LOCAL-RED-5').
    words = [
        w for w in re.split(r"[\s\-_./]+|(?<=[^\W\d])(?=\d)|(?<=\d)(?=[^\W\d])", name.strip()) if w
    ]
    for separator in NAME_SEPARATORS[1:]:
        spellings.add(_cut(separator.join(words), length))
    variants = set()
    for spelling in spellings:
        variants |= {
            spelling,
            spelling.lower(),
            spelling.upper(),
            spelling.title(),
            spelling.capitalize(),
        }
    return {v for v in variants if v}


def _name_prefilter(name: str) -> Q:
    """Stored names starting like this one, as range lookups on the indexed name column.

    Ranges, not LIKE or a case-insensitive scan, are what keeps this fast on both SQLite and
    PostgreSQL with 200,000 accessions: each is one seek in the index.
    """
    query = Q()
    for spelling in sorted(_name_spellings(name)):
        following = spelling[:-1] + chr(ord(spelling[-1]) + 1)
        query |= Q(name__gte=spelling, name__lt=following)
    return query


def _closest_names(normalised: str, compared: list[str]) -> list[tuple[str, float, int]]:
    """The stored names scoring at least NAME_SIMILARITY against this one, best first, at most
    SIMILAR_LIMIT: (name, score, index in `compared`)."""
    from rapidfuzz import fuzz, process

    return process.extract(
        normalised,
        compared,
        scorer=fuzz.ratio,
        score_cutoff=NAME_SIMILARITY,
        limit=SIMILAR_LIMIT,
    )


def find_similar_accessions(
    institute,
    *,
    collector_number=None,
    collecting_date=None,
    donor_number=None,
    donor_institute=None,
    names=(),
    exclude_pk=None,
) -> list[tuple]:
    """Accessions of the institute that a new one looks like, each with a translated reason.

    Reasons: the same collecting number (and date, when given), the same donor accession number
    (from the same donor institute, when given), a near-identical name (rapidfuzz ratio of the
    normalised names >= NAME_SIMILARITY, and the same numbers in them). Strongest reasons first;
    at most SIMILAR_LIMIT accessions.

    The work is bounded whatever the input: the first MAX_NAMES distinct names are looked up, each
    scored against at most MAX_CANDIDATES stored names.
    """
    from genebank.accessions.models import Accession, AccessionName, Acquisition, CollectingEvent

    institute_id = getattr(institute, "pk", institute)
    excluded = None if exclude_pk is None else str(exclude_pk)
    reasons: dict[int, list[str]] = {}

    def add(pk: int, holder: int, reason: str) -> None:
        if holder != institute_id or str(pk) == excluded:
            return
        if reason not in reasons.setdefault(pk, []):
            reasons[pk].append(reason)

    # Exact values in a few spellings rather than iexact: an index seek, not a scan. The
    # institute is compared in Python: in the WHERE clause it leads SQLite to walk the
    # institute's accessions instead of the index (a second instead of milliseconds).
    number = _as_text(collector_number).strip()
    if number:
        events = CollectingEvent.objects.filter(
            collector_number__in={number, number.upper(), number.lower()}
        )
        date, _problems = parse_partial_date(collecting_date, "COLLDATE")
        if date:
            events = events.filter(date__in={date, date.replace("--", "00")})
        for pk, holder, stored_number in events.values_list(
            "accession_id", "accession__institute_id", "collector_number"
        ):
            if date:
                reason = _("same collecting number %(number)s and collecting date %(date)s") % {
                    "number": stored_number,
                    "date": partial_date_display(date),
                }
            else:
                reason = _("same collecting number %(number)s") % {"number": stored_number}
            add(pk, holder, reason)

    donor = _as_text(donor_number).strip()
    if donor:
        acquisitions = Acquisition.objects.filter(
            donor_number__in={donor, donor.upper(), donor.lower()}
        )
        if donor_institute is not None:
            acquisitions = acquisitions.filter(donor_institute=donor_institute)
        for pk, holder, stored_number in acquisitions.values_list(
            "accession_id", "accession__institute_id", "donor_number"
        ):
            add(pk, holder, _("same donor accession number %(number)s") % {"number": stored_number})

    candidates: list[tuple[int, int, str]] = []
    seen = set()
    for name in names or ():
        normalised = normalise_name(name)
        if not normalised or normalised in seen:
            continue
        if len(seen) >= MAX_NAMES:
            break  # validation refuses more names; a direct caller still gets a bounded check
        seen.add(normalised)
        numbers = _numbers_in(normalised)
        # One query per name, without the join to the accession, and sorted: each of these keeps
        # SQLite seeking the name index once per range (ms) rather than scanning every name (s).
        # The cap is applied while reading, not as a LIMIT: with one, SQLite scans the table.
        rows = islice(
            AccessionName.objects.filter(_name_prefilter(_as_text(name)))
            .order_by("position", "pk")
            .values_list("accession_id", "name")
            .iterator(chunk_size=MAX_CANDIDATES),
            MAX_CANDIDATES,
        )
        compared: list[str] = []
        held_by: list[tuple[int, str]] = []
        for pk, stored_name in rows:
            if not numbers and _HAS_DIGIT.search(stored_name):
                continue  # the common case among thousands of 'Hourani N', before normalising
            candidate = normalise_name(stored_name)
            # ICG 4708 is not ICG 4709, however alike the letters: the numbers must agree.
            if _numbers_in(candidate) != numbers:
                continue
            compared.append(candidate)
            held_by.append((pk, stored_name))
        for _match, score, index in _closest_names(normalised, compared):
            pk, stored_name = held_by[index]
            candidates.append((-score, pk, stored_name))
    if candidates:
        held = set(
            Accession.objects.filter(
                pk__in={pk for _score, pk, _name in candidates}, institute_id=institute_id
            ).values_list("pk", flat=True)
        )
        for _score, pk, stored_name in sorted(candidates):
            if pk in held:
                add(pk, institute_id, _("near-identical name %(name)s") % {"name": stored_name})

    if not reasons:
        return []
    ranked = list(reasons)[:SIMILAR_LIMIT]
    accessions = Accession.objects.select_related("institute", "taxon").in_bulk(ranked)
    return [(accessions[pk], "; ".join(reasons[pk])) for pk in ranked if pk in accessions]
