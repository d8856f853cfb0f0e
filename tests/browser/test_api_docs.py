"""The API's documentation page (Swagger UI, served by the app itself): axe-core finds no WCAG 2.2 AA violation on it
as it opens, with an operation opened, with that operation ready to try and with the dialog to sign in open, and it
fits a 320 px wide window."""

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, assert_reflows


def open_the_first_operation(page: Page) -> None:
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body").first.wait_for()


def try_it_out(page: Page) -> None:
    page.locator(".try-out__btn").first.click()
    page.locator(".btn.execute").first.wait_for()


def authorize(page: Page) -> None:
    page.locator(".btn.authorize").first.click()
    page.locator(".modal-ux").wait_for()


def test_api_documentation_has_no_accessibility_violations(page):
    page.goto("/api/v1/docs")
    page.locator(".opblock-summary").first.wait_for()
    assert_accessible(page)
    assert_reflows(page)

    open_the_first_operation(page)
    assert_accessible(page)

    try_it_out(page)
    assert_accessible(page)
    assert_reflows(page)

    authorize(page)
    assert_accessible(page)
