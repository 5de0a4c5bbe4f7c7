"""The accession pages, per persona: viewer, technician, curator, administrator."""

import csv
import io

import pytest
from django.urls import reverse

from genebank.accessions.models import Accession
from genebank.accessions.passport import MCPD_FIELDS
from tests.factories import (
    AccessionFactory,
    AccessionNameFactory,
    CollectingEventFactory,
    CollectingMissionFactory,
    InstituteFactory,
    TaxonFactory,
)

pytestmark = pytest.mark.django_db


def form_data(genebank, **overrides):
    data = {
        "institute": genebank.pk,
        "number": "JO-000001",
        "genus": "Lens",
        "species": "culinaris",
        "species_author": "Medik.",
        "origin_country": "JOR",
        "sample_status": "300",
        "acquisition_date": "20240301",
        "names": "Hourani",
        "acquisition_kind": "donation",
        "quarantine_status": "not_required",
        "is_public": "on",
        "datum": "WGS84",
    }
    data.update(overrides)
    return data


def test_anonymous_sees_only_the_login_page(client, genebank):
    a = AccessionFactory(institute=genebank)
    for url in ("/", reverse("accessions:list"), reverse("accessions:detail", args=[a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/login/").status_code == 200


def test_viewer_sees_list_and_page_but_cannot_register(client_for, viewer, genebank):
    a = AccessionFactory(institute=genebank)
    c = client_for(viewer)
    assert a.number.encode() in c.get(reverse("accessions:list")).content
    page = c.get(reverse("accessions:detail", args=[a.pk]))
    assert page.status_code == 200 and b"Edit" not in page.content
    denied = c.get(reverse("accessions:create"))
    assert denied.status_code == 403
    assert b"Permission denied" in denied.content
    assert c.post(reverse("accessions:create"), form_data(genebank)).status_code == 403
    assert c.get(reverse("accessions:edit", args=[a.pk])).status_code == 403
    assert Accession.objects.count() == 1


def test_accessions_of_another_institute_are_404(client_for, viewer, other_genebank):
    a = AccessionFactory(institute=other_genebank)
    c = client_for(viewer)
    assert c.get(reverse("accessions:detail", args=[a.pk])).status_code == 404
    assert a.number.encode() not in c.get(reverse("accessions:list")).content


def test_missing_accession_is_404_not_500(client_for, viewer):
    response = client_for(viewer).get(reverse("accessions:detail", args=[999999]))
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_technician_registers_accession(client_for, technician, genebank):
    c = client_for(technician)
    page = c.get(reverse("accessions:create"))
    assert page.status_code == 200
    assert page.context["form"].initial["number"] == "JO-000001"
    response = c.post(reverse("accessions:create"), form_data(genebank))
    a = Accession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "accessions:detail", args=[a.pk]
    )
    assert a.names == ["Hourani"] and a.acquisition.kind == "donation"
    assert a.history.latest().history_user == technician


def test_bad_input_gets_field_messages_and_saves_nothing(client_for, technician, genebank):
    c = client_for(technician)
    response = c.post(
        reverse("accessions:create"),
        form_data(genebank, genus="lens culinaris", acquisition_date="20241399", latitude="95"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"genus", "acquisition_date", "latitude"} <= set(errors)
    assert Accession.objects.count() == 0


def test_bad_input_message_in_french(client_for, technician, genebank):
    c = client_for(technician)
    response = c.post(
        reverse("accessions:create"), form_data(genebank, genus=""), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    assert "genus" in response.context["form"].errors
    assert b'lang="fr"' in response.content


def test_warnings_need_confirmation(client_for, technician, genebank):
    c = client_for(technician)
    existing = AccessionFactory(institute=genebank, number="JO-000007", sequence=7)
    AccessionNameFactory(accession=existing, name="Hourani")
    response = c.post(reverse("accessions:create"), form_data(genebank, number="JO-000008"))
    assert response.status_code == 200
    assert response.context["form"].warnings
    assert b"JO-000007" in response.content
    assert Accession.objects.count() == 1
    response = c.post(
        reverse("accessions:create"), form_data(genebank, number="JO-000008", accept_warnings="on")
    )
    assert response.status_code == 302
    assert Accession.objects.count() == 2


def test_curator_edits_with_reason_and_history_shows_it(client_for, curator, genebank):
    c = client_for(curator)
    c.post(reverse("accessions:create"), form_data(genebank))
    a = Accession.objects.get()
    page = c.get(reverse("accessions:edit", args=[a.pk]))
    assert page.status_code == 200
    response = c.post(
        reverse("accessions:edit", args=[a.pk]),
        form_data(genebank, names="Hourani;Hourani Aswad", reason="Second name from donor letter"),
    )
    assert response.status_code == 302, response.context["form"].errors
    history = c.get(reverse("accessions:history", args=[a.pk]))
    assert b"Second name from donor letter" in history.content
    assert b"Hourani Aswad" in history.content
    assert b"alice" in history.content


def test_edit_requires_reason(client_for, curator, genebank):
    c = client_for(curator)
    c.post(reverse("accessions:create"), form_data(genebank))
    a = Accession.objects.get()
    response = c.post(reverse("accessions:edit", args=[a.pk]), form_data(genebank, names="Other"))
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    a.refresh_from_db()
    assert a.names == ["Hourani"]


def test_deaccession_by_curator_not_technician(client_for, curator, technician, genebank):
    a = AccessionFactory(institute=genebank)
    assert (
        client_for(technician).get(reverse("accessions:deaccession", args=[a.pk])).status_code
        == 403
    )
    c = client_for(curator)
    response = c.post(
        reverse("accessions:deaccession", args=[a.pk]),
        {"date": "2024-01-10", "reason": "Lost in flood"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "deaccessioned"
    assert b"Lost in flood" in c.get(reverse("accessions:detail", args=[a.pk])).content


def test_administrator_can_do_everything_at_own_institute(client_for, administrator, genebank):
    c = client_for(administrator)
    assert c.get(reverse("accessions:create")).status_code == 200
    assert c.get(reverse("accessions:mission_create")).status_code == 200


def test_list_search_filter_sort(client_for, viewer, genebank):
    lentil = TaxonFactory(genus="Lens", species="culinaris", crop__name="Lentil")
    a1 = AccessionFactory(institute=genebank, taxon=lentil)
    AccessionNameFactory(accession=a1, name="Baladi")
    a2 = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=a2, collector_number="XY-77")
    c = client_for(viewer)

    def numbers(**params):
        page = c.get(reverse("accessions:list"), params).context["page"]
        return [a.number for a in page]

    assert numbers(q="baladi") == [a1.number]
    assert numbers(q="XY-77") == [a2.number]
    assert numbers(q="lens") == [a1.number]
    assert numbers(crop=lentil.crop.pk) == [a1.number]
    assert numbers(sort="-number") == [a2.number, a1.number]
    assert numbers(status="deaccessioned") == []


def test_csv_export_of_filtered_list(client_for, viewer, genebank):
    a1 = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=a1, name="Baladi")
    AccessionFactory(institute=genebank)
    response = client_for(viewer).get(reverse("accessions:export"), {"q": "Baladi"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffPUID,INSTCODE,ACCENUMB,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    assert list(rows[0]) == MCPD_FIELDS
    assert rows[0]["ACCENUMB"] == a1.number and rows[0]["ACCENAME"] == "Baladi"
    assert rows[0]["INSTCODE"] == "JOR015"


def test_excel_and_public_exports_of_filtered_list(client_for, viewer, genebank, other_genebank):
    from python_calamine import CalamineWorkbook

    shown = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=shown)
    hidden_site = AccessionFactory(institute=genebank, sensitive_location=True)
    CollectingEventFactory(accession=hidden_site)
    AccessionFactory(institute=genebank, is_public=False)
    AccessionFactory(institute=other_genebank)  # not the viewer's institute
    client = client_for(viewer)

    response = client.get(reverse("accessions:export"), {"format": "xlsx"})
    assert response["Content-Disposition"].endswith('accessions-mcpd.xlsx"')
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert sheet[0] == MCPD_FIELDS and len(sheet) == 4  # the viewer's three accessions

    response = client.get(reverse("accessions:export"), {"format": "csv", "public": "1"})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = {r["ACCENUMB"]: r for r in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {shown.number, hidden_site.number}
    assert rows[shown.number]["DECLATITUDE"] == "32.6"
    assert rows[hidden_site.number]["DECLATITUDE"] == "" and rows[hidden_site.number]["COLLSITE"]


def test_detail_shows_mcpd_and_offline_map(client_for, viewer, genebank):
    event = CollectingEventFactory(accession=AccessionFactory(institute=genebank))
    page = client_for(viewer).get(reverse("accessions:detail", args=[event.accession.pk]))
    content = page.content.decode()
    assert "ORIGCTY" in content and "JOR" in content
    assert 'id="site-map"' in content and "/static/leaflet/leaflet.js" in content
    assert '"outline"' in content  # the country outline ships with the app, no tile server


def test_missions_pages(client_for, curator, genebank):
    mission = CollectingMissionFactory(institute=genebank)
    event = CollectingEventFactory(accession=AccessionFactory(institute=genebank), mission=mission)
    c = client_for(curator)
    assert mission.code.encode() in c.get(reverse("accessions:mission_list")).content
    detail = c.get(reverse("accessions:mission_detail", args=[mission.pk]))
    assert event.accession.number.encode() in detail.content
    response = c.post(
        reverse("accessions:mission_create"),
        {
            "code": "JOR-2025-01",
            "name": "Badia survey",
            "institute": genebank.pk,
            "country": "JOR",
            "start_date": "2025-04-01",
            "end_date": "2025-03-01",
        },
    )
    assert response.status_code == 200 and "end_date" in response.context["form"].errors
    response = c.post(
        reverse("accessions:mission_create"),
        {
            "code": "JOR-2025-01",
            "name": "Badia survey",
            "institute": genebank.pk,
            "country": "JOR",
            "start_date": "2025-04-01",
            "end_date": "2025-04-12",
            "collecting_permit": "MoA 12/2025",
        },
    )
    assert response.status_code == 302


def test_technician_cannot_create_missions(client_for, technician):
    assert client_for(technician).get(reverse("accessions:mission_create")).status_code == 403


def test_next_number_endpoint(client_for, technician, genebank, other_genebank):
    c = client_for(technician)
    assert c.get(reverse("accessions:next_number"), {"institute": genebank.pk}).json() == {
        "number": "JO-000001"
    }
    # not allowed at the other institute
    assert (
        c.get(reverse("accessions:next_number"), {"institute": other_genebank.pk}).status_code
        == 403
    )


def test_home_counts(client_for, viewer, genebank):
    AccessionFactory.create_batch(3, institute=genebank)
    AccessionFactory(institute=InstituteFactory(code="EGY001"))
    response = client_for(viewer).get("/")
    assert response.context["totals"]["active"] == 3


def test_filter_form_submits_empty_by_default(client_for, viewer, genebank):
    """Every select in the filter form starts empty, so an untouched form filters nothing."""
    AccessionFactory(institute=genebank, sample_status=500)
    response = client_for(viewer).get(reverse("accessions:list"))
    form = response.context["filter"].form
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        if choices is not None:
            assert list(choices)[0][0] in ("", None), name


def test_history_names_related_records(client_for, curator, genebank):
    from genebank.accessions import services
    from tests.factories import CooperatorFactory

    c = client_for(curator)
    c.post(reverse("accessions:create"), form_data(genebank, collector_number="AB-1"))
    a = Accession.objects.get()
    person = CooperatorFactory(name="Hiba Nasser")
    data = services.PassportData.from_accession(a)
    data.collectors = [person]
    services.update_accession(a, data, user=curator, reason="Collector from field book")
    content = c.get(reverse("accessions:history", args=[a.pk])).content.decode()
    assert "Hiba Nasser" in content
    assert "{&#x27;" not in content and "{'" not in content
    assert "March 1, 2024" in content or "1 March 2024" in content  # partial dates read as dates
