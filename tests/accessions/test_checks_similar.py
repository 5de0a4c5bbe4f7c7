"""Probable duplicates: accessions a new one looks like, found before it is registered."""

import pytest

from genebank.accessions.checks import find_similar_accessions, normalise_name
from genebank.accessions.models import AccessionName, Acquisition
from tests.factories import (
    AccessionFactory,
    AccessionNameFactory,
    CollectingEventFactory,
    InstituteFactory,
)


@pytest.fixture
def collected(genebank):
    accession = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=accession, collector_number="AB-0012", date="19950512")
    return accession


def test_normalise_name():
    assert normalise_name("ICG-4709") == normalise_name("icg 4709") == normalise_name("ICG4709")
    assert normalise_name(" ICG_4709. ") == "icg4709"
    assert normalise_name(None) == ""


def test_same_collector_number_and_date(genebank, collected):
    found = find_similar_accessions(
        genebank, collector_number="ab-0012", collecting_date="19950512"
    )
    assert [a for a, _reason in found] == [collected]
    assert "AB-0012" in found[0][1]  # as the existing accession has it
    assert "1995" in found[0][1]


def test_same_collector_number_on_another_date_is_not_similar(genebank, collected):
    assert (
        find_similar_accessions(genebank, collector_number="AB-0012", collecting_date="19960512")
        == []
    )


def test_partial_collecting_dates_match_in_either_spelling(genebank):
    accession = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=accession, collector_number="7", date="19950500")
    found = find_similar_accessions(genebank, collector_number="7", collecting_date="199505--")
    assert [a for a, _ in found] == [accession]


def test_collector_number_alone(genebank, collected):
    found = find_similar_accessions(genebank, collector_number="AB-0012")
    assert [a for a, _ in found] == [collected]


def test_same_donor_number(genebank, other_genebank):
    accession = AccessionFactory(institute=genebank)
    Acquisition.objects.create(
        accession=accession, donor_number="IG 12345", donor_institute=other_genebank
    )
    found = find_similar_accessions(genebank, donor_number="ig 12345")
    assert [a for a, _ in found] == [accession]
    assert "IG 12345" in found[0][1]
    assert (
        find_similar_accessions(genebank, donor_number="IG 12345", donor_institute=other_genebank)
        == found
    )
    elsewhere = InstituteFactory(code="LBN001", name="Elsewhere")
    assert (
        find_similar_accessions(genebank, donor_number="IG 12345", donor_institute=elsewhere) == []
    )
    assert find_similar_accessions(genebank, donor_number="IG 12346") == []


@pytest.mark.parametrize("given", ["ICG-4709", "icg 4709", "ICG4709", "ICG 04709"])
def test_near_identical_names(genebank, given):
    accession = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=accession, name="ICG 4709")
    found = find_similar_accessions(genebank, names=[given])
    assert [a for a, _ in found] == [accession]
    assert "ICG 4709" in found[0][1]


def test_separator_inside_the_first_characters(genebank):
    accession = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=accession, name="A-1234 Hourani")
    found = find_similar_accessions(genebank, names=["A1234 HOURANI"])
    assert [a for a, _ in found] == [accession]


@pytest.mark.parametrize("given", ["ICG 4708", "ICG 47090", "Hourani"])
def test_different_names_are_not_similar(genebank, given):
    accession = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=accession, name="ICG 4709")
    assert find_similar_accessions(genebank, names=[given]) == []


def test_only_the_same_institute(genebank, other_genebank):
    accession = AccessionFactory(institute=other_genebank)
    AccessionNameFactory(accession=accession, name="ICG 4709")
    CollectingEventFactory(accession=accession, collector_number="AB-0012", date="19950512")
    assert (
        find_similar_accessions(
            genebank, names=["ICG 4709"], collector_number="AB-0012", collecting_date="19950512"
        )
        == []
    )


def test_exclude_the_accession_being_edited(genebank, collected):
    AccessionNameFactory(accession=collected, name="ICG 4709")
    assert (
        find_similar_accessions(
            genebank,
            collector_number="AB-0012",
            collecting_date="19950512",
            names=["ICG 4709"],
            exclude_pk=collected.pk,
        )
        == []
    )


def test_reasons_are_combined_strongest_first(genebank, collected):
    AccessionNameFactory(accession=collected, name="ICG 4709")
    by_name = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=by_name, name="ICG-4709")
    found = find_similar_accessions(
        genebank, collector_number="AB-0012", collecting_date="19950512", names=["ICG4709"]
    )
    assert [a for a, _ in found] == [collected, by_name]
    assert "collecting number" in found[0][1] and "ICG 4709" in found[0][1]


def test_at_most_ten(genebank, django_assert_max_num_queries):
    for _ in range(12):
        AccessionNameFactory(accession=AccessionFactory(institute=genebank), name="Hourani")
    # Collecting number, donor number, one per distinct name, the institute, the accessions.
    with django_assert_max_num_queries(5):
        found = find_similar_accessions(
            genebank, names=["HOURANI", "hourani "], collector_number="X", donor_number="Y"
        )
        # The accessions come with what a warning shows, without further queries.
        labels = [f"{a.institute.code} {a.number} {a.taxon}" for a, _ in found]
    assert len(found) == 10
    assert len(labels) == 10


def test_nothing_asked_nothing_found(genebank, collected):
    assert find_similar_accessions(genebank) == []
    assert find_similar_accessions(genebank, names=["", "  ", "-"]) == []


def test_names_prefiltered_in_sql(genebank):
    # Names that cannot share the first characters are not fetched for fuzzy scoring at all.
    for i in range(30):
        AccessionNameFactory(accession=AccessionFactory(institute=genebank), name=f"Zebra {i}")
    AccessionNameFactory(accession=AccessionFactory(institute=genebank), name="ICG 4709")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        find_similar_accessions(genebank, names=["ICG-4709"])
    name_query = next(q["sql"] for q in queries.captured_queries if "accessionname" in q["sql"])
    # Range lookups on the indexed column, not a LIKE or UPPER() scan of every name.
    assert ">=" in name_query and "LIKE" not in name_query.upper()
    assert AccessionName.objects.count() == 31


def test_names_with_other_numbers_or_no_number_are_not_similar(genebank):
    for i in range(1, 6):
        AccessionNameFactory(accession=AccessionFactory(institute=genebank), name=f"Hourani {i}")
    plain = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=plain, name="HOURANI")
    assert [a for a, _ in find_similar_accessions(genebank, names=["Hourani"])] == [plain]
    assert len(find_similar_accessions(genebank, names=["hourani-3"])) == 1


def test_name_lookup_seeks_the_index_on_sqlite(genebank):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the query plan checked here is SQLite's")
    AccessionNameFactory(accession=AccessionFactory(institute=genebank), name="ICG 4709")
    with CaptureQueriesContext(connection) as queries:
        find_similar_accessions(genebank, names=["ICG-4709"])
    sql = next(q["sql"] for q in queries.captured_queries if "accessionname" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    # A plain SCAN of the names would read all 200,000 of a large collection for every check.
    assert "SCAN accessions_accessionname" not in plan, plan
    assert "USING INDEX" in plan, plan
