"""The importer's fields: valid values round-trip, invalid ones give an error, never an exception.

The values' grammar is core.mcpd_values (tests/accessions/test_checks.py, test_one_grammar.py);
these hold the importer to it on the texts a file brings."""

import datetime as dt
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from genebank.core import mcpd_values
from genebank.exchange import mcpd
from genebank.exchange.mcpd import (
    ERROR,
    FIELDS,
    WARNING,
    RowReader,
    canonical_decimal,
    parse_code,
    parse_integer,
)

TODAY = dt.date(2026, 1, 1)
READER = RowReader(["JOR", "SYR", "IND"], today=TODAY)


def read(name, text):
    """One field's text as the importer reads it: (canonical value or "", problems)."""
    return READER.read_value(name, text)


def severities(problems):
    return {p.severity for p in problems}


@given(
    st.dates(min_value=dt.date(1700, 1, 1), max_value=TODAY),
    st.sampled_from(["day", "month", "year"]),
)
def test_partial_dates_round_trip(date, precision):
    text = date.strftime("%Y%m%d")
    if precision == "month":
        text = text[:6] + "--"
    elif precision == "year":
        text = text[:4] + "----"
    assert read("ACQDATE", text) == (text, [])


def test_partial_dates_with_zeros_are_stored_with_dashes():
    assert read("ACQDATE", "19840600") == ("198406--", [])
    assert read("ACQDATE", "19840000") == ("1984----", [])


def test_unambiguous_dates_are_normalised_with_a_warning():
    for text, expected in [
        ("1984", "1984----"),
        ("198406", "198406--"),
        ("1984-06-12", "19840612"),
    ]:
        value, problems = read("COLLDATE", text)
        assert value == expected
        assert severities(problems) == {WARNING}


def test_impossible_or_ambiguous_dates_are_errors():
    for text in ["19840231", "19841301", "1984--12", "12/06/1984", "20990101", "16990101", "abc"]:
        value, problems = read("ACQDATE", text)
        assert value == ""
        assert severities(problems) == {ERROR}, text


@given(st.text(max_size=12))
def test_any_text_as_a_date_gives_a_value_or_an_error(text):
    value, problems = read("ACQDATE", text)
    assert value or ERROR in severities(problems) or not text.replace("\x00", "").strip()


@given(
    st.integers(0, 89),
    st.one_of(st.none(), st.integers(0, 59)),
    st.one_of(st.none(), st.integers(0, 59)),
    st.sampled_from("NS"),
)
def test_dms_latitudes_round_trip(degrees, minutes, seconds, hemisphere):
    minutes_text = "--" if minutes is None else f"{minutes:02d}"
    seconds_text = "--" if minutes is None or seconds is None else f"{seconds:02d}"
    text = f"{degrees:02d}{minutes_text}{seconds_text}{hemisphere}"
    assert read("LATITUDE", text) == (text, [])


@given(st.integers(0, 179), st.integers(0, 59), st.integers(0, 59), st.sampled_from("EW"))
def test_dms_longitudes_round_trip(degrees, minutes, seconds, hemisphere):
    text = f"{degrees:03d}{minutes:02d}{seconds:02d}{hemisphere}"
    assert read("LONGITUDE", text) == (text, [])


def test_sixty_seconds_are_carried_with_a_warning():
    value, problems = read("LATITUDE", "261060N")
    assert value == "261100N"
    assert severities(problems) == {WARNING}
    assert read("LONGITUDE", "0915960E")[0] == "0920000E"


def test_bad_dms_are_errors():
    for text, name in [
        ("2610N", "LATITUDE"),
        ("911060N", "LATITUDE"),
        ("26--30N", "LATITUDE"),
        ("0914360N", "LONGITUDE"),
        ("1810000E", "LONGITUDE"),
        ("267060N", "LATITUDE"),
    ]:
        value, problems = read(name, text)
        assert value == "" and ERROR in severities(problems), text


@given(st.text(max_size=10), st.sampled_from(["LATITUDE", "LONGITUDE"]))
def test_any_text_as_dms_gives_a_value_or_an_error(text, name):
    value, problems = read(name, text)
    assert value or ERROR in severities(problems) or not text.replace("\x00", "").strip()


@given(st.decimals(min_value=-90, max_value=90, places=6, allow_nan=False))
def test_decimal_degrees_round_trip(value):
    text = canonical_decimal(value)
    assert read("DECLATITUDE", text) == (text, [])


def test_decimal_degrees_normalised_or_rejected():
    assert read("DECLATITUDE", "+032.500") == ("32.5", [])
    value, problems = read("DECLATITUDE", "32,5")
    assert value == "32.5" and severities(problems) == {WARNING}
    value, problems = read("DECLONGITUDE", "-0.6416667")
    assert value == "-0.641667" and severities(problems) == {WARNING}
    for text in ["91", "N32", "1e3", "--"]:
        value, problems = read("DECLATITUDE", text)
        assert value == "" and severities(problems) == {ERROR}


@given(st.text(max_size=15))
def test_any_text_as_a_decimal_or_integer_never_raises(text):
    value, problems = read("DECLATITUDE", text)
    assert value or ERROR in severities(problems) or not text.replace("\x00", "").strip()
    value, problems = parse_integer(text, "ELEVATION", -500, 9000)
    assert value or ERROR in severities(problems) or not text.replace("\x00", "").strip()


def test_decimal_elevation_is_rounded_with_a_warning():
    value, problems = parse_integer("37.9839249", "ELEVATION", -500, 9000)
    assert value == "38" and severities(problems) == {WARNING}
    assert parse_integer("-12", "ELEVATION", -500, 9000) == ("-12", [])
    assert severities(parse_integer("12000", "ELEVATION", -500, 9000)[1]) == {ERROR}


@given(st.sampled_from(["SAMPSTAT", "COLLSRC", "MLSSTAT", "STORAGE"]), st.data())
def test_codes_round_trip(name, data):
    from genebank.exchange.mcpd import CODE_LISTS

    code = str(data.draw(st.sampled_from(sorted(CODE_LISTS[name]))))
    assert parse_code(code, name) == (code, [])
    # A spreadsheet's 300.0 is the number 300, read without a warning as the form reads it (the
    # importer warned where the form did not).
    assert parse_code(code + ".0", name) == (code, [])


def test_codes_outside_the_lists_are_errors():
    for name, text in [
        ("SAMPSTAT", "301"),
        ("SAMPSTAT", "Landrace"),
        ("COLLSRC", "7"),
        ("MLSSTAT", "2"),
    ]:
        assert severities(parse_code(text, name)[1]) == {ERROR}


def test_wiews_codes():
    assert read("INSTCODE", "JOR015") == ("JOR015", [])
    value, problems = read("INSTCODE", "jor015")
    assert value == "JOR015" and severities(problems) == {WARNING}
    for text in ["JO015", "JOR15", "JORDAN", "123456"]:
        assert severities(read("INSTCODE", text)[1]) == {ERROR}


def test_othernumb_syntax():
    assert read("OTHERNUMB", "NLD037:CGN00254;:ABC123") == ("NLD037:CGN00254;:ABC123", [])
    value, problems = read("OTHERNUMB", "1000456")
    assert value == ":1000456" and severities(problems) == {WARNING}
    value, problems = read("OTHERNUMB", "NLD037:A;NLD037:A;")
    assert value == "NLD037:A" and severities(problems) == {WARNING}
    assert severities(read("OTHERNUMB", "NLD037:")[1]) == {ERROR}


@given(st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=20), max_size=41))
def test_any_row_reads_to_values_or_errors_never_an_exception(raw):
    row = RowReader(["JOR", "SYR", "IND"], today=TODAY).read(2, raw)
    assert set(row.values) == set(FIELDS)
    assert all(p.row == 2 for p in row.problems)
    for problem in row.problems:
        assert problem.severity in (ERROR, WARNING)


def test_required_fields_and_cross_field_rules():
    reader = RowReader(["JOR", "SYR"], today=TODAY)
    row = reader.read(7, {"ACCENUMB": "A1"})
    assert {(p.field, p.severity) for p in row.problems} >= {("INSTCODE", ERROR), ("GENUS", ERROR)}
    row = reader.read(
        3,
        {
            "INSTCODE": "JOR015",
            "ACCENUMB": "A1",
            "GENUS": "Triticum",
            "ACQDATE": "1990----",
            "COLLDATE": "19950512",
        },
    )
    assert [(p.field, p.severity) for p in row.problems] == [("COLLDATE", ERROR)]
    row = reader.read(
        3,
        {
            "INSTCODE": "JOR015",
            "ACCENUMB": "A1",
            "GENUS": "Triticum",
            "ORIGCTY": "JOR",
            "DECLATITUDE": "32.6",
            "LATITUDE": "103000S",
            "DECLONGITUDE": "35.85",
        },
    )
    assert ("DECLATITUDE", ERROR) in [(p.field, p.severity) for p in row.problems]


def test_stray_blanks_and_lists_are_normalised_with_warnings():
    reader = RowReader(["JOR"], today=TODAY)
    row = reader.read(
        2,
        {
            "INSTCODE": " JOR015",
            "ACCENUMB": "A1",
            "GENUS": "hordeum",
            "SUBTAXA": "subsp.  spontaneum",
            "ACCENAME": "Grif 101;E85-2;Grif 101;E85-2;",
            "ORIGCTY": "Jordan",
            "STORAGE": "13; 12",
        },
    )
    values = row.values
    assert values["INSTCODE"] == "JOR015"
    assert values["GENUS"] == "Hordeum"
    assert values["SUBTAXA"] == "subsp. spontaneum"
    assert values["ACCENAME"] == "Grif 101;E85-2"
    assert values["ORIGCTY"] == "JOR"
    assert values["STORAGE"] == "13;12"
    assert not row.has_error
    assert {p.field for p in row.problems} == {
        "INSTCODE",
        "GENUS",
        "SUBTAXA",
        "ACCENAME",
        "ORIGCTY",
        "STORAGE",
    }


def test_canonical_decimal():
    assert canonical_decimal(Decimal("10.000000")) == "10"
    assert canonical_decimal(Decimal("-0.000000")) == "0"
    assert canonical_decimal(Decimal("26.183333")) == "26.183333"


def test_nul_characters_are_removed_with_a_warning():
    row = RowReader(["JOR"], today=TODAY).read(
        9, {"INSTCODE": "JOR015", "ACCENUMB": "A\x001", "GENUS": "Lens", "REMARKS": "x\x00"}
    )
    assert row.values["ACCENUMB"] == "A1" and not row.has_error
    assert {(p.field, p.severity) for p in row.problems} >= {("ACCENUMB", WARNING)}


# Texts that stress the cleaning done before parsing: blanks of every kind, NULs, and lengths
# around the column limits (MAX_LENGTH).
_awkward_texts = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=" \t\u00a0\u2003\x00aZ9;:.-", max_size=8),
    st.builds(
        lambda head, length, tail: head + "x" * length + tail,
        st.sampled_from(["", " ", "  ", "\x00", "a  "]),
        st.sampled_from([29, 30, 49, 50, 59, 60, 99, 100, 119, 120, 199, 200, 399, 400, 401]),
        st.sampled_from(["", " ", "\t", "\x00", "  b"]),
    ),
)


@settings(max_examples=300)
@example({"PUID": "x" * 201, "ACCENUMB": "A 1", "COLLSITE": "y" * 400}, None)
@example({"ACCENUMB": "x" * 61, "GENUS": "Lens", "SPECIES": "a  b", "REMARKS": "\x00"}, "JOR015")
@given(
    st.dictionaries(st.sampled_from(FIELDS), _awkward_texts, max_size=41),
    st.sampled_from([None, "JOR015"]),
)
def test_fields_kept_as_given_read_the_same_without_the_shortcut(raw, institute):
    # RowReader.read keeps a text with nothing to clean in a field without a parser as it is,
    # without calling read_value; a reader without that shortcut must read every row the same.
    fast = RowReader(["JOR", "SYR"], institute=institute, today=TODAY)
    general = RowReader(["JOR", "SYR"], institute=institute, today=TODAY)
    general.plain = {}
    first, second = fast.read(3, raw), general.read(3, raw)
    assert (first.values, first.problems, first.given) == (
        second.values,
        second.problems,
        second.given,
    )
    # Read again: what the caches give is what was read the first time.
    assert fast.read(3, raw) == first


# The shortcut for decimal degrees already in canonical form (read_canonical_decimal) must give
# what the grammar gives (core.mcpd_values.parse_decimal_coordinate), and take every such value.

_RANGES = {"DECLATITUDE": (-90, 90, "lat"), "DECLONGITUDE": (-180, 180, "lon")}


@example("DECLATITUDE", "-0")
@example("DECLONGITUDE", "0")
@example("DECLATITUDE", "90.000001")
@example("DECLATITUDE", "1.1234567")
@settings(max_examples=500)
@given(
    st.sampled_from(sorted(_RANGES)),
    st.decimals(min_value=-200, max_value=200, allow_nan=False).map(str)
    | st.floats(min_value=-200, max_value=200).map(str)
    | st.text(alphabet="0123456789.,-+eE \n", max_size=12),
)
def test_canonical_decimal_shortcut_agrees_with_the_grammar(name, text):
    low, high, axis = _RANGES[name]
    if mcpd.read_canonical_decimal(text, low, high):
        value, problems = mcpd_values.parse_decimal_coordinate.__wrapped__(text, axis)
        assert (canonical_decimal(value), problems) == (text, [])
        assert read(name, text) == (text, [])


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(_RANGES)),
    st.decimals(min_value=-180, max_value=180, allow_nan=False, places=6),
)
def test_canonical_decimal_shortcut_takes_every_canonical_value(name, value):
    low, high, _axis = _RANGES[name]
    text = canonical_decimal(value)
    assert mcpd.read_canonical_decimal(text, low, high) == (low <= value <= high)


def test_names_per_accession_are_capped_as_the_form_caps_them():
    """2,000 names in one row held a server thread for 94 s in the near-duplicate check: the
    importer refuses what the registration form refuses (accessions.checks.check_names)."""
    from genebank.accessions.checks import MAX_NAMES

    reader = RowReader(["JOR"], today=TODAY)
    names = ";".join(f"Name {i}" for i in range(MAX_NAMES + 1))
    row = reader.read(
        2, {"INSTCODE": "JOR015", "ACCENUMB": "A1", "GENUS": "Hordeum", "ACCENAME": names}
    )
    assert row.has_error
    assert [p.field for p in row.problems if p.severity == ERROR] == ["ACCENAME"]
    fitting = ";".join(f"Name {i}" for i in range(MAX_NAMES))
    row = reader.read(
        2, {"INSTCODE": "JOR015", "ACCENUMB": "A1", "GENUS": "Hordeum", "ACCENAME": fitting}
    )
    assert not row.has_error and row.values["ACCENAME"] == fitting
    long_name = "x" * 201
    row = reader.read(
        2, {"INSTCODE": "JOR015", "ACCENUMB": "A1", "GENUS": "Hordeum", "ACCENAME": long_name}
    )
    assert row.has_error
