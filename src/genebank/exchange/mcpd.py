"""MCPD v2.1: the 41 fields, reading a row into canonical values with every problem, and writing rows.

Canonical values are the text an export writes: reading a row and exporting what was stored give the
same text, so "is this row already in the database?" is a comparison of two dicts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from genebank.accessions.checks import check_coordinates, check_names, check_taxon
from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    Acquisition,
    CollectingEvent,
    CollectingSource,
    MlsStatus,
    SampleStatus,
    StorageType,
)
from genebank.accessions.passport import MCPD_FIELDS, SENSITIVE_FIELDS
from genebank.core import mcpd_values
from genebank.core.mcpd_values import (
    COORDUNCERT_RANGE,
    ELEVATION_RANGE,
    ERROR,
    WARNING,
    canonical_decimal,
    clean_country_code,
    clean_dms,
    clean_genus,
    clean_text,
    clean_wiews_code,
    dedupe,
    parse_decimal_coordinate,
    parse_other_numbers,
    parse_partial_date,
    parse_whole_number,
    split_list,
)
from genebank.core.models import Taxon

# The 41 fields of MCPD v2.1 in the standard's order (one list for the whole application).
FIELDS = MCPD_FIELDS
FIELD_SET = frozenset(FIELDS)
EMPTY_VALUES = dict.fromkeys(FIELDS, "")  # a row's values before reading: copied, never changed
REQUIRED = ("INSTCODE", "ACCENUMB", "GENUS")
COLLECTING_FIELDS = (
    "COLLNUMB COLLCODE COLLNAME COLLINSTADDRESS COLLMISSID COLLSITE DECLATITUDE LATITUDE "
    "DECLONGITUDE LONGITUDE COORDUNCERT COORDDATUM GEOREFMETH ELEVATION COLLDATE COLLSRC"
).split()
DONOR_FIELDS = ("DONORCODE", "DONORNAME", "DONORNUMB")
# Withheld from public exports for sensitive sites (the same list as the accession page's).
COORDINATE_FIELDS = SENSITIVE_FIELDS
# Where the importer stores each text field: the column's max_length is the longest value it
# takes, read from the model so that there is one copy of each length. A field whose column is a
# TextField, or that is split into a list before it is stored, is bounded by TEXT_MAX_LENGTH.
STORED_IN = {
    "PUID": (Accession, "puid"),
    "ACCENUMB": (Accession, "number"),
    "COLLNUMB": (CollectingEvent, "collector_number"),
    "COLLNAME": (CollectingEvent, "collecting_institute_name"),
    "COLLINSTADDRESS": (CollectingEvent, "collecting_institute_address"),
    "COLLMISSID": (CollectingEvent, "mission_code"),
    "GENUS": (Taxon, "genus"),
    "SPECIES": (Taxon, "species"),
    "SPAUTHOR": (Taxon, "species_author"),
    "SUBTAXA": (Taxon, "subtaxa"),
    "SUBTAUTHOR": (Taxon, "subtaxa_author"),
    "CROPNAME": (Accession, "crop_name"),
    "COLLSITE": (CollectingEvent, "site"),
    "COORDDATUM": (CollectingEvent, "datum"),
    "GEOREFMETH": (CollectingEvent, "georeference_method"),
    "BREDNAME": (Accession, "breeder_name"),
    "ANCEST": (Accession, "ancestry"),
    "DONORNAME": (Acquisition, "donor_name"),
    "DONORNUMB": (Acquisition, "donor_number"),
    "DUPLSITE": (Accession, "duplicate_site_codes"),
    "DUPLINSTNAME": (Accession, "duplicate_site_names"),
    "STORAGE": (Accession, "storage_codes"),
    "REMARKS": (Accession, "remarks"),
}
# The items of the ';' lists stored one per record.
OTHERNUMB_ITEM_LENGTH = AccessionIdentifier._meta.get_field("identifier").max_length
# The longest text any field may have: the unbounded columns (remarks, pedigree, address) are for
# notes, not documents; a longer value is a mistake (often a quote never closed) and would be
# carried by every page, report and API answer that shows the accession.
TEXT_MAX_LENGTH = 10_000
MAX_LENGTH = {
    name: model._meta.get_field(attname).max_length or TEXT_MAX_LENGTH
    for name, (model, attname) in STORED_IN.items()
}
# The only field that may hold line breaks, and only in a workbook cell (typed with Alt+Enter):
# MCPD lists are ';'-separated, and in a CSV file a line break inside any other field is nearly
# always a quote that was never closed, which reads the following lines into one value.
MULTILINE_FIELDS = frozenset({"REMARKS"})
# A text starting with one of these is taken for a formula when the file is opened in a
# spreadsheet program: kept as given (an exchange file keeps its bytes), with a warning. Numeric
# fields are left out: -12.5 is a latitude, -20 an elevation. OTHERNUMB is kept as INSTCODE:number
# pairs (":+123" for "+123"), which never start with one; a '+' inside an identifier is harmless.
FORMULA_START = frozenset("=+-@\t\r")
NUMERIC_FIELDS = frozenset({"DECLATITUDE", "DECLONGITUDE", "COORDUNCERT", "ELEVATION"})
# A value kept in a problem report is cut to this many characters.
SHOWN_VALUE_LENGTH = 200
CODE_LISTS = {
    "SAMPSTAT": tuple(SampleStatus.values),
    "COLLSRC": tuple(CollectingSource.values),
    "MLSSTAT": tuple(MlsStatus.values),
    "STORAGE": tuple(StorageType.values),
}
CACHE_SIZE = 50_000
# Fields whose values are nearly all different: caching them would only cost memory.
UNCACHED = frozenset({"DECLATITUDE", "DECLONGITUDE", "LATITUDE", "LONGITUDE", "OTHERNUMB"})
# Germinate workbooks mark plant/plot rows that belong to an accession in this column.
ENTITY_TYPE_COLUMN = "ENTITY TYPE"


@dataclass(frozen=True, slots=True)
class Problem(mcpd_values.Problem):
    """One thing wrong with one value of a file: the value's problem, and where (row, ACCENUMB)."""

    row: int | None = None
    accenumb: str = ""


def short_value(text: str) -> str:
    """A value as a problem report keeps it: a long one cut, saying how long it was."""
    if len(text) <= SHOWN_VALUE_LENGTH:
        return text
    return _("%(start)s… (%(n)s characters)") % {
        "start": text[:SHOWN_VALUE_LENGTH],
        "n": len(text),
    }


@dataclass
class Row:
    """One record of the file after reading: canonical values and the problems found."""

    number: int
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    given: frozenset[str] = frozenset()
    pdci: int | None = None  # PDCI points of the values, when the importer computed them

    @property
    def key(self) -> tuple[str, str]:
        return self.values["INSTCODE"], self.values["ACCENUMB"]

    @property
    def has_error(self) -> bool:
        return bool(self.problems) and any(p.severity == ERROR for p in self.problems)


# --- field parsers: each returns (canonical text, problems); never raises on bad input ---------


# Decimal degrees as canonical_decimal writes them: no sign on zero, no leading or trailing zeros.
CANONICAL_DECIMAL_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")


def read_canonical_decimal(text: str, low: float, high: float) -> bool:
    """Whether parse_coordinate keeps this text as it is, without problems: canonical, with at
    most six decimals, within range. Most texts of a file are; they need no more work."""
    return (
        CANONICAL_DECIMAL_RE.fullmatch(text) is not None
        and text != "-0"
        and len(text.partition(".")[2]) <= 6
        and low <= Decimal(text) <= high
    )


def parse_coordinate(text: str, axis: str):
    """DECLATITUDE or DECLONGITUDE by the one rule (core.mcpd_values), written canonically."""
    low, high = (-90, 90) if axis == "lat" else (-180, 180)
    if read_canonical_decimal(text, low, high):
        return text, []
    value, problems = parse_decimal_coordinate(text, axis)
    return ("" if value is None else canonical_decimal(value)), problems


def parse_integer(text: str, name: str, low: int, high: int):
    """A whole number by the grammar (core.mcpd_values.parse_whole_number), written as text."""
    value, problems = parse_whole_number(text, name, low, high)
    return ("" if value is None else str(value)), problems


def date_bounds(value: str) -> tuple[str, str]:
    """The earliest and latest YYYYMMDD a partial date can stand for, for comparisons."""
    year, month, day = value[:4], value[4:6], value[6:8]
    if month == "--":
        return f"{year}0101", f"{year}1231"
    if day == "--":
        return f"{year}{month}01", f"{year}{month}31"
    return value, value


def parse_code(text: str, name: str):
    """A coded field by the grammar (core.mcpd_values.parse_code), written as MCPD writes it."""
    code, problems = mcpd_values.parse_code(text, name, CODE_LISTS[name])
    return ("" if code is None else str(code)), problems


def check_remarks(text: str) -> list[Problem]:
    problems = []
    for part in text.split(";"):
        prefix, sep, _rest = part.partition(":")
        if not sep or prefix.strip().upper() not in FIELD_SET:
            problems.append(
                Problem(
                    "REMARKS",
                    part,
                    _(
                        "MCPD remarks are FIELD:remark pairs separated by ';' (e.g. COLLSRC:riverside)."
                    ),
                    WARNING,
                )
            )
            break
    return problems


def parse_country(text: str, known: frozenset[str]):
    """ORIGCTY by the grammar (core.mcpd_values.clean_country_code), among the stored countries."""
    code, problems = clean_country_code(text, "ORIGCTY")
    if code is not None and code not in known:
        return "", [
            Problem(
                "ORIGCTY",
                text,
                _("%(value)s is not an ISO 3166-1 alpha-3 country code (e.g. JOR, SYR).")
                % {"value": text},
            )
        ]
    return code or "", problems


# --- the row -----------------------------------------------------------------------------------


class RowReader:
    """Turns one raw row (MCPD field -> text) into canonical values and all its problems."""

    def __init__(self, countries: Iterable[str], institute: str | None = None, today=None):
        self.countries = frozenset(countries)
        self.institute = institute
        self.today = today or dt.date.today()
        # Parsers are pure: a value met before (a genus, a code, a date) is not parsed again.
        # Field -> raw text -> (value, problems), for the fields a parser reads.
        self.caches: dict[str, dict[str, tuple[str, list[Problem]]]] = {}
        self.taxon_cache: dict[tuple[str, str, str], list[Problem]] = {}
        self.parsers = {
            name: getattr(self, "field_" + name)
            for name in FIELDS
            if hasattr(self, "field_" + name)
        }
        self.caches = {name: {} for name in self.parsers if name not in UNCACHED}
        # The fields kept as given (no parser), with the longest text their column holds: a text
        # with nothing to clean in them is its own value, without a call to read_value.
        self.plain = {
            name: MAX_LENGTH.get(name, TEXT_MAX_LENGTH)
            for name in FIELDS
            if name not in self.parsers
        }
        self.givens: dict[frozenset[str], frozenset[str]] = {}

    def read(self, number: int, raw: dict[str, str]) -> Row:
        problems: list[Problem] = []
        values = EMPTY_VALUES.copy()
        add = problems.extend
        caches = self.caches
        plain = self.plain
        for name, text in raw.items():
            if not text:
                continue
            # Most values repeat (codes, dates, taxa, countries): a text met before in this
            # field is not cleaned or parsed again.
            cache = caches.get(name)
            if cache is not None:
                found = cache.get(text)
                if found is None:
                    found = self.read_value(name, text)
                    if not found[1]:
                        # No list in what is kept: the garbage collector then stops tracking the
                        # tuple, and full collections have tens of thousands fewer objects to scan.
                        found = (found[0], ())
                    if len(cache) > CACHE_SIZE:
                        cache.clear()
                    cache[text] = found
            else:
                limit = plain.get(name)
                if (
                    limit is not None
                    and len(text) <= limit
                    and "  " not in text
                    and "\x00" not in text
                    and text.strip() == text
                    and text[0] not in FORMULA_START
                ):
                    # What read_value gives for it: the text itself, without problems.
                    values[name] = text
                    continue
                found = self.read_value(name, text)
            value, value_problems = found
            if value_problems:
                add(value_problems)
            if value:
                values[name] = value
        self.check_row(values, problems)
        if problems:
            accenumb = values["ACCENUMB"]
            problems = [
                Problem(p.field, p.value, p.message, p.severity, number, accenumb) for p in problems
            ]
        given = frozenset(raw)
        # One object for the rows that give the same columns: cheaper to send between processes.
        given = self.givens.setdefault(given, given)
        return Row(number, values, problems, given)

    def read_value(self, name: str, text: str) -> tuple[str, list[Problem]]:
        """One field's text as its canonical value ("" when there is none) and its problems."""
        if len(text) > TEXT_MAX_LENGTH:
            # Not cleaned or parsed: a value this long is no MCPD value, and work on it is waste.
            limit = MAX_LENGTH.get(name, TEXT_MAX_LENGTH)
            return "", [Problem(name, text, _("Longer than %(n)s characters.") % {"n": limit})]
        if "\x00" in text or "  " in text or text.strip() != text:
            text, problems = clean_text(text, name)
        else:
            problems = []  # nothing to clean, the common case: no call for it
        if not text:
            return "", problems
        parser = self.parsers.get(name)
        if parser is None:
            value = text
        else:
            value, found = parser(text)
            problems.extend(found)
        limit = MAX_LENGTH.get(name, TEXT_MAX_LENGTH)
        if len(value) > limit:
            problems.append(Problem(name, text, _("Longer than %(n)s characters.") % {"n": limit}))
            value = ""
        elif value[:1] in FORMULA_START and name not in NUMERIC_FIELDS:
            problems.append(
                Problem(
                    name,
                    value,
                    _(
                        "Starts with %(char)r: a spreadsheet program opening an export of it may "
                        "take it for a formula. Kept as it is."
                    )
                    % {"char": value[0]},
                    WARNING,
                )
            )
        return value, problems

    def check_row(self, values: dict[str, str], problems: list[Problem]) -> None:
        if self.institute:
            if not values["INSTCODE"]:
                values["INSTCODE"] = self.institute
            elif values["INSTCODE"] != self.institute:
                problems.append(
                    Problem(
                        "INSTCODE",
                        values["INSTCODE"],
                        _("This import is for institute %(code)s only.") % {"code": self.institute},
                    )
                )
        for name in REQUIRED:
            if not values[name] and not any(p.field == name for p in problems):
                problems.append(
                    Problem(name, "", _("Required: %(field)s is empty.") % {"field": name})
                )
        if (
            values["DECLATITUDE"]
            or values["DECLONGITUDE"]
            or values["LATITUDE"]
            or values["LONGITUDE"]
        ):
            # Agreement of decimal and DMS, both halves of a point, and the point inside ORIGCTY.
            found = check_coordinates(
                values["DECLATITUDE"] or None,
                values["DECLONGITUDE"] or None,
                values["LATITUDE"] or None,
                values["LONGITUDE"] or None,
                values["ORIGCTY"] or None,
            )
            if found:
                problems.extend(found)
        if values["GENUS"]:
            key = (values["GENUS"], values["SPECIES"], values["SUBTAXA"])
            found = self.taxon_cache.get(key)
            if found is None:
                found = check_taxon(*key)
                if len(self.taxon_cache) > CACHE_SIZE:
                    self.taxon_cache.clear()
                self.taxon_cache[key] = found
            if found:
                problems.extend(found)
        if values["COLLDATE"] and values["ACQDATE"]:
            collected_earliest = date_bounds(values["COLLDATE"])[0]
            acquired_latest = date_bounds(values["ACQDATE"])[1]
            if collected_earliest > acquired_latest:
                problems.append(
                    Problem(
                        "COLLDATE",
                        values["COLLDATE"],
                        _("Collected after it was acquired (ACQDATE %(date)s).")
                        % {"date": values["ACQDATE"]},
                    )
                )

    # One method per field that needs more than trimming.

    def field_INSTCODE(self, text):
        code, problems = clean_wiews_code(text, "INSTCODE")
        return code or "", problems

    def field_DONORCODE(self, text):
        code, problems = clean_wiews_code(text, "DONORCODE")
        return code or "", problems

    def _code_list(self, text, name):
        items, problems = split_list(text, name)
        codes = []
        for item in items:
            code, found = clean_wiews_code(item, name)
            problems.extend(found)
            if code:
                codes.append(code)
        codes, more = dedupe(codes, name, text)
        return ";".join(codes), problems + more

    def field_COLLCODE(self, text):
        return self._code_list(text, "COLLCODE")

    def field_BREDCODE(self, text):
        return self._code_list(text, "BREDCODE")

    def field_DUPLSITE(self, text):
        return self._code_list(text, "DUPLSITE")

    def field_GENUS(self, text):
        return clean_genus(text, "GENUS")

    def field_ACCENAME(self, text):
        items, problems = split_list(text, "ACCENAME")
        items, more = dedupe(items, "ACCENAME", text)
        # The registration form's rule: how many names, how long each (accessions.checks).
        refused = check_names(items, "ACCENAME")
        if refused:
            return "", refused
        return ";".join(items), problems + more

    def field_ACQDATE(self, text):
        value, problems = parse_partial_date(text, "ACQDATE", self.today)
        return value or "", problems

    def field_COLLDATE(self, text):
        value, problems = parse_partial_date(text, "COLLDATE", self.today)
        return value or "", problems

    def field_ORIGCTY(self, text):
        return parse_country(text, self.countries)

    def field_DECLATITUDE(self, text):
        return parse_coordinate(text, "lat")

    def field_DECLONGITUDE(self, text):
        return parse_coordinate(text, "lon")

    def field_LATITUDE(self, text):
        value, problems = clean_dms(text, "lat")
        return value or "", problems

    def field_LONGITUDE(self, text):
        value, problems = clean_dms(text, "lon")
        return value or "", problems

    def field_COORDUNCERT(self, text):
        return parse_integer(text, "COORDUNCERT", *COORDUNCERT_RANGE)

    def field_ELEVATION(self, text):
        return parse_integer(text, "ELEVATION", *ELEVATION_RANGE)

    def field_SAMPSTAT(self, text):
        return parse_code(text, "SAMPSTAT")

    def field_COLLSRC(self, text):
        return parse_code(text, "COLLSRC")

    def field_MLSSTAT(self, text):
        return parse_code(text, "MLSSTAT")

    def field_STORAGE(self, text):
        items, problems = split_list(text, "STORAGE")
        codes = []
        for item in items:
            code, found = parse_code(item, "STORAGE")
            problems.extend(found)
            if code:
                codes.append(code)
        codes, more = dedupe(codes, "STORAGE", text)
        return ";".join(codes), problems + more

    def field_OTHERNUMB(self, text):
        pairs, problems = parse_other_numbers(text, "OTHERNUMB", OTHERNUMB_ITEM_LENGTH)
        return mcpd_values.format_other_numbers(pairs), problems

    def field_REMARKS(self, text):
        return text, check_remarks(text)


def iter_raw_rows(
    table, mapping=None
) -> Iterator[tuple[int, dict[str, str] | None, list[Problem]]]:
    """(row number, MCPD field -> text or None for a row to leave out, problems) for each row."""
    from genebank.exchange.readers import normalise_header

    header_problems: list[Problem] = []
    positions: dict[str, list[int]] = {}
    entity_column = None
    skip_rules: list[tuple[int, re.Pattern]] = []
    column_map = mapping.column_map() if mapping else {}
    ignored = mapping.ignored() if mapping else set()
    for index, column in enumerate(table.columns):
        header = normalise_header(column)
        if not header:
            continue
        if mapping and mapping.skip_rows:
            for skip_column, pattern in mapping.skip_rows.items():
                if normalise_header(skip_column) == header:
                    skip_rules.append((index, re.compile(pattern)))
        if header in column_map:
            target = column_map[header]
        elif header in FIELD_SET and not mapping:
            target = header
        elif mapping and header in FIELD_SET and header not in ignored:
            target = header
        else:
            target = None
        if header == ENTITY_TYPE_COLUMN:
            entity_column = index
            continue
        if target is None:
            if header not in ignored:
                header_problems.append(
                    Problem(
                        column,
                        column,
                        _("Unknown column: its values are not imported."),
                        WARNING,
                        table.header_row,
                    )
                )
            continue
        if target in positions and not (mapping and target in mapping.multi_column_fields()):
            header_problems.append(
                Problem(
                    column,
                    column,
                    _("%(field)s appears twice: only the first column is read.")
                    % {"field": target},
                    WARNING,
                    table.header_row,
                )
            )
            continue
        positions.setdefault(target, []).append(index)
    if "ACCENUMB" not in positions:
        from genebank.exchange.readers import ReadError

        raise ReadError(
            _("No ACCENUMB column: this is not an MCPD file (use --mapping for other layouts).")
        )
    yield table.header_row, None, header_problems
    constants = mapping.constants if mapping else {}
    value_maps = mapping.value_maps() if mapping else {}
    single = [(name, cols[0]) for name, cols in positions.items() if len(cols) == 1]
    line_breaks = getattr(table, "line_breaks", {})
    from_csv = getattr(table, "delimiter", None) is not None
    multiple = [(name, cols) for name, cols in positions.items() if len(cols) > 1]
    for number, cells in table.rows:
        width = len(cells)
        if entity_column is not None and entity_column < width:
            entity = cells[entity_column].strip()
            if entity and entity.lower() != "accession":
                yield (
                    number,
                    None,
                    [
                        Problem(
                            "Entity type",
                            entity,
                            _("Not an accession (a %(entity)s of one): left out.")
                            % {"entity": entity},
                            WARNING,
                            number,
                            cells[positions["ACCENUMB"][0]]
                            if positions["ACCENUMB"][0] < width
                            else "",
                        )
                    ],
                )
                continue
        if skip_rules and any(i < width and rule.search(cells[i]) for i, rule in skip_rules):
            yield number, None, []
            continue
        raw = {name: cells[i] if i < width else "" for name, i in single}
        for name, cols in multiple:
            raw[name] = ";".join(cells[i].strip() for i in cols if i < width and cells[i].strip())
        for name, value in constants.items():
            if not raw.get(name, "").strip():
                raw[name] = value
        for name, table_map in value_maps.items():
            text = raw.get(name)
            if text:
                key = text.strip().lower()
                if key in table_map:
                    raw[name] = table_map[key]
        if "TAXON" in raw:
            raw.update(split_scientific_name(raw.pop("TAXON"), raw))
        if number in line_breaks:
            yield number, raw, _line_break_problems(raw, number, line_breaks[number], from_csv)
            continue
        yield number, raw, []


def _line_break_problems(
    raw: dict[str, str], number: int, line: int | None, from_csv: bool
) -> list[Problem]:
    """Errors for the values of a row that hold a line break where MCPD allows none.

    Such a value is emptied: from a CSV file it is mostly the rest of the file read into one
    value by a quote never closed, and the error says on which line of the file it began.
    """
    problems = []
    for name, text in raw.items():
        if "\n" not in text and "\r" not in text:
            continue
        if name in MULTILINE_FIELDS and not from_csv:
            continue
        if line is not None:
            message = _(
                "A line break in a one-line field: the value begins on line %(line)s of the file, "
                "where a quote opened may not be closed until far later."
            ) % {"line": line}
        else:
            message = _("A line break in a one-line field.")
        problems.append(Problem(name, text, message, ERROR, number))
        raw[name] = ""
    return problems


def split_scientific_name(text: str, raw: dict[str, str]) -> dict[str, str]:
    """'Arachis hypogaea subsp. fastigiata' -> GENUS, SPECIES, SUBTAXA (mapped 'TAXON' columns)."""
    parts = text.split()
    result = {}
    if parts and not raw.get("GENUS"):
        result["GENUS"] = parts[0]
    if len(parts) > 1 and not raw.get("SPECIES"):
        result["SPECIES"] = parts[1]
    if len(parts) > 2 and not raw.get("SUBTAXA"):
        result["SUBTAXA"] = " ".join(parts[2:])
    return result
