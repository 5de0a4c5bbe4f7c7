"""The Passport Data Completeness Index: worked examples by hand, and its rules as properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genebank.exchange.mcpd import FIELDS
from genebank.exchange.pdci import (
    BREEDING,
    CULTIVAR,
    LANDRACE,
    MCPD_MAXIMUM,
    OTHER,
    WILD,
    accession_kind,
    pdci,
    pdci_breakdown,
    pdci_many,
    pdci_points,
)
from tests.exchange.conftest import BASE_ROW


def values(row: dict[str, str]) -> list[str]:
    return [row.get(name, "") for name in FIELDS]


def full_row(sampstat: str) -> dict[str, str]:
    row = {name: "x" for name in FIELDS}
    row["SAMPSTAT"] = sampstat
    return row


def test_landrace_worked_example():
    # Any status: GENUS 120 + SPECIES 80 + SPAUTHOR 5 + CROPNAME 45 + ACQDATE 10 + SAMPSTAT 80
    # + DONORCODE 40 + DONORNUMB 40 + OTHERNUMB 35 + STORAGE 15 + MLSSTAT 15 = 485.
    # Landrace: ORIGCTY 80 + COLLSITE 15 (there are coordinates) + coordinates 80 + COLLDATE 30
    # + COLLSRC 50 + ACCENAME 50 + COLLNUMB 40 + COLLCODE 30 = 375.
    result = pdci_breakdown(BASE_ROW)
    assert result.kind == LANDRACE
    assert result.points == 860
    assert pdci(BASE_ROW) == Decimal("8.60")
    missing = [c.field for c in result.missing]
    assert missing == ["SUBTAXA", "DUPLSITE", "ELEVATION", "ANCEST", "SUBTAUTHOR"]


def test_only_the_required_fields():
    assert pdci({"INSTCODE": "JOR015", "ACCENUMB": "1", "GENUS": "Vicia"}) == Decimal("1.20")
    assert pdci({}) == Decimal("0.00")


@pytest.mark.parametrize(
    ("sampstat", "kind", "points"),
    [
        ("100", WILD, 960),
        ("120", WILD, 960),
        ("200", WILD, 960),
        ("300", LANDRACE, 960),
        ("410", BREEDING, 960),
        ("500", CULTIVAR, 960),
        # "Other" cannot reach the maximum in the paper's table: 560 + 250.
        ("999", OTHER, 810),
        ("600", OTHER, 810),
    ],
)
def test_a_complete_row_reaches_the_mcpd_maximum(sampstat, kind, points):
    row = full_row(sampstat)
    assert accession_kind(sampstat) == kind
    assert pdci_breakdown(row).points == points
    assert pdci_points(values(row)) == points


def test_status_unknown_is_other_and_loses_the_sampstat_points():
    row = full_row("")
    assert pdci_breakdown(row).kind == OTHER
    assert pdci_breakdown(row).points == 810 - 80


def test_wild_site_counts_more_without_coordinates():
    row = {"GENUS": "Aegilops", "SAMPSTAT": "100", "COLLSITE": "Wadi Rum"}
    assert pdci_breakdown(row).points == 120 + 80 + 70
    row.update(DECLATITUDE="29.5", DECLONGITUDE="35.4")
    assert pdci_breakdown(row).points == 120 + 80 + 20 + 120
    # Degrees, minutes and seconds count as coordinates as well.
    del row["DECLATITUDE"], row["DECLONGITUDE"]
    row.update(LATITUDE="293000N", LONGITUDE="0352400E")
    assert pdci_breakdown(row).points == 120 + 80 + 20 + 120
    # One of the two is not a position.
    row["LONGITUDE"] = ""
    assert pdci_breakdown(row).points == 120 + 80 + 70


def test_donor_number_counts_half_without_a_donor():
    assert pdci_breakdown({"DONORNUMB": "IG 1"}).points == 20
    assert pdci_breakdown({"DONORNUMB": "IG 1", "DONORNAME": "ICARDA"}).points == 20 + 40
    assert pdci_breakdown({"DONORNUMB": "IG 1", "DONORCODE": "SYR002"}).points == 40 + 40


def test_taxon_details_count_only_with_a_species():
    row = {"GENUS": "Lens", "SPAUTHOR": "Medik.", "CROPNAME": "lentil", "SUBTAXA": "x"}
    assert pdci_breakdown(row).points == 120
    row["SPECIES"] = "culinaris"
    assert pdci_breakdown(row).points == 120 + 80 + 5 + 45 + 40


def test_cultivar_wants_a_name_a_breeder_and_a_pedigree():
    base = {"GENUS": "Triticum", "SAMPSTAT": "500"}
    assert pdci_breakdown(base).points == 200
    assert pdci_breakdown({**base, "ACCENAME": "Cham 1"}).points == 200 + 160
    assert pdci_breakdown({**base, "BREDNAME": "ICARDA"}).points == 200 + 40
    assert pdci_breakdown({**base, "BREDCODE": "SYR002", "BREDNAME": "ICARDA"}).points == 280
    assert pdci_breakdown({**base, "ANCEST": "A/B"}).points == 300
    # The same fields are worth nothing for a wild accession.
    wild = {"GENUS": "Triticum", "SAMPSTAT": "100", "ACCENAME": "Cham 1", "ANCEST": "A/B"}
    assert pdci_breakdown(wild).points == 200


def test_blank_values_are_empty():
    assert pdci({"GENUS": "   ", "SPECIES": "durum"}) == Decimal("0.00")


field_text = st.one_of(st.just(""), st.just(" "), st.text(max_size=6))
sampstat = st.one_of(
    st.sampled_from(["", "100", "110", "200", "300", "400", "414", "500", "600", "999", "abc"]),
    st.text(max_size=4),
)


@st.composite
def mcpd_rows(draw):
    row = {name: draw(field_text) for name in FIELDS}
    row["SAMPSTAT"] = draw(sampstat)
    return row


@given(mcpd_rows())
def test_fast_path_agrees_with_the_breakdown(row):
    result = pdci_breakdown(row)
    assert pdci_points(values(row)) == result.points
    assert pdci_many([values(row)]) == [result.score]
    assert result.points == sum(c.earned for c in result.criteria)


@given(mcpd_rows())
def test_score_is_between_zero_and_the_mcpd_maximum(row):
    result = pdci_breakdown(row)
    assert 0 <= result.points <= MCPD_MAXIMUM
    assert Decimal("0") <= result.score <= Decimal("9.60")
    for criterion in result.criteria:
        assert 0 <= criterion.earned <= criterion.possible


@given(mcpd_rows(), st.sampled_from([f for f in FIELDS if f != "SAMPSTAT"]))
def test_filling_a_field_never_lowers_the_score(row, name):
    emptied = {**row, name: ""}
    filled = {**row, name: "value"}
    assert pdci_points(values(filled)) >= pdci_points(values(emptied))


@given(mcpd_rows())
def test_filling_every_field_reaches_the_maximum_of_the_kind(row):
    completed = {name: (value if value.strip() else "x") for name, value in row.items()}
    completed["SAMPSTAT"] = row["SAMPSTAT"]
    result = pdci_breakdown(completed)
    if result.kind != OTHER:
        assert result.points == MCPD_MAXIMUM
    else:
        assert result.points == (810 if row["SAMPSTAT"].strip() else 730)
    expected_missing = [] if row["SAMPSTAT"].strip() else ["SAMPSTAT"]
    assert [c.field for c in result.missing] == expected_missing
