"""The accession page and the API build an accession's MCPD row from its objects; exports build
rows in bulk from SQL. Both must give the same 41 texts for the same records."""

from decimal import Decimal

import pytest

from genebank.accessions.models import Accession, AccessionIdentifier, Acquisition
from genebank.accessions.passport import mcpd_row
from genebank.accessions.queries import detail_queryset
from genebank.exchange.mcpd import FIELDS
from genebank.exchange.mcpd_export import iter_mcpd_rows
from genebank.inventory import services as inventory
from genebank.inventory.models import CollectionKind
from tests.factories import (
    AccessionFactory,
    AccessionNameFactory,
    CollectingEventFactory,
    CollectingMissionFactory,
    CooperatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(genebank, other_genebank, curator):
    plain = AccessionFactory(institute=genebank, sample_status=None, origin_country=None)
    full = AccessionFactory(
        institute=genebank,
        puid="10.18730/ABC",
        crop_name="durum wheat",
        ancestry="A/B",
        breeder_name="ICARDA breeders",
        mls_status=1,
        storage_codes="12;13",
        duplicate_site_codes="NOR051",
        duplicate_site_names="Svalbard Global Seed Vault",
        remarks="COLLSRC:roadside",
    )
    full.breeding_institutes.set([other_genebank, genebank])
    AccessionNameFactory(accession=full, name="Hourani", position=0)
    AccessionNameFactory(accession=full, name="Haurani", position=1)
    AccessionIdentifier.objects.create(
        accession=full, institute_code="SYR002", identifier="IG 1", position=0
    )
    event = CollectingEventFactory(
        accession=full,
        latitude=Decimal("-32.100000"),
        longitude=Decimal("35.000500"),
        latitude_dms="320600S",
        longitude_dms="0350002E",
        coordinate_uncertainty=100,
        datum="WGS84",
        elevation=-120,
        source=26,
        mission=CollectingMissionFactory(institute=genebank),
    )
    event.collecting_institutes.set([genebank])
    Acquisition.objects.create(
        accession=full,
        kind=Acquisition.Kind.DONATION,
        donor_institute=other_genebank,
        donor_number="IG 1",
    )
    by_person = AccessionFactory(institute=other_genebank)
    Acquisition.objects.create(
        accession=by_person, kind=Acquisition.Kind.DONATION, donor_person=CooperatorFactory()
    )
    with_lots = AccessionFactory(institute=genebank, storage_codes="")
    inventory.receive(with_lots, 100, "seeds", CollectionKind.ACTIVE, curator)
    return [plain, full, by_person, with_lots]


def test_page_and_export_give_the_same_row(records):
    exported = {
        values[FIELDS.index("ACCENUMB")]: values
        for values in iter_mcpd_rows(Accession.objects.all())
    }
    assert len(exported) == len(records)
    for accession in Accession.objects.filter(pk__in=[a.pk for a in records]):
        row = mcpd_row(accession)
        assert [row[name] for name in FIELDS] == exported[accession.number], accession.number


def test_public_rows_withhold_the_same_fields(records):
    full = records[1]
    Accession.objects.filter(pk=full.pk).update(sensitive_location=True)
    (exported,) = [
        values for values in iter_mcpd_rows(Accession.objects.filter(pk=full.pk), public_only=True)
    ]
    row = mcpd_row(Accession.objects.get(pk=full.pk), public=True)
    assert [row[name] for name in FIELDS] == exported
    assert (
        exported[FIELDS.index("DECLATITUDE")] == "" and exported[FIELDS.index("COORDDATUM")] == ""
    )
    assert exported[FIELDS.index("ELEVATION")] == ""
    assert exported[FIELDS.index("COLLSITE")] == "withheld: sensitive location"


def test_institute_codes_keep_the_order_they_were_added(genebank, other_genebank, curator):
    """BREDCODE and COLLCODE come out in the file's order on the page and in the export alike,
    whether or not the page prefetched them (the institutes' own ordering is by code)."""
    first, second = sorted([genebank, other_genebank], key=lambda i: i.code, reverse=True)
    accession = AccessionFactory(institute=genebank)
    accession.breeding_institutes.add(first)
    accession.breeding_institutes.add(second)
    event = CollectingEventFactory(accession=accession)
    event.collecting_institutes.add(first)
    event.collecting_institutes.add(second)
    expected = f"{first.code};{second.code}"
    (exported,) = iter_mcpd_rows(Accession.objects.filter(pk=accession.pk))
    plain = mcpd_row(Accession.objects.get(pk=accession.pk))
    prefetched = mcpd_row(detail_queryset(curator).get(pk=accession.pk))
    for row in (plain, prefetched):
        assert row["BREDCODE"] == exported[FIELDS.index("BREDCODE")] == expected
        assert row["COLLCODE"] == exported[FIELDS.index("COLLCODE")] == expected
