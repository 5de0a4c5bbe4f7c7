"""register_accessions, the bulk path of register_accession: the same checks, nothing written on
a refusal, one history row per record with the caller's user and reason."""

import pytest

from genebank.accessions.models import Accession, AccessionName, CollectingEvent
from genebank.accessions.services import (
    KeptPassport,
    PassportData,
    PassportInvalid,
    register_accessions,
)
from tests.factories import CooperatorFactory, country


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def passport(genebank, number: str, **extra) -> PassportData:
    fields = {
        "institute": genebank,
        "number": number,
        "genus": "Hordeum",
        "species": "vulgare",
        "acquisition_date": "20010615",
        "origin_country": country("JOR"),
        "names": ["Arabi Aswad"],
    }
    return PassportData(**(fields | extra))


def test_accessions_go_in_with_their_records_and_history(genebank, curator):
    collector = CooperatorFactory(name="Rania")
    kept = KeptPassport(
        institute=genebank, number="ACC-2", genus="Lens", species="culinaris",
        origin_country=country("JOR"), collector_number="RS-0001", collecting_date="20000501",
        collectors=[collector], duplicate_site_codes="NOR051",
    )  # fmt: skip
    accessions = register_accessions(
        [passport(genebank, "ACC-1"), kept], user=curator, reason="Card index"
    )
    assert [a.number for a in accessions] == ["ACC-1", "ACC-2"]
    assert Accession.objects.get(number="ACC-2").duplicate_site_codes == "NOR051"
    for model in (Accession, AccessionName, CollectingEvent):
        rows = model.history.all()
        assert rows.exists()
        assert {(r.history_user, r.history_change_reason) for r in rows} == {
            (curator, "Card index")
        }
    event = CollectingEvent.objects.get()
    assert list(event.history.get().collectors.values_list("cooperator_id", flat=True)) == [
        collector.pk
    ]


def test_one_bad_passport_writes_nothing(genebank, curator):
    bad = passport(genebank, "ACC-2", acquisition_date="20011345")
    twice = passport(genebank, "ACC-1")
    with pytest.raises(PassportInvalid) as error:
        register_accessions(
            [passport(genebank, "ACC-1"), bad, twice], user=curator, reason="Card index"
        )
    assert {p.field for p in error.value.problems} == {"ACQDATE", "ACCENUMB"}
    assert not Accession.objects.exists()


def test_a_viewer_registers_nothing(genebank, viewer):
    with pytest.raises(Exception):  # noqa: B017
        register_accessions([passport(genebank, "ACC-1")], user=viewer, reason="x")
    assert not Accession.objects.exists()
