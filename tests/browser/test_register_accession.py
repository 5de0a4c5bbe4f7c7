"""A technician's day in a real browser: log in, register an accession, find it, read it in Arabic."""

import re

from playwright.sync_api import expect

from genebank.accessions.models import Accession


def test_register_find_and_switch_to_arabic(page, technician, genebank):
    page.goto("/")
    page.fill("#id_username", "tariq")
    page.fill("#id_password", "secret-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Collection overview")

    page.get_by_role("button", name="Accessions").click()
    page.get_by_role("link", name="Register accession").click()
    # the form proposes the next number from the institute's pattern
    expect(page.locator("#id_number")).to_have_value("JO-000001")
    page.fill("#id_genus", "Cicer")
    page.fill("#id_species", "arietinum")
    page.fill("#id_species_author", "L.")
    page.fill("#id_names", "Baladi Abyad")
    page.select_option("#id_origin_country", "JOR")
    page.select_option("#id_sample_status", "300")
    page.fill("#id_acquisition_date", "202403--")
    page.fill("#id_collector_number", "NARC-24-017")
    page.fill("#id_latitude", "32.0")
    page.fill("#id_longitude", "35.9")
    page.fill("#id_collecting_date", "20240215")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#accession-number")).to_have_text("JO-000001")
    expect(page.locator("#site-map")).to_have_attribute("data-ready", "1")
    accession = Accession.objects.get(number="JO-000001")
    assert accession.acquisition_date == "202403--"
    assert accession.collecting_event.collector_number == "NARC-24-017"

    page.get_by_role("button", name="Accessions").click()
    page.get_by_role("link", name="Accession list").click()
    page.fill("#id_q", "NARC-24-017")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Baladi Abyad")
    rows.first.get_by_role("link", name="JO-000001").click()

    page.select_option("select[name=language]", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("link[rel=stylesheet]").first).to_have_attribute(
        "href", re.compile(r"bootstrap\.rtl\.min\.css$")
    )
    # laid out right to left: the page title sits at the right edge of the page
    box = page.locator("h1").bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] + box["width"] > width * 0.6
    expect(page.get_by_role("link", name="تعديل")).to_be_visible()  # "Edit" in Arabic


def test_bad_input_shows_field_messages(page_for, technician, genebank):
    page = page_for(technician)
    page.goto("/accessions/new/")
    # A genus of two words is an error (one in lower case is only capitalised, with a warning).
    page.fill("#id_genus", "cicer arietinum")
    page.fill("#id_acquisition_date", "20241345")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error[data-field=genus]")).to_be_visible()
    expect(page.locator(".field-error[data-field=acquisition_date]")).to_be_visible()
    assert not Accession.objects.exists()
