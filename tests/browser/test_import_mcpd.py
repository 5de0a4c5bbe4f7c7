"""A curator brings a passport file in through the browser: upload, map, read the problems, import."""

from playwright.sync_api import expect

from genebank.accessions.models import Accession
from tests.exchange.conftest import write_csv


def test_import_a_file_with_one_bad_row(page_for, curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(
        tmp_path / "passport.csv",
        [
            {"AccNo": "JO-000001", "GENUS": "Triticum", "SAMPSTAT": "300"},
            {"AccNo": "JO-000002", "GENUS": "Lens", "SAMPSTAT": "301"},
            {"AccNo": "JO-000003", "GENUS": "Cicer", "SAMPSTAT": "100"},
        ],
        columns=["AccNo", "GENUS", "SAMPSTAT"],
    )
    page = page_for(curator)
    page.goto("/")
    page.get_by_role("button", name="Accessions").click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_institute", str(genebank.pk))
    page.get_by_role("button", name="Upload and map columns").click()

    # GENUS and SAMPSTAT are found by name; the accession number column is chosen by hand.
    expect(page.locator("#column-1")).to_have_value("GENUS")
    expect(page.locator("#column-0")).to_have_value("")
    page.select_option("#column-0", "ACCENUMB")
    page.get_by_role("button", name="Check every row").click()

    expect(page.locator("#summary-rejected")).to_have_text("1")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("JO-000002")
    expect(problems.first).to_contain_text("SAMPSTAT")
    assert Accession.objects.count() == 0

    page.get_by_role("button", name="Import the 2 valid rows").click()
    expect(page.locator("#import-done")).to_be_visible()
    expect(page.locator("#summary-created")).to_have_text("2")
    assert sorted(Accession.objects.values_list("number", flat=True)) == ["JO-000001", "JO-000003"]


def test_discard_a_file_instead_of_importing_it(page_for, curator, genebank, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_csv(
        tmp_path / "wrong-file.csv",
        [{"ACCENUMB": "JO-000009", "GENUS": "Triticum", "SAMPSTAT": "301"}],
        columns=["ACCENUMB", "GENUS", "SAMPSTAT"],
    )
    page = page_for(curator)
    page.goto("/exchange/import/")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_institute", str(genebank.pk))
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_role("button", name="Check every row").click()
    expect(page.locator("#summary-rejected")).to_have_text("1")

    # The browser asks first; saying no keeps the file.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Discard this file").click()
    expect(page.locator("#commit-form")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard this file").click()
    expect(page.locator(".alert-success")).to_contain_text("wrong-file.csv was discarded")
    expect(page.locator("#recent-imports")).to_contain_text("Discarded")
    assert Accession.objects.count() == 0
    assert not list((tmp_path / "media").rglob("wrong-file*.csv"))
