"""`genebank demo`: the generated demo collection, its users, its audit trail and its guards."""

import calendar
import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from genebank.accessions.demo import DEMO_PASSWORD, DEMO_REASON, HOLDING_CODE, database_digest
from genebank.accessions.demo_plan import _dms, dms_to_decimal, plan_demo_collection, plan_digest
from genebank.accessions.models import (
    Accession,
    AccessionIdentifier,
    AccessionName,
    Acquisition,
    CollectingEvent,
    CollectingMission,
    SampleStatus,
)
from genebank.core.geo import point_in_country
from genebank.core.models import Cooperator, Crop, Institute, Membership, Role, Taxon
from tests.factories import AccessionFactory, UserFactory

PARTIAL_DATE = re.compile(r"^\d{4}(\d{2}|--)(\d{2}|--)$")
LATITUDE_DMS = re.compile(r"^[0-9]{2}([0-5][0-9]|--)([0-5][0-9]|--)[NS]$")
LONGITUDE_DMS = re.compile(r"^[0-9]{3}([0-5][0-9]|--)([0-5][0-9]|--)[EW]$")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, verbosity=1, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def as_date(mcpd: str) -> datetime.date:
    """The earliest day a partial MCPD date can mean."""
    return datetime.date(
        int(mcpd[:4]), int(mcpd[4:6].replace("--", "1")), int(mcpd[6:].replace("--", "1"))
    )


def latest_day(mcpd: str) -> datetime.date:
    """The last day a partial MCPD date can mean."""
    year = int(mcpd[:4])
    month = 12 if mcpd[4:6] == "--" else int(mcpd[4:6])
    day = calendar.monthrange(year, month)[1] if mcpd[6:] == "--" else int(mcpd[6:])
    return datetime.date(year, month, day)


@pytest.mark.django_db
def test_demo_loads_the_full_collection_with_one_user_per_role():
    output = demo()

    holding = Institute.objects.get(code=HOLDING_CODE)
    assert holding.is_holding and holding.country_id == "JOR"
    accessions = Accession.objects.filter(institute=holding)
    assert accessions.count() == 2000 == Accession.objects.count()
    numbers = list(accessions.values_list("number", "sequence"))
    assert len({n for n, _s in numbers}) == 2000
    assert sorted(s for _n, s in numbers) == list(range(1, 2001))
    for number, sequence in numbers:
        assert re.fullmatch(r"JO-\d{6}", number)
        assert number == holding.format_accession_number(sequence)

    # Partners are there, and hold nothing here.
    partners = Institute.objects.exclude(code=HOLDING_CODE)
    assert {"LBN002", "SYR002", "DEU146", "IND001", "MEX002", "SWE054", "NOR051"} <= set(
        partners.values_list("code", flat=True)
    )
    assert not partners.filter(is_holding=True).exists()

    # One user per role, all with the printed password; admin is also a superuser.
    expected = {
        "admin": Role.ADMINISTRATOR,
        "curator": Role.CURATOR,
        "technician": Role.TECHNICIAN,
        "distribution": Role.DISTRIBUTION_OFFICER,
        "viewer": Role.VIEWER,
    }
    roles = dict(Membership.objects.filter(institute=holding).values_list("user__username", "role"))
    assert roles == expected
    for username in expected:
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.is_superuser == (username == "admin")
        assert username in output
    assert DEMO_PASSWORD in output

    # Crops carry French and Arabic names.
    wheat = Crop.objects.get(name="Wheat")
    assert (wheat.name_fr, wheat.name_ar) == ("blé", "قمح")
    assert Crop.objects.get(name="Date palm").name_ar == "نخيل التمر"
    assert Taxon.objects.filter(genus="Hordeum", subtaxa="subsp. spontaneum").exists()

    # A realistic mix of biological status: landraces are the majority.
    statuses = list(accessions.values_list("sample_status", flat=True))
    landraces = statuses.count(SampleStatus.LANDRACE)
    assert landraces > len(statuses) / 2
    for status in (SampleStatus.WILD, SampleStatus.BREEDERS_LINE, SampleStatus.IMPROVED_CULTIVAR):
        assert statuses.count(status) >= 50
    origins = set(accessions.values_list("origin_country_id", flat=True))
    assert {"JOR", "SYR", "LBN", "IRQ", "EGY", "MAR", "TUN", "ETH", "YEM", "IND"} <= origins

    # Partial acquisition dates keep their precision and never lie in the future.
    dates = list(accessions.values_list("acquisition_date", flat=True))
    assert all(PARTIAL_DATE.match(d) for d in dates)
    assert any(d.endswith("----") for d in dates)
    assert any(d.endswith("--") and not d.endswith("----") for d in dates)
    assert sum(not d.endswith("-") for d in dates) > len(dates) / 2
    assert max(as_date(d) for d in dates) <= datetime.date.today()

    # Flags: about 2 % deaccessioned with date and reason, some sensitive, hidden, in quarantine.
    gone = accessions.filter(status=Accession.Status.DEACCESSIONED)
    assert 20 <= gone.count() <= 60
    assert not gone.filter(deaccession_date=None).exists()
    assert not gone.filter(deaccession_reason="").exists()
    assert accessions.filter(sensitive_location=True).count() >= 20
    assert accessions.filter(is_public=False).exists()
    pending = Acquisition.objects.filter(quarantine_status=Acquisition.Quarantine.PENDING)
    assert pending.exists()
    assert not pending.filter(accession__is_public=True).exists()

    # Donations and transfers name their donor, number and agreement.
    transfers = Acquisition.objects.filter(kind=Acquisition.Kind.TRANSFER)
    assert transfers.count() > 100
    assert not transfers.filter(donor_institute=None).exists()
    assert transfers.filter(agreement_reference__startswith="SMTA ").exists()
    donations = Acquisition.objects.filter(kind=Acquisition.Kind.DONATION)
    assert donations.exclude(donor_person=None).exists()
    assert AccessionIdentifier.objects.filter(institute_code="LBN002").exists()
    assert AccessionName.objects.filter(name="Hourani").exists()
    assert accessions.filter(accession_names=None).count() > 300


@pytest.mark.django_db
def test_missions_and_collecting_sites_are_consistent():
    demo("--count", "400")

    missions = CollectingMission.objects.all()
    assert missions.count() == 25
    for mission in missions.prefetch_related("team", "target_crops"):
        assert re.fullmatch(r"[A-Z]{3}-\d{4}-\d{2}", mission.code)
        assert mission.code.startswith(mission.country_id)
        assert 2 <= mission.team.count() <= 4
        assert mission.target_crops.exists()
        assert mission.collecting_permit
        assert mission.start_date <= mission.end_date

    events = CollectingEvent.objects.select_related(
        "accession", "mission", "accession__acquisition"
    )
    assert events.count() > 100
    for event in events:
        accession = event.accession
        assert accession.acquisition.kind == Acquisition.Kind.COLLECTED
        assert event.mission.country_id == accession.origin_country_id
        assert event.mission_code == event.mission.code
        collected = as_date(event.date)
        assert event.mission.start_date <= collected <= event.mission.end_date
        assert re.fullmatch(r"[A-Z]{2}-\d{4}", event.collector_number)
        assert re.fullmatch(r"\d+ km (N|NE|E|SE|S|SW|W|NW) of .+", event.site)
        assert LATITUDE_DMS.match(event.latitude_dms), event.latitude_dms
        assert LONGITUDE_DMS.match(event.longitude_dms), event.longitude_dms
        # The decimal and the DMS text say the same thing.
        assert abs(dms_to_decimal(event.latitude_dms) - float(event.latitude)) < 1e-5
        assert abs(dms_to_decimal(event.longitude_dms) - float(event.longitude)) < 1e-5
        assert -90 <= event.latitude <= 90 and -180 <= event.longitude <= 180
        # ... and the site lies inside the country of origin, with no tolerance at the border.
        assert point_in_country(event.latitude, event.longitude, accession.origin_country_id, 0), (
            event.site,
            accession.origin_country_id,
        )
        assert event.elevation is not None and event.elevation > -100
        assert event.collectors.count() >= 2
        assert as_date(event.date) <= latest_day(accession.acquisition_date)


@pytest.mark.django_db
def test_every_record_has_a_creation_history_row_by_the_demo_administrator():
    demo("--count", "200")
    admin = get_user_model().objects.get(username="admin")
    models = (
        Institute, Crop, Taxon, Cooperator, Membership, CollectingMission,
        Accession, AccessionName, AccessionIdentifier, CollectingEvent, Acquisition,
    )  # fmt: skip
    for model in models:
        total = model.objects.count()
        assert total > 0, model
        history = model.history.filter(history_type="+")
        assert (
            history.filter(history_user=admin, history_change_reason=DEMO_REASON).count() == total
        )
        others = model.history.exclude(history_change_reason=DEMO_REASON)
        if model is Accession:
            # The deaccessions, made afterwards through the service, with its reason.
            gone = Accession.objects.filter(status=Accession.Status.DEACCESSIONED)
            assert others.count() == gone.count() > 0
            assert not others.exclude(history_change_reason__startswith="Deaccessioned: ").exists()
            assert not others.exclude(history_user=admin).exists()
        else:
            assert not others.exists(), model

    # The history records the many-to-many links (mission team, collectors).
    for mission in CollectingMission.objects.prefetch_related("team"):
        recorded = mission.history.latest().team.values_list("cooperator_id", flat=True)
        assert sorted(recorded) == sorted(c.pk for c in mission.team.all())
    event = CollectingEvent.objects.first()
    recorded = event.history.get().collectors.values_list("cooperator_id", flat=True)
    assert sorted(recorded) == sorted(event.collectors.values_list("pk", flat=True))


@pytest.mark.django_db
def test_if_empty_does_nothing_when_accessions_exist():
    demo("--count", "200")
    before = (Accession.objects.count(), Cooperator.objects.count(), Membership.objects.count())
    history = Accession.history.count()

    output = demo("--if-empty", "--count", "200")

    assert "already present" in output
    after = (Accession.objects.count(), Cooperator.objects.count(), Membership.objects.count())
    assert after == before
    assert Accession.history.count() == history


@pytest.mark.django_db
def test_without_if_empty_refuses_when_any_accession_exists():
    AccessionFactory()  # someone else's accession, not the demo's

    with pytest.raises(CommandError) as error:
        demo("--count", "50")

    assert error.value.returncode == 1
    assert "--if-empty" in str(error.value)
    assert Accession.objects.count() == 1
    assert not get_user_model().objects.filter(username="curator").exists()
    # --if-empty is content with any accession, demo or not.
    assert "already present" in demo("--if-empty")


@pytest.mark.django_db
def test_existing_institute_and_users_are_kept(genebank, curator):
    """JOR015 typed in by hand, alice its curator, a user already named viewer: all kept."""
    viewer = UserFactory(username="viewer")

    output = demo("--count", "30")

    assert Institute.objects.filter(code=HOLDING_CODE).count() == 1
    assert Accession.objects.filter(institute=genebank).count() == 30
    assert Membership.objects.get(user=curator).role == Role.CURATOR
    viewer.refresh_from_db()
    assert viewer.check_password("secret-pass-123")
    assert Membership.objects.get(user=viewer, institute=genebank).role == Role.VIEWER
    assert "password unchanged" in output


@pytest.mark.django_db
def test_two_loads_give_the_same_collection():
    class Rollback(Exception):
        pass

    def load_and_fingerprint() -> str:
        try:
            with transaction.atomic():
                demo("--count", "200")
                fingerprint = database_digest(Institute.objects.get(code=HOLDING_CODE))
                raise Rollback
        except Rollback:
            return fingerprint

    first = load_and_fingerprint()
    assert Accession.objects.count() == 0
    second = load_and_fingerprint()

    assert first == second
    holding = Institute(accession_prefix="JO-", accession_digits=6)
    assert first == plan_digest(plan_demo_collection(200), holding.format_accession_number)
    # Another seed is another collection.
    assert plan_digest(plan_demo_collection(200, seed=7), holding.format_accession_number) != first


@given(
    st.floats(min_value=-89.9999, max_value=89.9999),
    st.floats(min_value=-179.9999, max_value=179.9999),
    st.booleans(),
)
def test_dms_text_and_decimal_agree(latitude, longitude, seconds):
    lat_text, lat_decimal = _dms(latitude, "N", "S", 2, seconds)
    lon_text, lon_decimal = _dms(longitude, "E", "W", 3, seconds)

    assert LATITUDE_DMS.match(lat_text) and LONGITUDE_DMS.match(lon_text)
    assert abs(dms_to_decimal(lat_text) - float(lat_decimal)) < 1e-6
    assert abs(dms_to_decimal(lon_text) - float(lon_decimal)) < 1e-6
    # Rounded to the nearest second (or minute), never further.
    step = 1 / 3600 if seconds else 1 / 60
    assert abs(float(lat_decimal) - latitude) <= step / 2 + 1e-6
    assert abs(float(lon_decimal) - longitude) <= step / 2 + 1e-6
