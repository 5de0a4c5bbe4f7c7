"""Sensitive collecting sites: exact for curators and administrators of the holding institute,
withheld (site text, coordinates, elevation, how they were taken) at every other door."""

import csv
import io
import json

import pytest
from django.urls import reverse

from genebank.accessions.models import Accession
from genebank.accessions.passport import MCPD_FIELDS
from genebank.accessions.sensitive import WITHHELD_FIELDS
from genebank.core.models import Role
from tests.factories import (
    AccessionFactory,
    CollectingEventFactory,
    CollectingMissionFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

SITE = "6 km S of Tafilah"
WITHHELD = "withheld: sensitive location"


@pytest.fixture
def mission(genebank):
    return CollectingMissionFactory(institute=genebank)


@pytest.fixture
def hidden(genebank, mission):
    """A sensitive accession with everything that locates its site."""
    accession = AccessionFactory(institute=genebank, sensitive_location=True)
    CollectingEventFactory(
        accession=accession,
        mission=mission,
        site=SITE,
        latitude="30.781234",
        longitude="35.612345",
        latitude_dms="304652N",
        longitude_dms="0353644E",
        coordinate_uncertainty=250,
        datum="WGS84",
        georeference_method="GPS receiver",
        elevation=1234,
    )
    return accession


@pytest.fixture
def plain(genebank, mission):
    accession = AccessionFactory(institute=genebank)
    CollectingEventFactory(accession=accession, mission=mission, site="Irbid market")
    return accession


def map_data(response) -> dict:
    """The JSON that sitemap.js reads from the page."""
    content = response.content.decode()
    start = content.index('<script id="map-data" type="application/json">') + len(
        '<script id="map-data" type="application/json">'
    )
    return json.loads(content[start : content.index("</script>", start)])


def assert_nothing_locates(text: str) -> None:
    for leak in (SITE, "30.78", "35.61", "304652N", "0353644E", "1234", "GPS receiver"):
        assert leak not in text, leak


# The accession page, its map and its history


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TECHNICIAN, Role.DISTRIBUTION_OFFICER])
def test_page_and_map_withhold_the_site_from_other_roles(client_for, genebank, hidden, role):
    client = client_for(member("someone", genebank, role))
    page = client.get(reverse("accessions:detail", args=[hidden.pk]))
    assert page.status_code == 200
    assert_nothing_locates(page.content.decode())
    assert WITHHELD in page.content.decode()
    data = map_data(page)
    assert data["site"] is None  # the map shows the country, no marker
    assert page.context["has_map"]
    history = client.get(reverse("accessions:history", args=[hidden.pk]))
    assert_nothing_locates(history.content.decode())


@pytest.mark.parametrize("role", [Role.CURATOR, Role.ADMINISTRATOR])
def test_curators_and_administrators_see_it_exactly(client_for, genebank, hidden, role):
    client = client_for(member("someone", genebank, role))
    page = client.get(reverse("accessions:detail", args=[hidden.pk]))
    content = page.content.decode()
    assert SITE in content and "30.781234" in content and "1234" in content
    assert map_data(page)["site"] == {"lat": 30.781234, "lon": 35.612345, "label": SITE}
    mcpd = dict(page.context["mcpd"])
    assert mcpd["COLLSITE"] == SITE and mcpd["ELEVATION"] == "1234"
    assert (
        "30.781234" in client.get(reverse("accessions:history", args=[hidden.pk])).content.decode()
    )


def test_the_capability_is_per_institute(client_for, genebank, other_genebank, hidden):
    """A curator elsewhere who also views this genebank sees the site withheld here."""
    user = member("carla", other_genebank, Role.CURATOR)
    member("carla", genebank, Role.VIEWER)
    page = client_for(user).get(reverse("accessions:detail", args=[hidden.pk]))
    assert_nothing_locates(page.content.decode())


def test_superuser_sees_it_exactly(client_for, hidden):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    page = client_for(root).get(reverse("accessions:detail", args=[hidden.pk]))
    assert map_data(page)["site"]["lat"] == 30.781234


def test_sites_that_are_not_sensitive_stay_for_everyone(client_for, viewer, plain):
    page = client_for(viewer).get(reverse("accessions:detail", args=[plain.pk]))
    assert map_data(page)["site"]["label"] == "Irbid market"
    assert dict(page.context["mcpd"])["DECLATITUDE"] == "32.6"


# The mission page and its map


def test_mission_page_does_not_place_sensitive_accessions(
    client_for, viewer, mission, hidden, plain
):
    page = client_for(viewer).get(reverse("accessions:mission_detail", args=[mission.pk]))
    content = page.content.decode()
    assert hidden.number in content and plain.number in content  # listed, not located
    assert_nothing_locates(content)
    sites = map_data(page)["sites"]
    assert [s["label"] for s in sites] == [f"{plain.number} Irbid market"]


def test_mission_page_places_them_for_the_curator(client_for, curator, mission, hidden, plain):
    page = client_for(curator).get(reverse("accessions:mission_detail", args=[mission.pk]))
    labels = {s["label"] for s in map_data(page)["sites"]}
    assert labels == {f"{plain.number} Irbid market", f"{hidden.number} {SITE}"}


# The API


def test_api_withholds_the_site_from_a_viewer(client_for, viewer, hidden):
    data = client_for(viewer).get(f"/api/v1/accessions/{hidden.pk}/").json()
    assert data["mcpd"]["COLLSITE"] == WITHHELD
    for name in WITHHELD_FIELDS[1:]:
        assert data["mcpd"][name] == "", name
    assert_nothing_locates(json.dumps(data))
    listed = client_for(viewer).get("/api/v1/accessions/").json()["results"]
    assert_nothing_locates(json.dumps(listed))


def test_api_gives_the_curator_the_exact_site(client_for, curator, hidden):
    mcpd = client_for(curator).get(f"/api/v1/accessions/{hidden.pk}/").json()["mcpd"]
    assert (mcpd["COLLSITE"], mcpd["DECLATITUDE"], mcpd["ELEVATION"]) == (SITE, "30.781234", "1234")


# The list's exports (the web door of MCPD)


def download_csv(client, **params) -> dict[str, dict[str, str]]:
    response = client.get(reverse("accessions:export"), {"format": "csv", **params})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return {row["ACCENUMB"]: row for row in csv.DictReader(io.StringIO(text))}


def download_xlsx(client, **params) -> dict[str, dict[str, str]]:
    from openpyxl import load_workbook

    response = client.get(reverse("accessions:export"), {"format": "xlsx", **params})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == MCPD_FIELDS
    return {row[2]: dict(zip(MCPD_FIELDS, row, strict=True)) for row in rows[1:]}


@pytest.mark.parametrize("download", [download_csv, download_xlsx])
def test_default_export_as_a_viewer_withholds_the_site(client_for, viewer, hidden, plain, download):
    rows = download(client_for(viewer))
    row = rows[hidden.number]
    assert row["COLLSITE"] == WITHHELD
    assert all(row[name] == "" for name in WITHHELD_FIELDS[1:])
    assert_nothing_locates(json.dumps(row))
    assert rows[plain.number]["COLLSITE"] == "Irbid market"
    assert rows[plain.number]["DECLATITUDE"] == "32.6"


def test_default_export_as_the_curator_keeps_the_site(client_for, curator, hidden):
    row = download_csv(client_for(curator))[hidden.number]
    assert (row["COLLSITE"], row["DECLATITUDE"], row["ELEVATION"]) == (SITE, "30.781234", "1234")


def test_public_export_withholds_it_even_from_the_curator(client_for, curator, hidden, plain):
    rows = download_csv(client_for(curator), public="1")
    assert rows[hidden.number]["COLLSITE"] == WITHHELD
    assert_nothing_locates(json.dumps(rows[hidden.number]))
    assert rows[plain.number]["DECLATITUDE"] == "32.6"


# The command line


def test_cli_export_keeps_exact_sites_and_public_withholds_them(hidden, tmp_path):
    from django.core.management import call_command

    exact, public = tmp_path / "all.csv", tmp_path / "public.csv"
    call_command("export", "mcpd", "-o", str(exact), stdout=io.StringIO())
    call_command("export", "mcpd", "-o", str(public), "--public", stdout=io.StringIO())
    (row,) = csv.DictReader(exact.open(encoding="utf-8"))
    assert (row["COLLSITE"], row["ELEVATION"]) == (SITE, "1234")
    (row,) = csv.DictReader(public.open(encoding="utf-8"))
    assert row["COLLSITE"] == WITHHELD
    assert_nothing_locates(json.dumps(row))


def test_sensitive_accession_without_collecting_data_gets_no_note(client_for, viewer, genebank):
    accession = AccessionFactory(institute=genebank, sensitive_location=True)
    assert download_csv(client_for(viewer))[accession.number]["COLLSITE"] == ""
    assert Accession.objects.get(pk=accession.pk).sensitive_location


# The edit form shows the passport as stored


def test_technician_may_not_open_the_edit_form_of_a_sensitive_accession(
    client_for, technician, hidden, plain
):
    client = client_for(technician)
    response = client.get(reverse("accessions:edit", args=[hidden.pk]))
    assert response.status_code == 403
    assert_nothing_locates(response.content.decode())
    page = client.get(reverse("accessions:detail", args=[hidden.pk]))
    assert not page.context["can_edit"]
    assert client.get(reverse("accessions:edit", args=[plain.pk])).status_code == 200


def test_curator_edits_a_sensitive_accession(client_for, curator, hidden):
    response = client_for(curator).get(reverse("accessions:edit", args=[hidden.pk]))
    assert response.status_code == 200 and SITE in response.content.decode()
