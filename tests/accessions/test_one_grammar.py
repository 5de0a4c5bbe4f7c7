"""One verdict per MCPD value: the registration form and the importer read every text alike."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from genebank.accessions import services
from genebank.accessions.forms import VALUE_TEXT_LENGTH, AccessionForm
from genebank.core.mcpd_values import canonical_decimal
from genebank.core.models import Institute
from genebank.exchange.mcpd import ERROR, RowReader
from tests.strategies import dms_texts

pytestmark = pytest.mark.django_db

# MCPD field -> (form field, the other half of the point as (MCPD field, form field, text)): a
# DMS latitude alone is an error at both doors (a point needs both), so each comes with a fixed
# other half and is judged on its own.
FIELDS = {
    "ACQDATE": ("acquisition_date", None),
    "COLLDATE": ("collecting_date", None),
    "LATITUDE": ("latitude_dms", ("LONGITUDE", "longitude_dms", "0762510W")),
    "LONGITUDE": ("longitude_dms", ("LATITUDE", "latitude_dms", "103020S")),
    "OTHERNUMB": ("other_numbers", None),
    "DECLATITUDE": ("latitude", ("DECLONGITUDE", "longitude", "36")),
    "DECLONGITUDE": ("longitude", ("DECLATITUDE", "latitude", "31")),
    "ELEVATION": ("elevation", None),
    "COORDUNCERT": ("coordinate_uncertainty", None),
    "GENUS": ("genus", None),
}

HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def form_verdict(institute, field, text):
    """ERROR, or (stored value, whether warned) for a text typed into the registration form."""
    name, other = FIELDS[field]
    data = {
        "institute": institute.pk,
        "number": "GRAMMAR-1",
        "genus": "Lens",
        "acquisition_kind": "donation",
        "quarantine_status": "not_required",
        name: text,
    }
    if other:
        data[other[1]] = other[2]
    form = AccessionForm(data, institutes=Institute.objects.all())
    valid = form.is_valid()
    if name in form.errors or (field == "GENUS" and not text):
        return ERROR
    assert valid, form.errors
    passport = services._normalise(form.passport_data())
    value = getattr(passport, name)
    if field == "OTHERNUMB":
        value = services.format_other_numbers(value)
    elif isinstance(value, Decimal):
        value = canonical_decimal(value)
    elif isinstance(value, int):
        value = str(value)
    return value or "", any(p.field == field for p in form.warnings)


def import_verdict(institute, field, text):
    """ERROR, or (stored value, whether warned) for the same text in an MCPD file."""
    raw = {"INSTCODE": institute.code, "ACCENUMB": "GRAMMAR-1", "GENUS": "Lens", field: text}
    other = FIELDS[field][1]
    if other:
        raw[other[0]] = other[2]
    row = RowReader(["JOR", "SYR"]).read(2, raw)
    problems = [p for p in row.problems if p.field == field]
    if any(p.severity == ERROR for p in problems) or (field == "GENUS" and not text):
        return ERROR
    return row.values[field], bool(problems)


def assert_one_verdict(institute, field, text):
    # A web form's text comes trimmed (Django strips it, as browsers users expect), Django
    # refuses NUL characters in any text field, and a form field takes VALUE_TEXT_LENGTH
    # characters (a file's, 10,000): those are the doors' rules, not the value's.
    text = text.replace("\x00", "").strip()
    assume(len(text) <= VALUE_TEXT_LENGTH)
    assert form_verdict(institute, field, text) == import_verdict(institute, field, text), text


_DIGITS = st.integers(0, 99).map("{:02d}".format)
dates = st.builds(
    lambda year, month, day, separator, tail: (
        f"{year}{separator}{month}" + (f"{separator}{day}" if tail else "")
    ),
    st.integers(1690, 2100),
    _DIGITS | st.sampled_from(["--", "00", "6"]),
    _DIGITS | st.sampled_from(["--", "00", "5"]),
    st.sampled_from(["", "-", "/", ".", " ", "  ", " / "]),
    st.booleans(),
) | st.text(alphabet="0123456789-/. :T", max_size=14)


@example("ACQDATE", "198406")
@example("ACQDATE", "1984/06/15")
@example("COLLDATE", "1984 06 15")
@example("COLLDATE", "1984")
@example("ACQDATE", "19840600")
@example("ACQDATE", "1984-06-15 00:00")
@HYPOTHESIS
@given(st.sampled_from(["ACQDATE", "COLLDATE"]), dates)
def test_dates_have_one_verdict(genebank, field, text):
    assert_one_verdict(genebank, field, text)


@example("LATITUDE", "4531--s")
@example("LATITUDE", "453160S")
@example("LONGITUDE", "762510W")
@example("LONGITUDE", "076 25 10 W")
@HYPOTHESIS
@given(st.sampled_from(["LATITUDE", "LONGITUDE"]), dms_texts("lat") | dms_texts("lon"))
def test_dms_coordinates_have_one_verdict(genebank, field, text):
    assert_one_verdict(genebank, field, text)


_CODES = st.sampled_from(["NLD037", "nld037", "NLD 037", "SYR002", "ICARDA", "XYZ001", "JOR15", ""])
_IDENTIFIERS = st.text(alphabet="AB12 :-", max_size=8)
_ITEMS = st.builds(
    lambda code, colon, identifier: code + (":" if colon else "") + identifier,
    _CODES,
    st.booleans(),
    _IDENTIFIERS,
)
other_numbers = st.lists(_ITEMS, max_size=4).flatmap(
    lambda items: st.sampled_from([";", "; ", ";;"]).map(lambda sep: sep.join(items))
)


@example("OTHERNUMB", "ICARDA:IG 1")
@example("OTHERNUMB", "NLD037:CGN00254;:ABC123")
@example("OTHERNUMB", "IG 1")
@example("OTHERNUMB", "NLD037:A;NLD037:A")
@example("OTHERNUMB", "NLD037:A  B")
@example("OTHERNUMB", "NLD037:")
@HYPOTHESIS
@given(st.just("OTHERNUMB"), other_numbers)
def test_other_numbers_have_one_verdict(genebank, field, text):
    assert_one_verdict(genebank, field, text)


numbers = (
    st.decimals(min_value=-200, max_value=200, allow_nan=False).map(str)
    | st.floats(min_value=-10_000, max_value=10_000).map(str)
    | st.text(alphabet="0123456789.,-+eE NSEW°", max_size=12)
)


@example("DECLATITUDE", "31,95")
@example("DECLATITUDE", "31.1234567")
@example("DECLONGITUDE", "12.5W")
@example("ELEVATION", "37.98")
@example("ELEVATION", "9000.4")
@example("COORDUNCERT", "-1")
@HYPOTHESIS
@given(st.sampled_from(["DECLATITUDE", "DECLONGITUDE", "ELEVATION", "COORDUNCERT"]), numbers)
def test_numbers_have_one_verdict(genebank, field, text):
    assert_one_verdict(genebank, field, text)


genera = st.text(alphabet="HhORordeumL× x-.", max_size=14)


@example("GENUS", "hordeum")
@example("GENUS", "HORDEUM")
@example("GENUS", "×triticosecale")
@example("GENUS", "hordeum vulgare")
@HYPOTHESIS
@given(st.just("GENUS"), genera)
def test_genera_have_one_verdict(genebank, field, text):
    assert_one_verdict(genebank, field, text)


@pytest.mark.parametrize(
    "field, text, verdict",
    [
        # The disagreements the two grammars had, as they are now decided at every door.
        ("ACQDATE", "198406", ("198406--", True)),
        ("ACQDATE", "1984/06/15", ("19840615", True)),
        ("COLLDATE", "1984 06 15", ("19840615", True)),
        ("OTHERNUMB", "ICARDA:IG 1", (":ICARDA:IG 1", True)),
        ("OTHERNUMB", "SYR002:IG 1", ("SYR002:IG 1", False)),
        ("GENUS", "hordeum", ("Hordeum", True)),
    ],
)
def test_the_old_disagreements(genebank, field, text, verdict):
    assert form_verdict(genebank, field, text) == verdict
    assert import_verdict(genebank, field, text) == verdict
