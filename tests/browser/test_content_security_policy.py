"""A collecting site typed as HTML stays text on the maps, and the pages work under the policy.

The conftest fails any test whose pages the Content-Security-Policy broke (a console error
naming the policy), so the walk through the main pages below checks that they still work.
"""

import re

from playwright.sync_api import expect

from genebank.accessions.models import Accession, CollectingMission
from genebank.core.models import Country, Role
from tests.factories import AccessionFactory, member

XSS_SITE = '<img src=x onerror="window.__xss=1">'


def hover_marker_and_read_tooltip(page) -> str:
    expect(page.locator("#site-map")).to_have_attribute("data-ready", "1")
    # The last shape: the country outline comes first, then the site markers.
    page.locator("#site-map path.leaflet-interactive").last.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    return tooltip


def test_a_hostile_collecting_site_is_shown_as_text(page_for, curator, genebank):
    CollectingMission.objects.create(
        code="JOR-M001", institute=genebank, country=Country.objects.get(pk="JOR")
    )
    page = page_for(curator)
    page.goto("/accessions/new/")
    expect(page.locator("#id_number")).to_have_value("JO-000001")
    page.fill("#id_genus", "Cicer")
    page.select_option("#id_origin_country", "JOR")
    page.select_option("#id_mission", label="JOR-M001")
    page.fill("#id_site", XSS_SITE)
    page.fill("#id_latitude", "32.0")
    page.fill("#id_longitude", "35.9")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#accession-number")).to_have_text("JO-000001")
    accession = Accession.objects.get(number="JO-000001")
    assert accession.collecting_event.site == XSS_SITE

    tooltip = hover_marker_and_read_tooltip(page)
    expect(tooltip).to_have_text(XSS_SITE)
    expect(tooltip.locator("img")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"

    page.goto(f"/accessions/missions/{accession.collecting_event.mission_id}/")
    tooltip = hover_marker_and_read_tooltip(page)
    expect(tooltip).to_have_text(f"JO-000001 {XSS_SITE}")
    expect(tooltip.locator("img")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_the_main_pages_work_under_the_policy(page_for, curator, genebank):
    AccessionFactory(institute=genebank)  # a crop on the home page, with its bar
    page = page_for(curator)
    for path in (
        "/",
        "/accessions/",
        "/accessions/missions/",
        "/accessions/missions/new/",
        "/inventory/",
        "/inventory/locations/",
        "/inventory/processing/",
        "/inventory/alerts/",
        "/exchange/import/",
        "/exchange/pdci/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    # Sizes computed per row come as data-* and genebank.js sets them (style= would be refused).
    page.goto("/")
    expect(page.locator(".bar").first).to_have_attribute("style", re.compile(r"width: 100%"))
    # Bootstrap's menus (script from our static files) still open.
    page.get_by_role("button", name="Accessions").click()
    expect(page.get_by_role("link", name="Accession list")).to_be_visible()
    # The language menu sends its form by itself, without an onchange= attribute.
    page.select_option("select[name=language]", "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_the_registration_form_proposes_the_number_under_the_policy(
    page_for, curator, genebank, other_genebank
):
    # The same curator in a second genebank (member() sets the password again: use its copy).
    curator = member(curator.username, other_genebank, Role.CURATOR)
    page = page_for(curator)
    page.goto("/accessions/new/")
    page.select_option("#id_institute", str(other_genebank.pk))
    expect(page.locator("#id_number")).to_have_value(re.compile(r"^IG "))
