"""An officer filters and sorts the organisation list in the browser, downloads it as CSV and as Excel, and finds
in both files exactly the rows the list selected, in its order."""

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from stakeholders.filters import OrganisationFilterSet
from tests.crm.test_list_downloads import BOM, parameter


def downloaded(page: Page, link_text: str, extension: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_text).click()
    assert download.value.suggested_filename.startswith("organisaties-")
    assert download.value.suggested_filename.endswith(extension)
    return Path(download.value.path()).read_bytes()


def test_the_downloads_hold_exactly_the_filtered_rows_in_the_lists_order(page, logged_in, world):
    logged_in(world.officer).goto("/organisaties/")
    page.locator(f"select[name={parameter(OrganisationFilterSet, 'kind')}]").select_option("ngo")
    page.locator("form[role=search] button[type=submit]").click()
    page.locator("thead a", has_text="naam").click()
    expect(page.locator("thead th[aria-sort=ascending]")).to_have_count(1)
    page.locator("thead a", has_text="naam").click()
    expect(page.locator("thead th[aria-sort=descending]")).to_have_count(1)
    shown = page.locator("tbody th a").all_inner_texts()
    assert shown == ["VluchtelingenWerk Nederland", "Stichting Nidos", "Leger des Heils"]

    text = downloaded(page, "Downloaden als CSV", ".csv").decode("utf-8")
    assert text.startswith(BOM)
    header, *rows = csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=";")
    assert header[1] == "naam"
    assert [row[1] for row in rows] == shown

    sheet = load_workbook(io.BytesIO(downloaded(page, "Downloaden als Excel", ".xlsx")), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[1] == "naam"
    assert [row[1] for row in rows] == shown
    assert [row[0] for row in rows] == [world[name].pk for name in shown]
