"""Entry checks for passport data: dates, coordinates, names, codes."""

import calendar
import datetime
import re
import types
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.accessions.checks import (
    check_code,
    check_coordinates,
    check_taxon,
    partial_date_display,
    partial_date_sort_key,
)
from genebank.core import mcpd_values
from genebank.core.mcpd_values import (
    Problem,
    check_country_code,
    check_wiews_code,
    clean_country_code,
    clean_wiews_code,
    decimal_to_dms,
    parse_decimal_coordinate,
    parse_dms,
    parse_partial_date,
)
from tests.strategies import dms_texts


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def warnings(problems):
    return [p for p in problems if p.severity == "warning"]


# --- partial dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("1984----", "1984----"),
        ("19840000", "1984----"),
        ("198406--", "198406--"),
        ("19840600", "198406--"),
        ("19840615", "19840615"),
        ("1984--00", "1984----"),
        ("19851002.0", "19851002"),
        ("1.9851002E7", "19851002"),
        ("  19840615\t", "19840615"),
        ("20000229", "20000229"),
    ],
)
def test_valid_dates_are_made_canonical_silently(text, canonical):
    assert parse_partial_date(text) == (canonical, [])


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("1984", "1984----"),
        ("1984-06", "198406--"),
        ("1984-06-15", "19840615"),
        ("1984-6-5", "19840605"),
        ("1984/06/15", "19840615"),
        ("1984-06-15 00:00:00", "19840615"),
        ("1984 06 15", "19840615"),
        ("198406 --", "198406--"),
    ],
)
def test_other_date_forms_are_normalised_with_a_warning(text, canonical):
    value, problems = parse_partial_date(text, "COLLDATE")
    assert value == canonical
    assert len(problems) == 1
    assert problems[0].severity == "warning"
    assert problems[0].field == "COLLDATE"
    assert problems[0].value == text
    assert canonical in problems[0].message


@pytest.mark.parametrize(
    "text, says",
    [
        ("19841315", "month 13"),
        ("19840230", "day 30"),
        ("19830229", "day 29"),
        ("19840015", "month is unknown"),
        ("1984--15", "month is unknown"),
        ("16990101", "1699"),
        ("20991231", "future"),
        ("2099----", "future"),
        ("abc", "Expected YYYYMMDD"),
        ("1984061", "Expected YYYYMMDD"),
        ("198406151", "Expected YYYYMMDD"),
        ("15/06/1984", "Expected YYYYMMDD"),
        ("1984-13", "month 13"),
    ],
)
def test_impossible_dates_are_errors(text, says):
    value, problems = parse_partial_date(text, "ACQDATE")
    assert value is None
    assert len(errors(problems)) == 1
    problem = errors(problems)[0]
    assert problem == Problem("ACQDATE", text, problem.message, "error")
    assert says in problem.message


def test_empty_date_is_none_without_problems():
    assert parse_partial_date("") == (None, [])
    assert parse_partial_date("   ") == (None, [])
    assert parse_partial_date(None) == (None, [])


def test_date_objects_from_spreadsheets():
    assert parse_partial_date(datetime.date(1984, 6, 15)) == ("19840615", [])
    assert parse_partial_date(datetime.datetime(1984, 6, 15, 0, 0)) == ("19840615", [])


def test_today_is_taken_at_call_time(monkeypatch):
    today = datetime.date.today()
    assert parse_partial_date(today.strftime("%Y%m%d"))[0] == today.strftime("%Y%m%d")
    tomorrow = today + datetime.timedelta(days=1)
    assert parse_partial_date(tomorrow.strftime("%Y%m%d"))[0] is None

    class InTheYear2000(datetime.date):
        @classmethod
        def today(cls):
            return cls(2000, 1, 1)

    monkeypatch.setattr(
        mcpd_values,
        "datetime",
        types.SimpleNamespace(date=InTheYear2000, datetime=datetime.datetime),
    )
    assert parse_partial_date("2000----")[0] == "2000----"
    assert parse_partial_date("200002--")[0] is None
    assert parse_partial_date("19991231")[0] == "19991231"


def test_message_is_translated():
    with translation.override("fr"):
        _value, problems = parse_partial_date("19841315")
    assert problems[0].severity == "error"
    assert problems[0].message  # a French catalogue may not exist yet; the call must not fail


@st.composite
def canonical_dates(draw):
    year = draw(
        st.integers(min_value=mcpd_values.EARLIEST_YEAR, max_value=datetime.date.today().year - 1)
    )
    month = draw(st.none() | st.integers(min_value=1, max_value=12))
    day = None
    if month is not None:
        day = draw(
            st.none() | st.integers(min_value=1, max_value=calendar.monthrange(year, month)[1])
        )
    return f"{year}" + (f"{month:02d}" if month else "--") + (f"{day:02d}" if day else "--")


@given(canonical_dates())
def test_canonical_dates_parse_to_themselves(canonical):
    assert parse_partial_date(canonical) == (canonical, [])
    assert parse_partial_date(canonical.replace("--", "00")) == (canonical, [])


@settings(max_examples=500)
@given(st.text() | st.text(alphabet="0123456789-. /:T0eE\t٣"))
def test_any_text_gives_a_date_or_problems_never_an_exception(text):
    value, problems = parse_partial_date(text)
    assert all(isinstance(p, Problem) for p in problems)
    assert value is None or (len(value) == 8 and value.isascii())
    if value is None and text.strip():
        assert errors(problems)
    if value is not None:
        assert not errors(problems)
        assert parse_partial_date(value) == (value, [])


def test_partial_date_display_in_english_and_french():
    with translation.override("en"):
        assert partial_date_display("1984----") == "1984"
        assert partial_date_display("198406--") == "June 1984"
        assert partial_date_display("19840600") == "June 1984"
        assert partial_date_display("19840615") == "June 15, 1984"
    with translation.override("fr"):
        assert partial_date_display("198406--") == "juin 1984"
        assert partial_date_display("19840615") == "15 juin 1984"
    assert partial_date_display("") == ""
    assert partial_date_display(None) == ""
    assert partial_date_display("19841315") == "19841315"


def test_partial_date_sort_key():
    dates = ["19840615", "", "1984----", "198406--", "19831231", "198401--", None]
    assert sorted(dates, key=partial_date_sort_key) == [
        "19831231",
        "1984----",
        "198401--",
        "198406--",
        "19840615",
        "",
        None,
    ]


# --- degrees, minutes, seconds ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, axis, degrees",
    [
        ("10----S", "lat", "-10.000000"),
        ("4531--S", "lat", "-45.516667"),
        ("103020S", "lat", "-10.505556"),
        ("011530N", "lat", "1.258333"),
        ("0762510W", "lon", "-76.419444"),
        ("076----W", "lon", "-76.000000"),
        ("1800000E", "lon", "180.000000"),
        ("900000N", "lat", "90.000000"),
        ("00----N", "lat", "0.000000"),
        ("00----S", "lat", "0.000000"),
    ],
)
def test_dms_to_decimal(text, axis, degrees):
    assert parse_dms(text, axis) == (Decimal(degrees), [])


@pytest.mark.parametrize(
    "text, axis, degrees, normalised",
    [
        ("261060N", "lat", "26.183333", "261100N"),
        ("266000N", "lat", "27.000000", "270000N"),
        ("2660--N", "lat", "27.000000", "2700--N"),
        ("455960N", "lat", "46.000000", "460000N"),
        ("4531--s", "lat", "-45.516667", "4531--S"),
        ("0762510w", "lon", "-76.419444", "0762510W"),
        ("762510W", "lon", "-76.419444", "0762510W"),
        ("53030N", "lat", "5.508333", "053030N"),
        ("76----W", "lon", "-76.000000", "076----W"),
        ("45 31 -- S", "lat", "-45.516667", "4531--S"),
    ],
)
def test_dms_normalised_with_a_warning(text, axis, degrees, normalised):
    value, problems = parse_dms(text, axis)
    assert value == Decimal(degrees)
    assert problems and not errors(problems)
    assert problems[-1].field == ("LATITUDE" if axis == "lat" else "LONGITUDE")
    assert normalised in problems[-1].message


@pytest.mark.parametrize(
    "text, axis, says",
    [
        ("910000N", "lat", "beyond 90"),
        ("1810000E", "lon", "beyond 180"),
        ("1800001W", "lon", "beyond 180"),
        ("456100N", "lat", "00 to 59"),
        ("453061N", "lat", "00 to 59"),
        ("453000E", "lat", "N or S, not E"),
        ("0453000N", "lon", "E or W, not N"),
        ("453000X", "lat", "end with the hemisphere letter"),
        ("453000", "lat", "end with the hemisphere letter"),
        ("45--30N", "lat", "minutes are unknown"),
        # Two digits short: 30°30' with the seconds left out, or 0°30'30"? Not ours to guess.
        ("3030N", "lat", "DDMMSSH"),
        ("76251W", "lon", "DDDMMSSH"),
        ("45.5N", "lat", "DDMMSSH"),
        ("N", "lat", "DDMMSSH"),
        ("4531-S", "lat", "DDMMSSH"),
    ],
)
def test_dms_errors(text, axis, says):
    value, problems = parse_dms(text, axis)
    assert value is None
    assert errors(problems)
    assert says in errors(problems)[0].message


def test_dms_empty():
    assert parse_dms("", "lat") == (None, [])
    assert parse_dms(None, "lon") == (None, [])


def test_decimal_to_dms():
    assert decimal_to_dms(Decimal("-45.5"), "lat") == "453000S"
    assert decimal_to_dms(Decimal("120.9123"), "lon") == "1205444E"
    assert decimal_to_dms(Decimal("-76.419444"), "lon") == "0762510W"
    assert decimal_to_dms(Decimal("0"), "lat") == "000000N"
    assert decimal_to_dms(Decimal("-0.0000001"), "lon") == "0000000E"
    assert decimal_to_dms(Decimal("26.999999"), "lat") == "270000N"
    with pytest.raises(ValueError):
        decimal_to_dms(Decimal("91"), "lat")


@given(st.sampled_from(["lat", "lon"]), st.data())
def test_decimal_to_dms_round_trips_within_one_second(axis, data):
    limit = 90 if axis == "lat" else 180
    value = data.draw(st.decimals(min_value=-limit, max_value=limit, places=6))
    text = decimal_to_dms(value, axis)
    parsed, problems = parse_dms(text, axis)
    assert problems == []
    assert abs(parsed - value) <= Decimal(1) / 3600


@given(st.sampled_from(["lat", "lon"]), st.text() | st.text(alphabet="0123456789-NSEWnsew ٣"))
def test_any_text_gives_a_coordinate_or_problems(axis, text):
    value, problems = parse_dms(text, axis)
    assert all(isinstance(p, Problem) for p in problems)
    if value is not None:
        assert abs(value) <= (90 if axis == "lat" else 180)
        assert not errors(problems)
    elif text.strip():
        assert errors(problems)


# --- decimal degrees -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, axis, degrees",
    [
        ("-44.6975", "lat", "-44.697500"),
        ("+120.9123", "lon", "120.912300"),
        ("90", "lat", "90.000000"),
        ("-180", "lon", "-180.000000"),
        (" 31.95 ", "lat", "31.950000"),
        ("-0.0", "lat", "0.000000"),
    ],
)
def test_decimal_coordinates(text, axis, degrees):
    assert parse_decimal_coordinate(text, axis) == (Decimal(degrees), [])


def test_decimal_coordinates_rounded_to_six_places_with_a_warning():
    # The importer warned and the form did not: one grammar now warns for both, since the value
    # stored is not the text given.
    value, problems = parse_decimal_coordinate("31.1234567", "lat")
    assert value == Decimal("31.123457")
    assert [p.severity for p in problems] == ["warning"]


@pytest.mark.parametrize(
    "text, axis, degrees",
    [
        ("31,95", "lat", "31.950000"),
        ("-35,93", "lon", "-35.930000"),
        ("31.95N", "lat", "31.950000"),
        ("35.93 W", "lon", "-35.930000"),
        ("31.95°", "lat", "31.950000"),
    ],
)
def test_decimal_coordinates_normalised_with_a_warning(text, axis, degrees):
    value, problems = parse_decimal_coordinate(text, axis)
    assert value == Decimal(degrees)
    assert problems and not errors(problems)
    assert problems[0].field == ("DECLATITUDE" if axis == "lat" else "DECLONGITUDE")


@pytest.mark.parametrize(
    "text, axis",
    [
        ("91", "lat"),
        ("-90.000001", "lat"),
        ("180.5", "lon"),
        ("abc", "lat"),
        ("NaN", "lon"),
        ("Infinity", "lat"),
        ("1,234,5", "lat"),
        ("315700N", "lat"),
        ("31.95E", "lat"),
        ("", "x"),
    ],
)
def test_decimal_coordinate_errors(text, axis):
    if axis == "x":
        with pytest.raises(ValueError):
            parse_decimal_coordinate(text, axis)
        return
    value, problems = parse_decimal_coordinate(text, axis)
    assert value is None
    assert errors(problems)


@given(st.decimals(min_value=-90, max_value=90, places=6))
def test_decimal_coordinate_round_trip(value):
    assert parse_decimal_coordinate(str(value), "lat") == (value.quantize(Decimal("0.000001")), [])


@given(st.text())
def test_any_text_gives_a_decimal_or_problems(text):
    for axis in ("lat", "lon"):
        value, problems = parse_decimal_coordinate(text, axis)
        assert value is None or value.is_finite()
        assert all(isinstance(p, Problem) for p in problems)


# --- coordinates together --------------------------------------------------------------------

AMMAN = (Decimal("31.950000"), Decimal("35.930000"))


def test_matching_coordinates_give_no_problem():
    assert check_coordinates(*AMMAN, "315700N", "0355548E", "JOR") == []
    assert check_coordinates(*AMMAN, None, None, "JOR") == []
    assert check_coordinates(None, None, "315700N", "0355548E", "JOR") == []
    assert check_coordinates(None, None, None, None, "JOR") == []


def test_decimal_and_dms_must_agree_to_their_precision():
    lat, lon = AMMAN
    # 31°57'00" is 31.95 exactly; one second off is still fine, two are not.
    assert check_coordinates(lat + Decimal(1) / 3600, lon, "315700N", "0355548E", "JOR") == []
    problems = check_coordinates(lat + Decimal(2) / 3600, lon, "315700N", "0355548E", "JOR")
    assert [(p.field, p.severity) for p in problems] == [("DECLATITUDE", "error")]
    assert "315700N" in problems[0].message
    # Only degrees and minutes known: anything within the minute agrees.
    assert check_coordinates(lat + Decimal("0.016"), lon, "3157--N", "03555--E", "JOR") == []
    assert errors(check_coordinates(lat + Decimal("0.02"), lon, "3157--N", "03555--E", "JOR"))
    # Only degrees known.
    assert check_coordinates(Decimal("31.99"), Decimal("35.5"), "31----N", "035----E", "JOR") == []
    assert errors(check_coordinates(Decimal("33.1"), lon, "31----N", "035----E", "JOR"))


def test_opposite_hemisphere_is_named():
    problems = check_coordinates(-AMMAN[0], AMMAN[1], "315700N", "0355548E", "JOR")
    error = errors(problems)[0]
    assert error.field == "DECLATITUDE"
    assert "opposite" in error.message


def test_one_half_of_a_point_is_an_error():
    problems = check_coordinates(AMMAN[0], None, None, None, None)
    assert [(p.field, p.severity) for p in problems] == [("DECLONGITUDE", "error")]
    problems = check_coordinates(None, None, None, "0355548E", None)
    assert [(p.field, p.severity) for p in problems] == [("LATITUDE", "error")]


def test_zero_zero_is_probably_missing():
    problems = check_coordinates(Decimal(0), Decimal(0), None, None, "JOR")
    assert [(p.field, p.severity) for p in problems] == [("DECLATITUDE", "warning")]
    assert "missing" in problems[0].message


def test_point_in_another_country_is_a_warning_naming_it():
    problems = check_coordinates(*AMMAN, None, None, "SYR")
    assert len(problems) == 1
    assert problems[0].severity == "warning"
    assert "Jordan" in problems[0].message


def test_point_at_sea_is_a_warning():
    problems = check_coordinates(Decimal("33.0"), Decimal("34.0"), None, None, "LBN")
    assert [p.severity for p in problems] == ["warning"]
    assert "outside" in problems[0].message


def test_lost_sign_is_suggested():
    problems = check_coordinates(AMMAN[0], -AMMAN[1], None, None, "JOR")
    assert [p.severity for p in problems] == ["warning"]
    assert "longitude were 35.93" in problems[0].message
    swapped = check_coordinates(AMMAN[1], AMMAN[0], None, None, "JOR")
    assert "swapped" in swapped[0].message


def test_country_without_outline_or_code_is_not_checked():
    assert check_coordinates(*AMMAN, None, None, "MCO") == []
    assert check_coordinates(*AMMAN, None, None, "") == []
    assert check_coordinates(*AMMAN, None, None, None) == []


def test_coordinates_near_the_border_are_accepted():
    # Daraa (Syria), a few km from Jordan.
    assert check_coordinates(Decimal("32.62"), Decimal("36.10"), None, None, "JOR") == []


def test_check_coordinates_accepts_text_and_floats():
    assert check_coordinates("31.95", "35.93", "", "", "JOR") == []
    assert check_coordinates(31.95, 35.93, None, None, "jor") == []


@given(
    st.one_of(st.none(), st.decimals(allow_nan=True), st.floats(), st.text()),
    st.one_of(st.none(), st.decimals(allow_nan=True), st.floats(), st.text()),
    st.one_of(st.none(), st.text(alphabet="0123456789-NSEW")),
    st.one_of(st.none(), st.text(alphabet="0123456789-NSEW")),
    st.sampled_from([None, "", "JOR", "SYR", "XXX", "MCO"]),
)
@settings(max_examples=300, deadline=None)
def test_check_coordinates_never_raises(lat, lon, lat_dms, lon_dms, iso3):
    problems = check_coordinates(lat, lon, lat_dms, lon_dms, iso3)
    assert all(isinstance(p, Problem) for p in problems)


# --- scientific names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "genus, species, subtaxa",
    [
        ("Triticum", "durum", ""),
        ("Triticum", "sp.", ""),
        ("Triticum", "", ""),
        ("×Triticosecale", "", ""),
        ("x Triticosecale", "", ""),
        ("× Triticosecale", "sp.", ""),
        ("Fragaria", "×ananassa", ""),
        ("Ribes", "uva-crispa", ""),
        ("Arachis", "hypogaea", "subsp. fastigiata var. vulgaris"),
        ("Brassica", "oleracea", "Capitata Group"),
        ("Beta", "vulgaris", "convar. crassa"),
        ("Sorghum", "bicolor", "f. drummondii"),
        ("Triticum", "turgidum", "subsp. durum (Desf.) Husn."),
    ],
)
def test_good_names(genus, species, subtaxa):
    assert check_taxon(genus, species, subtaxa) == []


@pytest.mark.parametrize(
    "genus, field, says",
    [
        ("triticum", "GENUS", "Triticum"),
        ("TRITICUM", "GENUS", "Triticum"),
        ("TritiCum", "GENUS", "Triticum"),
        ("x triticosecale", "GENUS", "×Triticosecale"),
        ("Triticum durum", "GENUS", "one Latin word"),
        ("Tr1ticum", "GENUS", "one Latin word"),
        ("", "GENUS", "required"),
    ],
)
def test_bad_genus(genus, field, says):
    problems = check_taxon(genus, "", "")
    assert [(p.field, p.severity) for p in problems] == [(field, "error")]
    assert says in problems[0].message


@pytest.mark.parametrize(
    "species, says",
    [
        ("Durum", "durum"),
        ("DURUM", "durum"),
        ("durum Desf.", "SPAUTHOR"),
        ("dur2m", "lower case"),
    ],
)
def test_bad_species(species, says):
    problems = check_taxon("Triticum", species, "")
    assert [(p.field, p.severity) for p in problems] == [("SPECIES", "error")]
    assert says in problems[0].message


@pytest.mark.parametrize("species", ["spp.", "hybr.", "sp"])
def test_other_species_abbreviations_are_warnings(species):
    problems = check_taxon("Arachis", species, "")
    assert [(p.field, p.severity) for p in problems] == [("SPECIES", "warning")]
    assert "sp." in problems[0].message


@pytest.mark.parametrize(
    "subtaxa, says",
    [
        ("ssp. fastigiata", "subsp."),
        ("subsp fastigiata", "subsp."),
        ("Var. alba", "var."),
        ("forma alba", "f."),
        ("cv. Hourani", "allowed"),
        ("subvar. alba", "allowed"),
        ("var.", "not followed by a name"),
    ],
)
def test_other_subtaxa_ranks_are_warnings(subtaxa, says):
    problems = check_taxon("Arachis", "hypogaea", subtaxa)
    assert [(p.field, p.severity) for p in problems] == [("SUBTAXA", "warning")]
    assert says in problems[0].message


def test_double_spaces_are_warnings():
    problems = check_taxon("Arachis", "hypogaea", "subsp.  fastigiata")
    assert [(p.field, p.severity) for p in problems] == [("SUBTAXA", "warning")]
    assert "subsp. fastigiata" in problems[0].message
    problems = check_taxon("x  Triticosecale", "", "")
    assert [(p.field, p.severity) for p in problems] == [("GENUS", "warning")]


@given(st.text(), st.text(), st.text())
def test_check_taxon_never_raises(genus, species, subtaxa):
    assert all(isinstance(p, Problem) for p in check_taxon(genus, species, subtaxa))


# --- codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("SAMPSTAT", "300", 300),
        ("SAMPSTAT", "300.0", 300),
        ("SAMPSTAT", " 300 ", 300),
        ("SAMPSTAT", 300, 300),
        ("SAMPSTAT", 300.0, 300),
        ("SAMPSTAT", "999", 999),
        ("COLLSRC", "26", 26),
        ("COLLSRC", "62.00", 62),
        ("MLSSTAT", "0", 0),
        ("MLSSTAT", 0, 0),
        ("MLSSTAT", "99", 99),
        ("STORAGE", "13", 13),
    ],
)
def test_valid_codes(field, value, code):
    assert check_code(field, value) == (code, [])


@pytest.mark.parametrize(
    "field, value",
    [
        ("SAMPSTAT", "301"),
        ("SAMPSTAT", "300.5"),
        ("SAMPSTAT", "Landrace"),
        ("SAMPSTAT", "-300"),
        ("COLLSRC", "16"),
        ("MLSSTAT", "2"),
        ("STORAGE", "13;20"),
    ],
)
def test_invalid_codes(field, value):
    code, problems = check_code(field, value)
    assert code is None
    assert [(p.field, p.value, p.severity) for p in problems] == [(field, value, "error")]
    assert "expected one of" in problems[0].message


def test_empty_code():
    assert check_code("SAMPSTAT", "") == (None, [])
    assert check_code("SAMPSTAT", None) == (None, [])


def test_unknown_code_list_is_a_programming_error():
    with pytest.raises(ValueError):
        check_code("COLOUR", "1")


@given(st.sampled_from(["SAMPSTAT", "COLLSRC", "MLSSTAT", "STORAGE"]), st.text())
def test_check_code_never_raises(field, text):
    code, problems = check_code(field, text)
    assert (code is None) or not problems


@pytest.mark.parametrize(
    "value, code, severities",
    [
        ("JOR015", "JOR015", []),
        ("NLD0037", "NLD0037", []),
        ("jor015", "JOR015", ["warning"]),
        (" JOR 015 ", "JOR015", ["warning"]),
        ("JOR-015", "JOR015", ["warning"]),
        ("XYZ001", "XYZ001", ["warning"]),
        ("SUN001", "SUN001", []),
        ("JO015", None, ["error"]),
        ("JOR15", None, ["error"]),
        ("JOR00015", None, ["error"]),
        ("", None, []),
    ],
)
def test_wiews_codes(value, code, severities):
    cleaned, problems = clean_wiews_code(value, "DONORCODE")
    assert cleaned == code
    assert [p.severity for p in problems] == severities
    assert all(p.field == "DONORCODE" for p in problems)
    assert check_wiews_code(value, "DONORCODE") == problems


@pytest.mark.parametrize(
    "value, code, severities",
    [
        ("JOR", "JOR", []),
        ("jor", "JOR", ["warning"]),
        ("JO", "JOR", ["warning"]),
        ("Jordan", "JOR", ["warning"]),
        ("YUG", "YUG", ["warning"]),
        ("SUN", "SUN", ["warning"]),
        ("XXX", None, ["error"]),
        ("Unknown", None, ["error"]),
        ("", None, []),
    ],
)
def test_country_codes(value, code, severities):
    cleaned, problems = clean_country_code(value)
    assert cleaned == code
    assert [p.severity for p in problems] == severities
    assert all(p.field == "ORIGCTY" for p in problems)
    assert check_country_code(value) == problems


def test_former_country_is_named():
    problems = check_country_code("CSK", "ORIGCTY")
    assert "Czechoslovakia" in problems[0].message
    assert "ISO 3166-3" in problems[0].message


@given(st.text())
def test_code_checks_never_raise(text):
    assert all(isinstance(p, Problem) for p in check_wiews_code(text, "INSTCODE"))
    assert all(isinstance(p, Problem) for p in check_country_code(text, "ORIGCTY"))


@pytest.mark.parametrize(
    "text, axis, canonical",
    [
        ("4531--s", "lat", "4531--S"),
        ("762510W", "lon", "0762510W"),
        ("261060N", "lat", "261100N"),
        ("10----S", "lat", "10----S"),
        (" 45 31 -- S ", "lat", "4531--S"),
        ("", "lat", None),
        ("3030N", "lat", None),
    ],
)
def test_clean_dms_gives_the_form_to_store(text, axis, canonical):
    assert mcpd_values.clean_dms(text, axis)[0] == canonical


@given(st.sampled_from(["lat", "lon"]), st.text(alphabet="0123456789-NSEWnsew "))
def test_clean_dms_is_stable(axis, text):
    canonical, _problems = mcpd_values.clean_dms(text, axis)
    if canonical is not None:
        assert mcpd_values.clean_dms(canonical, axis) == (canonical, [])
        assert parse_dms(canonical, axis)[0] == parse_dms(text, axis)[0]


def test_remembered_coordinates_keep_each_language_s_messages():
    # Results are remembered; a result with problems must still be given in the active language.
    text = "4531 --s"
    with translation.override("fr"):
        expected_fr = [p.message for p in mcpd_values.parse_dms(text, "lat")[1]]
        assert expected_fr == [
            translation.gettext("Blanks removed: %(value)s.") % {"value": "4531--s"},
            translation.gettext("Hemisphere letter written in capitals: %(value)s.")
            % {"value": "4531--S"},
        ]
    with translation.override("en"):
        assert [p.message for p in mcpd_values.parse_dms(text, "lat")[1]] == [
            "Blanks removed: 4531--s.",
            "Hemisphere letter written in capitals: 4531--S.",
        ]
    with translation.override("fr"):
        assert [p.message for p in mcpd_values.parse_dms(text, "lat")[1]] == expected_fr
    # A result without problems is the same in every language, and callers get their own list.
    with translation.override("ar"):
        value, problems = mcpd_values.parse_dms("453100S", "lat")
        problems.append("changed by the caller")
    with translation.override("en"):
        assert mcpd_values.parse_dms("453100S", "lat") == (Decimal("-45.516667"), [])
        assert mcpd_values.parse_decimal_coordinate("-45.5", "lat") == (Decimal("-45.500000"), [])


@settings(max_examples=500)
@given(st.sampled_from(["lat", "lon"]), st.data())
def test_plain_dms_shortcut_agrees_with_the_parser(axis, data):
    text = data.draw(dms_texts(axis))
    quick = mcpd_values._read_plain_dms(text, axis)
    if quick is not None:
        assert mcpd_values._read_dms.__wrapped__(text, axis) == (*quick, [])


@settings(max_examples=300)
@given(
    st.sampled_from(["lat", "lon"]),
    st.decimals(min_value=-180, max_value=180, allow_nan=False, places=6),
)
def test_plain_dms_shortcut_takes_every_canonical_value(axis, value):
    limit = 90 if axis == "lat" else 180
    if abs(value) > limit:
        value = value / 2
    text = mcpd_values.decimal_to_dms(value, axis)
    quick = mcpd_values._read_plain_dms(text, axis)
    assert quick is not None
    assert mcpd_values._read_dms.__wrapped__(text, axis) == (*quick, [])
    # Unknown seconds, and unknown minutes and seconds.
    for shorter in (text[:-3] + "--" + text[-1], text[:-5] + "----" + text[-1]):
        quick = mcpd_values._read_plain_dms(shorter, axis)
        assert quick is not None
        assert mcpd_values._read_dms.__wrapped__(shorter, axis) == (*quick, [])


@settings(max_examples=500)
@given(
    st.sampled_from(["lat", "lon"]),
    st.decimals(min_value=-200, max_value=200, allow_nan=False).map(str)
    | st.floats(min_value=-200, max_value=200).map(str)
    | st.text(alphabet="0123456789.,-+eENSW° ", max_size=12),
)
def test_plain_decimal_shortcut_agrees_with_the_parser(axis, text):
    quick = mcpd_values._read_plain_decimal(text, axis)
    if quick is not None:
        assert mcpd_values.parse_decimal_coordinate.__wrapped__(text, axis) == (*quick, [])
    else:
        # What the shortcut leaves to the parser: not plain, or out of range.
        assert not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,6})?", text) or abs(Decimal(text)) > (
            90 if axis == "lat" else 180
        )
