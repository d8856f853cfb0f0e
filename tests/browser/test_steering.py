"""A coordinator steers: the steering page passes axe and fits 320 px, a wrong period is refused beside its field,
and the first row of "where to act first" leads to that group's organisations."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_reflows
from tests.steering.network import build_network


def test_a_coordinator_goes_from_the_ranking_to_the_groups_organisations(logged_in, coordinator, screenshot):
    build_network()
    page = logged_in(coordinator)
    page.goto("/sturing/")

    expect(page.locator("h1")).to_have_text("Sturing")
    expect(page.locator("main nav, header nav").get_by_role("link", name="Sturing")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
    assert_reflows(page)
    screenshot(page, "steering")

    ranking = page.get_by_role("region", name="Waar eerst in actie komen")
    expect(ranking.locator("tbody tr")).to_have_count(4)
    ranking.get_by_role("link", name="lokaal").click()

    expect(page).to_have_url(re.compile(r"/organisaties/\?reikwijdte=lokaal&status=actief$"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Gemeente")
    expect(rows.nth(1)).to_contain_text("Noord")


def test_a_period_that_ends_before_it_starts_shows_its_error_beside_the_field(logged_in, coordinator):
    page = logged_in(coordinator)
    page.goto("/sturing/")
    page.locator("[name=van]").fill("2026-06-01")
    page.locator("[name=tot]").fill("2026-01-01")
    page.get_by_role("button", name="Tonen").click()

    expect(page.locator(".error-summary")).to_be_visible()
    invalid = page.locator(".utrecht-form-field--invalid")
    expect(invalid).to_have_count(1)
    expect(invalid.locator("#id_tot")).to_be_visible()
    expect(invalid).to_contain_text("Het einde van de periode ligt vóór het begin.")
    assert_accessible(page)
    assert_reflows(page)
