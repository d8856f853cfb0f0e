import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

PASSWORD = "correct horse battery staple"


def log_in_through_the_form(page, username, password):
    page.goto("/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()


def test_it_shows_the_login_page_in_dutch(page):
    page.goto("/login/")

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_it_serves_the_stylesheets(page):
    with page.expect_response(re.compile(r"/static/crm/base\.css$")) as stylesheet:
        page.goto("/login/")

    assert stylesheet.value.status == 200
    assert "text/css" in stylesheet.value.headers["content-type"]


def test_it_has_no_accessibility_violations_on_the_login_page(page, screenshot):
    page.goto("/login/")

    assert_accessible(page)
    screenshot(page, "login")


def test_it_logs_a_user_in_through_the_form_and_lands_on_the_home_page(page, live_server):
    get_user_model().objects.create_user(username="officer", password=PASSWORD)

    log_in_through_the_form(page, "officer", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/")


def test_it_shows_an_error_when_the_password_is_wrong(page, live_server):
    get_user_model().objects.create_user(username="officer", password=PASSWORD)

    log_in_through_the_form(page, "officer", "not the password")

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("Voer een juiste gebruikersnaam en wachtwoord in")).to_be_visible()


def test_it_signs_a_user_in_without_the_form(logged_in, live_server):
    page = logged_in(get_user_model().objects.create_user(username="officer", password=PASSWORD))

    page.goto("/")

    expect(page).to_have_url(f"{live_server.url}/")
