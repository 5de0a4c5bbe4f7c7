"""Names of one accession are bounded, and so is the near-duplicate check that reads them.

2,000 names in one accession held a server thread for 94 s: each name was looked up and scored
against every stored name sharing its first characters. Now an accession has at most MAX_NAMES
names, each fitting the name column, whichever door they come through, and the check scores each
name against at most MAX_CANDIDATES stored names.
"""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genebank.accessions import checks, services
from genebank.accessions.forms import AccessionForm
from genebank.accessions.models import Accession, AccessionName
from genebank.core.models import Taxon

TOO_MANY = [f"Local name {i}" for i in range(2_000)]


def passport(genebank, names):
    return services.PassportData(institute=genebank, number="JO-000001", genus="Cicer", names=names)


def test_check_names_counts_the_names():
    assert checks.check_names([f"n{i}" for i in range(checks.MAX_NAMES)]) == []
    problems = checks.check_names(TOO_MANY)
    assert [p.field for p in problems] == ["ACCENAME"]
    assert problems[0].is_error and "2000" in problems[0].message


def test_blank_names_are_not_counted():
    assert checks.check_names(["", "  "] * 100 + ["Baladi"]) == []


def test_a_name_longer_than_the_column_is_refused():
    longest = AccessionName._meta.get_field("name").max_length
    assert checks.check_names(["x" * longest]) == []
    problems = checks.check_names(["x" * (longest + 1)])
    assert len(problems) == 1 and problems[0].is_error


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=2 * checks.MAX_NAMES))
def test_the_cap_holds_for_any_names(names):
    kept = [n for n in names if n.strip()]
    refused = any("names" in p.message for p in checks.check_names(names))
    assert refused == (len(kept) > checks.MAX_NAMES)


def test_the_service_refuses_too_many_names_quickly(genebank, curator):
    started = time.monotonic()
    with pytest.raises(services.PassportInvalid) as refused:
        services.register_accession(passport(genebank, TOO_MANY), user=curator)
    # A sanity bound, not a benchmark: the refusal used to take a minute and a half.
    assert time.monotonic() - started < 10
    assert "names" in refused.value.message_dict
    assert not Accession.objects.exists()


def test_editing_cannot_add_too_many_names_either(genebank, curator):
    accession = services.register_accession(passport(genebank, ["Baladi"]), user=curator).accession
    data = services.PassportData.from_accession(accession)
    data.names = TOO_MANY
    with pytest.raises(services.PassportInvalid):
        services.update_accession(accession, data, user=curator, reason="more names")
    assert list(accession.accession_names.values_list("name", flat=True)) == ["Baladi"]


def test_the_form_shows_the_error_on_the_names(genebank, curator):
    form = AccessionForm(
        {
            "institute": genebank.pk,
            "number": "JO-000001",
            "genus": "Cicer",
            "names": ";".join(TOO_MANY),
            "acquisition_kind": "collected",
            "quarantine_status": "not_required",
        }
    )
    assert not form.is_valid()
    assert "names" in form.errors


@pytest.fixture
def crowded(genebank):
    """20,000 accessions named 'Hourani 1' ... 'Hourani 20000': 'Hourani 1' starts 11,111 of them."""
    taxon = Taxon.objects.create(genus="Triticum", species="durum")
    accessions = Accession.objects.bulk_create(
        Accession(
            institute=genebank, number=f"JO-{i:06d}", sequence=i, taxon=taxon, acquisition_date=""
        )
        for i in range(1, 20_001)
    )
    AccessionName.objects.bulk_create(
        AccessionName(accession=a, name=f"Hourani {i}", position=0)
        for i, a in enumerate(accessions, start=1)
    )
    return accessions


def test_the_near_duplicate_check_is_bounded(genebank, crowded, monkeypatch):
    compared = []
    closest = checks._closest_names

    def counting(normalised, names):
        compared.append(len(names))
        return closest(normalised, names)

    monkeypatch.setattr(checks, "_closest_names", counting)
    names = [f"Hourani {i}" for i in range(1, 2 * checks.MAX_NAMES + 1)]
    started = time.monotonic()
    found = checks.find_similar_accessions(genebank, names=names)
    elapsed = time.monotonic() - started

    assert len(compared) == checks.MAX_NAMES  # the names past the cap are not looked up
    assert max(compared) <= checks.MAX_CANDIDATES
    assert len(found) == checks.SIMILAR_LIMIT
    assert "Hourani 1" in found[0][1]  # the same name is still found
    assert elapsed < 60, f"{elapsed:.1f} s"  # a sanity bound only; the counts above are the test
