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


def test_a_large_export_runs_as_a_job_whose_page_offers_the_file(
    page_for, curator, genebank, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    settings.EXPORT_JOB_ROWS = 2
    made = [AccessionFactory(institute=genebank) for _ in range(3)]
    page = page_for(curator)
    page.goto("/accessions/")
    page.get_by_role("button", name="Export MCPD").click()
    page.get_by_role("link", name="CSV (these accessions)").click()
    expect(page.locator("#export-job-form")).to_contain_text("3 accessions are many")
    page.get_by_role("button", name="Export in the background").click()
    # Run at once in tests: the job page shows it done, with its file.
    expect(page.locator("#job-status")).to_have_text("Done")
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename == "accessions-mcpd.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["ACCENUMB"] for r in rows) == sorted(a.number for a in made)
