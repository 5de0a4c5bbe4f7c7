"""The grammar of MCPD values: each field's text read into its canonical value, with Problems.

One rule per field for every door (the registration form and the accession services, the MCPD
importer): a text read leniently where its meaning is plain, with a warning saying what was read,
and refused with an error where it is not. Pure functions of the text: no models, no database.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

import pycountry
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one value, and how bad: every door reports its values' problems so."""

    field: str  # MCPD field name, e.g. "DECLATITUDE", "COLLDATE"
    value: str  # the offending value as given
    message: str  # translated, says what is wrong and what is expected
    severity: str = ERROR  # "error" or "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _error(field: str, value, message: str) -> Problem:
    return Problem(field, _as_text(value), message, ERROR)


def _warning(field: str, value, message: str) -> Problem:
    return Problem(field, _as_text(value), message, WARNING)


def _as_text(value) -> str:
    return "" if value is None else str(value)


def has_errors(problems) -> bool:
    return any(p.severity == ERROR for p in problems)


# ---------------------------------------------------------------------------------------------
# Text (every field)

_SPACES = re.compile(r" {2,}")


def clean_text(text: str, field: str) -> tuple[str, list[Problem]]:
    """A field's text trimmed, runs of spaces made one, NUL characters removed (with warnings)."""
    problems: list[Problem] = []
    if "\x00" in text:
        # PostgreSQL cannot store NUL characters, and no one means them.
        problems.append(_warning(field, text, _("NUL characters removed.")))
        text = text.replace("\x00", "")
    cleaned = text.strip()
    if "  " in cleaned:
        cleaned = _SPACES.sub(" ", cleaned)
    if cleaned != text:
        if cleaned:
            problems.append(_warning(field, text, _("Stray blanks removed.")))
        text = cleaned
    return text, problems


# ---------------------------------------------------------------------------------------------
# Taxa (GENUS; the spelling of GENUS, SPECIES and SUBTAXA is accessions.checks.check_taxon)


def clean_genus(text: str, field: str = "GENUS") -> tuple[str, list[Problem]]:
    """GENUS with its initial capital added (with a warning) when it starts in lower case:
    'hordeum' can only be Hordeum. The rest of the name's spelling is accessions.checks'."""
    if text[:1].islower():
        return text[:1].upper() + text[1:], [
            _warning(field, text, _("Initial capital letter added."))
        ]
    return text, []


# ---------------------------------------------------------------------------------------------
# Partial dates (ACQDATE, COLLDATE)

EARLIEST_YEAR = 1700
UNKNOWN = "--"

_CANONICAL_DATE = re.compile(r"^([0-9]{4})([0-9]{2}|--)([0-9]{2}|--)$")
_ISO_DATE = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?$")
_EXCEL_NUMBER = re.compile(r"^([0-9]{4}|[0-9]{8})\.0*$")
_MIDNIGHT = re.compile(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})[ T]00:00(?::00(?:\.0+)?)?$")
_FLOAT = re.compile(r"^[0-9.]+[eE][+]?[0-9]+$")


def _date_format_message() -> str:
    return _(
        "Expected YYYYMMDD with -- for an unknown month or day (e.g. 19840615, 198406--, 1984----)."
    )


def _from_excel_number(text: str) -> str | None:
    """Spreadsheets turn 19851002 into 19851002.0 or 1.9851002E7; both mean the same date."""
    match = _EXCEL_NUMBER.match(text)
    if match:
        return match.group(1)
    if _FLOAT.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        if 1000 <= number < 100_000_000 and number == number.to_integral_value():
            digits = str(int(number))
            if len(digits) in (4, 8):
                return digits
    return None


def parse_partial_date(
    text, field: str = "ACQDATE", today: datetime.date | None = None
) -> tuple[str | None, list[Problem]]:
    """An MCPD date as its canonical 8 characters ('198406--'), or None when empty or wrong.

    Read leniently, with a warning, where the meaning is plain: a year alone (1984), a year and
    month (198406), separators (1984-06-15, 1984/06/15) or blanks (1984 06 15). Dates after
    `today` (default: the day of the call) are errors."""
    if text is None:
        return None, []
    if isinstance(text, datetime.datetime):
        text = text.date()
    if isinstance(text, datetime.date):
        text = text.strftime("%Y%m%d")
    given = str(text)
    value = given.strip()
    if not value:
        return None, []
    problems: list[Problem] = []

    midnight = _MIDNIGHT.match(value)
    if midnight:
        value = midnight.group(1)
    if any(c.isspace() for c in value):
        value = "".join(value.split())
        problems.append(
            _warning(field, given, _("Blanks removed from the date: %(value)s.") % {"value": value})
        )

    excel = _from_excel_number(value)
    if excel is not None:
        value = excel
    if re.fullmatch(r"[0-9]{4}", value):
        problems.append(
            _warning(
                field,
                given,
                _("A year alone was given; MCPD writes it as %(value)s.")
                % {"value": value + "----"},
            )
        )
        value += "----"
    elif re.fullmatch(r"[0-9]{6}", value):
        # Six digits can only be a year and a month: no MCPD date is shorter than eight.
        problems.append(
            _warning(
                field,
                given,
                _("A year and month, read as %(value)s.") % {"value": value + UNKNOWN},
            )
        )
        value += UNKNOWN
    else:
        iso = _ISO_DATE.match(value)
        if iso:
            year, month, day = iso.groups()
            value = year + month.zfill(2) + (day.zfill(2) if day else UNKNOWN)
            problems.append(
                _warning(
                    field,
                    given,
                    _("Date written with separators; MCPD writes it as %(value)s.")
                    % {"value": value},
                )
            )

    match = _CANONICAL_DATE.match(value)
    if not match:
        problems.append(
            _error(
                field,
                given,
                _("Not a date: %(value)s. ") % {"value": given.strip()} + _date_format_message(),
            )
        )
        return None, problems
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    month = None if month_text in (UNKNOWN, "00") else int(month_text)
    day = None if day_text in (UNKNOWN, "00") else int(day_text)

    today = today or datetime.date.today()
    message = None
    if month is None and day is not None:
        message = _("The day is given but the month is unknown: give both, or write the day as --.")
    elif year < EARLIEST_YEAR:
        message = _("The year %(year)s is before %(earliest)s: probably a typing error.") % {
            "year": year,
            "earliest": EARLIEST_YEAR,
        }
    elif month is not None and not 1 <= month <= 12:
        message = _("There is no month %(month)s: expected 01 to 12, or -- when unknown.") % {
            "month": month_text
        }
    elif day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        message = _("There is no day %(day)s in %(month)s: the date does not exist.") % {
            "day": day,
            "month": date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT"),
        }
    elif (year, month or 1, day or 1) > (today.year, today.month, today.day):
        message = _("The date %(value)s is in the future.") % {"value": given.strip()}
    if message:
        problems.append(_error(field, given, message))
        return None, problems

    canonical = year_text + (month_text if month else UNKNOWN) + (day_text if day else UNKNOWN)
    return canonical, problems


# ---------------------------------------------------------------------------------------------
# Coordinates (DECLATITUDE, DECLONGITUDE, LATITUDE, LONGITUDE)

_AXES = {
    # axis: (DMS field, decimal field, degree digits, limit, positive, negative)
    "lat": ("LATITUDE", "DECLATITUDE", 2, 90, "N", "S"),
    "lon": ("LONGITUDE", "DECLONGITUDE", 3, 180, "E", "W"),
}
_SIX_PLACES = Decimal("0.000001")
_DMS_PART = r"([0-9][0-9]|--)"


def _axis(axis: str) -> tuple:
    try:
        return _AXES[axis]
    except KeyError:
        raise ValueError(f"axis must be 'lat' or 'lon', not {axis!r}") from None


def _dms_example(axis: str) -> str:
    if axis == "lat":
        return _(
            "Expected DDMMSSH: 2 digits of degrees, 2 of minutes, 2 of seconds, then N or S, "
            "with -- for unknown minutes or seconds (e.g. 103020S, 4531--S, 10----N)."
        )
    return _(
        "Expected DDDMMSSH: 3 digits of degrees, 2 of minutes, 2 of seconds, then E or W, "
        "with -- for unknown minutes or seconds (e.g. 0762510W, 076----W)."
    )


def _quantize(value: Decimal) -> Decimal:
    value = value.quantize(_SIX_PLACES, rounding=ROUND_HALF_EVEN)
    return abs(value) if value == 0 else value


def _memoized(plain):
    """Remember a pure parser's results: imports meet the same coordinate texts thousands of
    times. Callers get their own copy of the problem list.

    A result without problems holds no translated text, so it is remembered per (text, axis) and
    found without asking for the active language (asgiref's Local: the dearest part of a hit);
    a result with problems is remembered per (text, axis, language).

    plain(text, axis) gives the parser's result without its (empty) problem list for a text
    already written as the parser writes it, the common case in an import, or None; only the
    other texts go to the parser. Tests hold the two to the same results."""

    def decorate(parse):
        return _memo(parse, plain)

    return decorate


def _memo(parse, plain):
    clean: dict[tuple, tuple] = {}
    cache: dict[tuple, tuple] = {}

    @functools.wraps(parse)
    def wrapper(text, axis: str):
        if not isinstance(text, str):
            return parse(text, axis)
        found = clean.get((text, axis))
        if found is not None:
            return (*found, [])
        found = plain(text, axis)
        if found is not None:
            if len(clean) >= 100_000:
                clean.clear()
            clean[(text, axis)] = found
            return (*found, [])
        key = (text, axis, get_language())
        found = cache.get(key)
        if found is None:
            found = parse(text, axis)
            if not found[-1]:
                # Kept without its empty list: a tuple of atomic values, which the garbage
                # collector stops tracking (fewer objects for each full collection to scan).
                if len(clean) >= 100_000:
                    clean.clear()
                clean[(text, axis)] = found[:-1]
                return found
            if len(cache) >= 100_000:
                cache.clear()
            cache[key] = found
        return (*found[:-1], list(found[-1]))

    def without_problems(text, axis: str):
        """The result without its problem list, for callers that do not report those."""
        if isinstance(text, str):
            found = clean.get((text, axis))
            if found is not None:
                return found
        return wrapper(text, axis)[:-1]

    wrapper.without_problems = without_problems
    return wrapper


def parse_dms(text, axis: str) -> tuple[Decimal | None, list[Problem]]:
    """MCPD LATITUDE (DDMMSSH) or LONGITUDE (DDDMMSSH) as decimal degrees, negative south/west."""
    value, _canonical, problems = _read_dms(text, axis)
    return value, problems


def clean_dms(text, axis: str) -> tuple[str | None, list[Problem]]:
    """MCPD LATITUDE or LONGITUDE as it should be stored: '4531--s' -> '4531--S'."""
    _value, canonical, problems = _read_dms(text, axis)
    return canonical, problems


_PLAIN_DMS = {
    "lat": re.compile(r"([0-9]{2})([0-5][0-9]|--)([0-5][0-9]|--)([NS])"),
    "lon": re.compile(r"([0-9]{3})([0-5][0-9]|--)([0-5][0-9]|--)([EW])"),
}


def _dms_magnitude(degrees: int, minutes: int | None, seconds: int | None) -> Decimal:
    return Decimal(degrees) + Decimal(minutes or 0) / 60 + Decimal(seconds or 0) / 3600


def _read_plain_dms(text: str, axis: str) -> tuple[Decimal, str] | None:
    """What _read_dms gives for a canonical DMS text within range (without its empty problem
    list), or None for any other text."""
    pattern = _PLAIN_DMS.get(axis)
    match = pattern.fullmatch(text) if pattern is not None else None
    if match is None:
        return None
    degrees_text, minutes_text, seconds_text, hemisphere = match.groups()
    if minutes_text == UNKNOWN and seconds_text != UNKNOWN:
        return None
    magnitude = _dms_magnitude(
        int(degrees_text),
        None if minutes_text == UNKNOWN else int(minutes_text),
        None if seconds_text == UNKNOWN else int(seconds_text),
    )
    _field, _decimal_field, _digits, limit, _positive, negative = _AXES[axis]
    if magnitude > limit:
        return None
    sign = -1 if hemisphere == negative else 1
    return _quantize(sign * magnitude), text


@_memoized(_read_plain_dms)
def _read_dms(text, axis: str) -> tuple[Decimal | None, str | None, list[Problem]]:
    field, _decimal_field, digits, limit, positive, negative = _axis(axis)
    if text is None:
        return None, None, []
    given = str(text)
    value = given.strip()
    if not value:
        return None, None, []
    problems: list[Problem] = []

    if any(c.isspace() for c in value):
        value = "".join(value.split())
        problems.append(_warning(field, given, _("Blanks removed: %(value)s.") % {"value": value}))
    hemisphere = value[-1:]
    body = value[:-1]
    if hemisphere and hemisphere in "nsew":
        hemisphere = hemisphere.upper()
        problems.append(
            _warning(
                field,
                given,
                _("Hemisphere letter written in capitals: %(value)s.")
                % {"value": body + hemisphere},
            )
        )
    if hemisphere not in (positive, negative):
        if hemisphere and hemisphere.upper() in "NSEW":
            message = _("The hemisphere must be %(positive)s or %(negative)s, not %(letter)s.") % {
                "positive": positive,
                "negative": negative,
                "letter": hemisphere,
            }
        else:
            message = _(
                "The value must end with the hemisphere letter %(positive)s or %(negative)s."
            ) % {
                "positive": positive,
                "negative": negative,
            }
        problems.append(_error(field, given, message + " " + _dms_example(axis)))
        return None, None, problems

    # A leading zero lost by a spreadsheet: one missing digit can only be that zero. Two missing
    # could as well be seconds left out (3030N: 30°30' or 0°30'30"?), so that stays an error.
    expected = digits + 4
    if len(body) == expected - 1 and body[:1].isdigit():
        body = "0" + body
        problems.append(
            _warning(
                field,
                given,
                _("Leading zero added to the degrees: %(value)s.") % {"value": body + hemisphere},
            )
        )
    match = re.fullmatch(rf"([0-9]{{{digits}}}){_DMS_PART}{_DMS_PART}", body)
    if not match:
        problems.append(
            _error(
                field,
                given,
                _("Not a coordinate: %(value)s. ") % {"value": given.strip()} + _dms_example(axis),
            )
        )
        return None, None, problems
    degrees_text, minutes_text, seconds_text = match.groups()
    degrees = int(degrees_text)
    minutes = None if minutes_text == UNKNOWN else int(minutes_text)
    seconds = None if seconds_text == UNKNOWN else int(seconds_text)

    if minutes is None and seconds is not None:
        problems.append(
            _error(
                field,
                given,
                _(
                    "The seconds are given but the minutes are unknown: give both, or write the seconds as --."
                ),
            )
        )
        return None, None, problems
    if (minutes or 0) > 60 or (seconds or 0) > 60:
        problems.append(
            _error(field, given, _("Minutes and seconds go from 00 to 59. ") + _dms_example(axis))
        )
        return None, None, problems
    if seconds == 60 or minutes == 60:
        total = degrees * 3600 + (minutes or 0) * 60 + (seconds or 0)
        degrees, rest = divmod(total, 3600)
        minutes = rest // 60 if minutes is not None else None
        seconds = rest % 60 if seconds is not None else None
        carried = (
            f"{degrees:0{digits}d}"
            + (UNKNOWN if minutes is None else f"{minutes:02d}")
            + (UNKNOWN if seconds is None else f"{seconds:02d}")
            + hemisphere
        )
        problems.append(
            _warning(
                field,
                given,
                _("60 minutes or seconds carried over: %(value)s.") % {"value": carried},
            )
        )
    magnitude = _dms_magnitude(degrees, minutes, seconds)
    if magnitude > limit:
        problems.append(
            _error(
                field,
                given,
                _("%(value)s is beyond %(limit)s degrees.")
                % {"value": given.strip(), "limit": limit},
            )
        )
        return None, None, problems
    sign = -1 if hemisphere == negative else 1
    canonical = (
        f"{degrees:0{digits}d}"
        + (UNKNOWN if minutes is None else f"{minutes:02d}")
        + (UNKNOWN if seconds is None else f"{seconds:02d}")
        + hemisphere
    )
    return _quantize(sign * magnitude), canonical, problems


def dms_precision(text, axis: str) -> Decimal | None:
    """How far apart in degrees two points may be that write the same DMS value."""
    canonical, _problems = clean_dms(text, axis)
    if canonical is None:
        return None
    return _canonical_dms_precision(canonical)


def _canonical_dms_precision(canonical: str) -> Decimal:
    body = canonical[:-1]
    if body[-4:-2] == UNKNOWN:
        return Decimal(1)
    if body[-2:] == UNKNOWN:
        return Decimal(1) / 60
    return Decimal(1) / 3600


def decimal_to_dms(value, axis: str) -> str:
    """Decimal degrees as MCPD DDMMSSH / DDDMMSSH, rounded to the nearest second."""
    _field, _decimal_field, digits, limit, positive, negative = _axis(axis)
    number = Decimal(str(value))
    if not number.is_finite() or abs(number) > limit:
        raise ValueError(f"{value} is not a {axis} in -{limit}..{limit}")
    total = int((abs(number) * 3600).to_integral_value(rounding=ROUND_HALF_EVEN))
    degrees, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    hemisphere = negative if number < 0 and total else positive
    return f"{degrees:0{digits}d}{minutes:02d}{seconds:02d}{hemisphere}"


def canonical_decimal(value: Decimal) -> str:
    """Decimal degrees as written on export: no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# At most six decimals: a longer text is rounded, which parse_decimal_coordinate reports.
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]{1,6})?")


def _read_plain_decimal(text: str, axis: str) -> tuple[Decimal] | None:
    """What parse_decimal_coordinate gives for a plain decimal text within range (without its
    empty problem list), or None for any other text."""
    if axis not in _AXES or not _PLAIN_DECIMAL.fullmatch(text):
        return None
    number = Decimal(text)
    if number.copy_abs() > _AXES[axis][3]:
        return None
    return (_quantize(number),)


_SPLIT_NUMBER = re.compile(r"[0-9.,]\s+[0-9.,]")


@_memoized(_read_plain_decimal)
def parse_decimal_coordinate(text, axis: str) -> tuple[Decimal | None, list[Problem]]:
    """DECLATITUDE (-90..90) or DECLONGITUDE (-180..180) as a Decimal with six places."""
    _dms_field, field, _digits, limit, positive, negative = _axis(axis)
    if text is None:
        return None, []
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        text = str(text)
    given = str(text)
    value = given.strip()
    if not value:
        return None, []
    problems: list[Problem] = []

    def expected() -> str:
        return _(
            "Expected a number of decimal degrees between -%(limit)s and %(limit)s, "
            "negative for %(negative)s (e.g. %(example)s)."
        ) % {
            "limit": limit,
            "negative": _("south") if axis == "lat" else _("west"),
            "example": "-44.6975" if axis == "lat" else "120.9123",
        }

    if any(c.isspace() for c in value):
        if _SPLIT_NUMBER.search(value):
            # '12 5' may be 12.5, 125 or 12°5': not read.
            problems.append(
                _error(
                    field,
                    given,
                    _("Not a number: %(value)s. ") % {"value": value} + expected(),
                )
            )
            return None, problems
        value = "".join(value.split())
        problems.append(_warning(field, given, _("Blanks removed: %(value)s.") % {"value": value}))
    if value.endswith("°"):
        value = value[:-1]
        problems.append(_warning(field, given, _("Degree sign removed.")))
    hemisphere = value[-1:].upper()
    if hemisphere in (positive, negative) and value[:1] not in "+-":
        value = value[:-1].rstrip("°")
        if hemisphere == negative:
            value = "-" + value
        problems.append(
            _warning(
                field,
                given,
                _("Hemisphere letter turned into a sign: %(value)s.") % {"value": value},
            )
        )
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
        problems.append(
            _warning(
                field,
                given,
                _("Decimal comma read as a decimal point: %(value)s.") % {"value": value},
            )
        )
    try:
        number = (
            Decimal(value)
            if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", value)
            else None
        )
    except InvalidOperation:
        number = None
    if number is None:
        problems.append(
            _error(
                field, given, _("Not a number: %(value)s. ") % {"value": given.strip()} + expected()
            )
        )
        return None, problems
    if number.copy_abs() > limit:  # copy_abs: no context, no Overflow on 1E1000000
        problems.append(
            _error(
                field,
                given,
                _("%(value)s is beyond %(limit)s degrees. ")
                % {"value": given.strip(), "limit": limit}
                + expected(),
            )
        )
        return None, problems
    rounded = _quantize(number)
    if rounded != number:
        # Six places are about 0.1 m, finer than any collecting site is known; the warning says
        # the stored value is not the text given.
        problems.append(
            _warning(
                field,
                given,
                _("Rounded to %(places)s decimal places (%(value)s).")
                % {"places": 6, "value": canonical_decimal(rounded)},
            )
        )
    return rounded, problems


# ---------------------------------------------------------------------------------------------
# Whole numbers (ELEVATION, COORDUNCERT)

# Elevations outside these (metres) are not on Earth's land surface.
ELEVATION_RANGE = (-500, 9000)
# An uncertainty beyond the largest column value is no uncertainty.
COORDUNCERT_RANGE = (0, 2_000_000_000)


def _given(value) -> tuple[str, str] | None:
    """A value as given and trimmed, or None when it holds nothing (None, a bool, blanks)."""
    if value is None or isinstance(value, bool):
        return None
    given = str(value)
    text = given.strip()
    return (given, text) if text else None


def parse_whole_number(value, field: str, low: int, high: int) -> tuple[int | None, list[Problem]]:
    """Whole metres between low and high: a decimal ('37.98', '37,98') rounded with a warning."""
    found = _given(value)
    if found is None:
        return None, []
    given, text = found
    candidate = text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    try:
        number = Decimal(candidate)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        return None, [_error(field, given, _("Not a whole number."))]
    if not low - 1 < number < high + 1:
        # Compared before rounding: 1E999999 is not turned into a number of a million digits.
        return None, [_out_of_range(field, given, low, high)]
    problems: list[Problem] = []
    rounded = int(number.to_integral_value(rounding=ROUND_HALF_UP))
    if rounded != number:
        problems.append(
            _warning(
                field,
                given,
                _("Rounded to the whole number %(value)s.") % {"value": rounded},
            )
        )
    if not low <= rounded <= high:
        return None, [_out_of_range(field, given, low, high)]
    return rounded, problems


def _out_of_range(field: str, given: str, low, high) -> Problem:
    return _error(
        field,
        given,
        _("Out of range: must be between %(low)s and %(high)s.") % {"low": low, "high": high},
    )


# ---------------------------------------------------------------------------------------------
# Codes: MCPD code lists (SAMPSTAT, COLLSRC, MLSSTAT, STORAGE), WIEWS institutes, ORIGCTY


_CODE = re.compile(r"([0-9]+)(?:\.0*)?")


def parse_code(value, field: str, codes) -> tuple[int | None, list[Problem]]:
    """A coded MCPD value (SAMPSTAT, COLLSRC, MLSSTAT, an item of STORAGE) as an int, if it is
    one of `codes`. '300', ' 300 ', '0300' and '300.0' all read 300: a spreadsheet writes the
    number 300 as 300.0, as it writes dates (see _from_excel_number)."""
    found = _given(value)
    if found is None:
        return None, []
    given, text = found
    match = _CODE.fullmatch(text)
    code = int(match.group(1)) if match else None
    if code is None or code not in codes:
        return None, [
            _error(
                field,
                given,
                _("%(value)s is not a %(field)s code; expected one of %(codes)s.")
                % {"value": text, "field": field, "codes": ", ".join(str(c) for c in codes)},
            )
        ]
    return code, []


_WIEWS = re.compile(r"[A-Z]{3}[0-9]{3,4}")


def _current_country(code: str):
    return pycountry.countries.get(alpha_3=code) if len(code) == 3 else None


def _former_country(code: str):
    return pycountry.historic_countries.get(alpha_3=code) if len(code) == 3 else None


# Codes already read as they are, without problems: an import meets the same few codes in
# every row (INSTCODE, DONORCODE, the institutes of OTHERNUMB), and a code has no other reading.
_PLAIN_WIEWS: set[str] = set()


@functools.cache
def _country_prefix(prefix: str) -> bool:
    """Whether a WIEWS code's first three letters are a country's code, present or former:
    asked for every institute code of a file, and pycountry's look-up is the dear part."""
    return _current_country(prefix) is not None or _former_country(prefix) is not None


def clean_wiews_code(value, field: str = "INSTCODE") -> tuple[str | None, list[Problem]]:
    """A FAO WIEWS institute code, normalised (upper case, no blanks), with its problems."""
    if value in _PLAIN_WIEWS:
        return value, []
    given = _as_text(value)
    text = given.strip()
    if not text:
        return None, []
    problems: list[Problem] = []
    compact = re.sub(r"[\s\-_]", "", text).upper()
    if compact != text and _WIEWS.fullmatch(compact):
        problems.append(
            _warning(field, given, _("WIEWS code normalised to %(value)s.") % {"value": compact})
        )
    if not _WIEWS.fullmatch(compact):
        problems.append(
            _error(
                field,
                given,
                _(
                    "%(value)s is not a FAO WIEWS institute code: three capital letters and three or "
                    "four digits, e.g. JOR015."
                )
                % {"value": text},
            )
        )
        return None, problems
    prefix = compact[:3]
    if not _country_prefix(prefix):
        problems.append(
            _warning(
                field,
                given,
                _("%(value)s does not start with an ISO 3166-1 country code, as WIEWS codes do.")
                % {"value": compact},
            )
        )
    elif compact == given:
        if len(_PLAIN_WIEWS) >= 100_000:
            _PLAIN_WIEWS.clear()
        _PLAIN_WIEWS.add(compact)
    return compact, problems


def check_wiews_code(value, field: str = "INSTCODE") -> list[Problem]:
    return clean_wiews_code(value, field)[1]


def clean_country_code(value, field: str = "ORIGCTY") -> tuple[str | None, list[Problem]]:
    """An ISO 3166-1 alpha-3 code, normalised, with its problems (former countries: a warning)."""
    given = _as_text(value)
    text = given.strip()
    if not text:
        return None, []
    upper = text.upper()
    if _current_country(upper) is not None:
        if upper != text:
            return upper, [
                _warning(
                    field,
                    given,
                    _("Country code written in capitals: %(value)s.") % {"value": upper},
                )
            ]
        return upper, []
    former = _former_country(upper)
    if former is not None:
        return upper, [
            _warning(
                field,
                given,
                _(
                    "%(value)s is a former country (%(name)s, ISO 3166-3); give the present-day "
                    "country where it is known."
                )
                % {"value": upper, "name": former.name},
            )
        ]
    country = None
    if len(upper) == 2:
        country = pycountry.countries.get(alpha_2=upper)
    elif len(text) > 3:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    if country is not None:
        return country.alpha_3, [
            _warning(
                field,
                given,
                _("%(value)s read as the ISO 3166-1 alpha-3 code %(code)s.")
                % {"value": text, "code": country.alpha_3},
            )
        ]
    return None, [
        _error(
            field,
            given,
            _("%(value)s is not an ISO 3166-1 alpha-3 country code (e.g. JOR, SYR).")
            % {"value": text},
        )
    ]


def check_country_code(value, field: str = "ORIGCTY") -> list[Problem]:
    return clean_country_code(value, field)[1]


# ---------------------------------------------------------------------------------------------
# Lists (';'-separated) and other numbers (OTHERNUMB)


def split_list(text: str, field: str) -> tuple[list[str], list[Problem]]:
    """A ';' list: blanks around items and empty items removed (with a warning)."""
    items = text.split(";")
    cleaned = [item.strip() for item in items]
    kept = [item for item in cleaned if item]
    problems = []
    if kept != items:
        problems.append(
            _warning(field, text, _("Blanks or empty items removed from the ';' list."))
        )
    return kept, problems


def dedupe(items: list, field: str, text: str) -> tuple[list, list[Problem]]:
    """The items without repeats, in their first order (a warning when some were removed)."""
    seen = list(dict.fromkeys(items))
    if len(seen) != len(items):
        return seen, [_warning(field, text, _("Repeated values removed from the list."))]
    return seen, []


def parse_other_number(
    item: str, field: str = "OTHERNUMB", identifier_length: int | None = None
) -> tuple[tuple[str, str] | None, list[Problem]]:
    """One OTHERNUMB item as (INSTCODE or "", identifier), or None when it holds no identifier.

    MCPD v2.1 writes an item INSTCODE:identifier, and ':identifier' when the institute is not
    known. An item without a WIEWS code before its first colon ('IG 1', or 'ICARDA:IG 1', where
    ICARDA is an acronym, not the code SYR002) is read whole as the identifier of an unknown
    institute, with a warning: its text is kept, and no institute code is ever guessed."""
    item = item.strip()
    code_text, separator, identifier = item.partition(":")
    code_text = code_text.strip()
    code, code_problems = clean_wiews_code(code_text, field) if code_text else (None, [])
    problems: list[Problem] = []
    if separator and not code_text:
        code, identifier = "", identifier.strip()
    elif separator and code and not has_errors(code_problems):
        identifier = identifier.strip()
        problems += code_problems
    else:
        code, identifier = "", item
        problems.append(
            _warning(
                field,
                item,
                _("No INSTCODE: before the identifier; read as :%(value)s.") % {"value": item},
            )
        )
    if not identifier:
        return None, [_error(field, item, _("An institute code without an identifier."))]
    if identifier_length is not None and len(identifier) > identifier_length:
        return None, [
            _error(field, item, _("Longer than %(n)s characters.") % {"n": identifier_length})
        ]
    return (code, identifier), problems


def parse_other_numbers(
    text, field: str = "OTHERNUMB", identifier_length: int | None = None
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """MCPD OTHERNUMB 'NLD037:CGN00254;:ABC123' as [('NLD037', 'CGN00254'), ('', 'ABC123')]."""
    text, problems = clean_text(_as_text(text), field)
    if not text:
        return [], problems
    items, more = split_list(text, field)
    problems += more
    pairs = []
    for item in items:
        pair, found = parse_other_number(item, field, identifier_length)
        problems += found
        if pair is not None:
            pairs.append(pair)
    pairs, repeated = dedupe(pairs, field, text)
    return pairs, problems + repeated


def format_other_numbers(pairs) -> str:
    """Pairs as MCPD OTHERNUMB text: INSTCODE:identifier, ';' between them."""
    return ";".join(f"{code}:{identifier}" for code, identifier in pairs)
