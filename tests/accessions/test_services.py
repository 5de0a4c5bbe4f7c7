"""The accession services: registration, editing, deaccession, numbering, audit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from genebank.accessions import services
from genebank.accessions.models import Accession, AccessionName, CollectingEvent
from genebank.accessions.services import PassportData, PassportInvalid
from tests.factories import AccessionFactory, CollectingEventFactory, country


def passport(genebank, **overrides):
    data = dict(
        institute=genebank,
        number=services.next_accession_number(genebank),
        genus="Hordeum",
        species="vulgare",
        species_author="L.",
        origin_country=country("JOR"),
        sample_status=300,
        acquisition_date="19950615",
        names=["Arabi Aswad"],
        collector_number="JG-101",
        collecting_date="19950512",
        site="4 km S of Karak",
        latitude=Decimal("31.150000"),
        longitude=Decimal("35.700000"),
        acquisition_kind="collected",
    )
    data.update(overrides)
    return PassportData(**data)


@pytest.mark.django_db
class TestRegister:
    def test_registers_with_names_event_acquisition_and_history(self, genebank, technician):
        outcome = services.register_accession(
            passport(genebank), user=technician, reason="New arrival"
        )
        a = Accession.objects.get(pk=outcome.accession.pk)
        assert a.number == "JO-000001" and a.sequence == 1
        assert a.names == ["Arabi Aswad"]
        assert a.taxon.name == "Hordeum vulgare"
        assert a.collecting_event.collector_number == "JG-101"
        assert a.acquisition.kind == "collected"
        record = a.history.latest()
        assert record.history_user == technician
        assert record.history_change_reason == "New arrival"
        assert AccessionName.history.filter(accession_id=a.pk).count() == 1

    def test_next_number_follows_pattern_and_never_reuses(self, genebank, technician):
        services.register_accession(passport(genebank), user=technician)
        assert services.next_accession_number(genebank) == "JO-000002"
        # a number taken outside the sequence is skipped
        services.register_accession(
            passport(genebank, number="JO-000002", names=[]), user=technician
        )
        assert services.next_accession_number(genebank) == "JO-000003"

    def test_duplicate_number_refused_and_nothing_written(self, genebank, technician):
        services.register_accession(passport(genebank), user=technician)
        before = Accession.objects.count()
        with pytest.raises(PassportInvalid) as exc:
            services.register_accession(passport(genebank, number="JO-000001"), user=technician)
        assert "number" in exc.value.message_dict
        assert Accession.objects.count() == before

    def test_errors_name_the_field(self, genebank, technician):
        data = passport(genebank, genus="hordeum vulgare", acquisition_date="19951345")
        with pytest.raises(PassportInvalid) as exc:
            services.register_accession(data, user=technician)
        fields = exc.value.message_dict
        assert "genus" in fields and "acquisition_date" in fields
        assert Accession.objects.count() == 0

    def test_collecting_after_acquisition_refused(self, genebank, technician):
        data = passport(genebank, acquisition_date="19950101", collecting_date="19950512")
        with pytest.raises(PassportInvalid) as exc:
            services.register_accession(data, user=technician)
        assert "collecting_date" in exc.value.message_dict

    def test_partial_dates_kept_with_precision(self, genebank, technician):
        data = passport(genebank, acquisition_date="19950600", collecting_date="1995----")
        a = services.register_accession(data, user=technician).accession
        a.refresh_from_db()
        assert a.acquisition_date == "199506--"
        assert a.collecting_event.date == "1995----"

    def test_dms_only_fills_decimal(self, genebank, technician):
        data = passport(
            genebank,
            latitude=None,
            longitude=None,
            latitude_dms="310900N",
            longitude_dms="0354200E",
        )
        a = services.register_accession(data, user=technician).accession
        event = CollectingEvent.objects.get(accession=a)
        assert event.latitude == Decimal("31.150000") and event.longitude == Decimal("35.700000")

    def test_dms_disagreeing_with_decimal_refused(self, genebank, technician):
        data = passport(genebank, latitude_dms="320900N", longitude_dms="0354200E")
        with pytest.raises(PassportInvalid):
            services.register_accession(data, user=technician)

    def test_point_outside_country_is_a_warning_not_a_refusal(self, genebank, technician):
        # Damascus lies in Syria, not Jordan
        data = passport(genebank, latitude=Decimal("33.5100"), longitude=Decimal("36.2900"))
        outcome = services.register_accession(data, user=technician)
        assert outcome.accession.pk
        assert any(w.field in ("DECLATITUDE", "DECLONGITUDE", "ORIGCTY") for w in outcome.warnings)

    def test_similar_accession_warned(self, genebank, technician):
        first = services.register_accession(passport(genebank), user=technician).accession
        errors, warnings = services.validate_passport(passport(genebank, names=["Arabi  aswad"]))
        assert not errors
        assert any(first.number in w.message for w in warnings)

    def test_viewer_cannot_register(self, genebank, viewer):
        with pytest.raises(PermissionDenied):
            services.register_accession(passport(genebank), user=viewer)


@pytest.mark.django_db
class TestEditAndDeaccession:
    def test_edit_records_what_changed_and_why(self, genebank, curator):
        a = services.register_accession(passport(genebank), user=curator).accession
        data = PassportData.from_accession(a)
        data.site = "5 km S of Karak"
        data.names = ["Arabi Aswad", "Black Arabi"]
        services.update_accession(a, data, user=curator, reason="Site corrected from field book")
        a.refresh_from_db()
        assert a.collecting_event.site == "5 km S of Karak"
        assert a.names == ["Arabi Aswad", "Black Arabi"]
        latest = a.collecting_event.history.latest()
        assert latest.history_change_reason == "Site corrected from field book"
        assert latest.history_user == curator
        delta = latest.diff_against(latest.prev_record)
        assert [c.field for c in delta.changes] == ["site"]

    def test_edit_cannot_change_identity(self, genebank, curator):
        a = services.register_accession(passport(genebank), user=curator).accession
        data = PassportData.from_accession(a)
        data.number = "JO-999999"
        services.update_accession(a, data, user=curator, reason="try")
        a.refresh_from_db()
        assert a.number == "JO-000001"

    def test_unchanged_edit_writes_no_history(self, genebank, curator):
        a = services.register_accession(passport(genebank), user=curator).accession
        before = a.history.count()
        services.update_accession(a, PassportData.from_accession(a), user=curator, reason="nothing")
        assert a.history.count() == before

    def test_deaccession_keeps_record(self, genebank, curator):
        a = services.register_accession(passport(genebank), user=curator).accession
        services.deaccession(
            a, date=datetime.date(2024, 5, 1), reason="Duplicate of JO-000002", user=curator
        )
        a.refresh_from_db()
        assert a.status == "deaccessioned" and a.deaccession_reason == "Duplicate of JO-000002"
        assert Accession.objects.filter(pk=a.pk).exists()
        assert "Duplicate" in a.history.latest().history_change_reason
        services.reinstate(a, reason="Deaccessioned in error", user=curator)
        a.refresh_from_db()
        assert a.status == "active" and a.deaccession_date is None

    def test_deaccession_needs_reason_and_role(self, genebank, curator, technician):
        a = services.register_accession(passport(genebank), user=curator).accession
        with pytest.raises(PermissionDenied):
            services.deaccession(a, date=datetime.date.today(), reason="x", user=technician)
        with pytest.raises(Exception) as exc:
            services.deaccession(a, date=datetime.date.today(), reason="  ", user=curator)
        assert "reason" in exc.value.message_dict
        a.refresh_from_db()
        assert a.status == "active"

    def test_accession_cannot_be_hard_deleted_with_related_records(self, genebank):
        # PROTECT from taxon/institute; and the service layer offers no delete at all
        event = CollectingEventFactory(accession=AccessionFactory(institute=genebank))
        assert not hasattr(services, "delete_accession")
        assert event.accession.institute == genebank


def test_other_numbers_round_trip():
    text = "NLD037:CGN00254;:ABC123"
    assert services.parse_other_numbers(text) == [("NLD037", "CGN00254"), ("", "ABC123")]
    assert services.format_other_numbers(services.parse_other_numbers(text)) == text


@pytest.mark.django_db
def test_dms_stored_in_mcpd_form(genebank, technician):
    data = passport(
        genebank, latitude=None, longitude=None, latitude_dms="3109--n", longitude_dms=" 03542--e"
    )
    a = services.register_accession(data, user=technician).accession
    event = CollectingEvent.objects.get(accession=a)
    assert (event.latitude_dms, event.longitude_dms) == ("3109--N", "03542--E")
