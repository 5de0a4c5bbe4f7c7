"""A curator downloads the filtered accession list as MCPD from the list's export menu."""

import csv
import io

from playwright.sync_api import expect

from genebank.accessions.passport import MCPD_FIELDS
from tests.factories import AccessionFactory, AccessionNameFactory


def test_export_menu_downloads_the_filtered_list(page_for, curator, genebank):
    wanted = AccessionFactory(institute=genebank)
    AccessionNameFactory(accession=wanted, name="Baladi")
    AccessionFactory(institute=genebank)
    page = page_for(curator)
    page.goto("/accessions/?q=Baladi")
    expect(page.locator("#result-count")).to_contain_text("1")
    page.get_by_role("button", name="Export MCPD").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV (these accessions)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == MCPD_FIELDS
    assert [r["ACCENUMB"] for r in rows] == [wanted.number]
    assert download.value.suggested_filename == "accessions-mcpd.csv"
