"""axe-core finds no WCAG 2.2 AA violation on any page: each template with data in it, with its errors showing, and the
respondent's pages in both languages. Each page is its own test, so a report names the page; all of them look at one
data set (the `site` fixture), and none changes what another shows."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site, assert_accessible, assert_reflows

# The site only reads its data set, so its tests need the test database but not an empty one after each (conftest.site).
pytestmark = pytest.mark.django_db

OFFICER = "liaison_officer"


@dataclass(frozen=True)
class Visit:
    name: str
    url: Callable[[Site], str]
    user: str | None = OFFICER  # a user fixture's name (tests/conftest.py); None visits anonymously
    status: int = 200
    then: Callable[[Page], None] | None = None  # what the visitor does next, such as sending the form empty
    before: Callable[[Page], None] | None = None  # set up before the first request
    screenshot: str = ""
    phone_screenshot: str = ""  # also as a phone shows it, 390 CSS px wide


def organisation(name: str, suffix: str = "") -> Callable[[Site], str]:
    return lambda site: f"/organisaties/{site.world[name].pk}/{suffix}"


def shows_errors(page: Page) -> None:
    expect(page.locator(".error-summary")).to_be_visible()


def send_the_form(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    shows_errors(page)


def send_the_interaction_with_a_half_follow_up(page: Page) -> None:
    page.locator("[name=vervolg-0-due_on]").fill("2030-01-31")
    send_the_form(page)


def shows(selector: str) -> Callable[[Page], None]:
    return lambda page: expect(page.locator(selector)).to_be_visible()


def offers_a_passkey(page: Page) -> None:
    """django-otp-webauthn's script has put its button in place (the page is checked with it)."""
    expect(page.locator("#passkey-register-button")).to_be_visible()


def log_in_with_the_wrong_password(page: Page) -> None:
    page.locator("[name=username]").fill("officer")
    page.locator("[name=password]").fill("not the password")
    page.locator("main form button[type=submit]").click()
    shows_errors(page)


def lock_out(page: Page) -> None:
    """Wrong passwords for one user name until django-axes locks it out."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.locator("[name=username]").fill("intruder")
        page.locator("[name=password]").fill("not the password")
        with page.expect_response(lambda response: response.request.method == "POST") as answered:
            page.locator("main form button[type=submit]").click()
    assert answered.value.status in (403, 429)


def throttle_the_links(page: Page) -> None:
    """Count so many link attempts from the browser's address that the next is refused."""
    for address in ("127.0.0.1", "::1"):
        cache.set(f"survey-link-attempts:{address}", settings.SURVEY_LINK_ATTEMPTS_PER_MINUTE, timeout=60)


def stop_the_mails(page: Page) -> None:
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_have_count(0)


def is_in(language: str) -> Callable[[Page], None]:
    return lambda page: expect(page.locator("html")).to_have_attribute("lang", language)


def start_the_survey(language: str) -> Callable[[Page], None]:
    def start(page: Page) -> None:
        is_in(language)(page)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/s/$"))
        is_in(language)(page)

    return start


def send_no_answers(language: str) -> Callable[[Page], None]:
    def send(page: Page) -> None:
        start_the_survey(language)(page)
        page.locator("button[name=submit]").click()
        expect(page.locator(".error-summary")).to_be_visible()

    return send


def answer_the_survey(language: str) -> Callable[[Page], None]:
    def answer(page: Page) -> None:
        start_the_survey(language)(page)
        page.locator("input[name=q_overall_grade][value='8']").check()
        page.locator("button[name=submit]").click()
        expect(page).to_have_url(re.compile(r"/s/bedankt/$"))
        is_in(language)(page)

    return answer


def respondent_visits(language: str) -> list[Visit]:
    link = lambda site: site.link(language)  # noqa: E731
    return [
        Visit(f"survey-start-{language}", link, None, then=is_in(language)),
        Visit(f"survey-answer-{language}", link, None, then=start_the_survey(language)),
        Visit(f"survey-answer-errors-{language}", link, None, then=send_no_answers(language)),
        Visit(f"survey-thanks-{language}", link, None, then=answer_the_survey(language)),
    ]


VISITS = [
    Visit("dashboard", lambda site: "/", screenshot="dashboard", phone_screenshot="dashboard-phone"),
    Visit("organisation-list", lambda site: "/organisaties/"),
    Visit("organisation-list-filtered", lambda site: "/organisaties/?soort=ngo&sorteer=-naam"),
    Visit("organisation-list-bad-filter", lambda site: "/organisaties/?soort=nonsense", then=shows_errors),
    Visit("organisation-detail", organisation("Gemeente Utrecht"), screenshot="organisation"),
    Visit("organisation-create", lambda site: "/organisaties/nieuw/"),
    Visit("organisation-create-errors", lambda site: "/organisaties/nieuw/", then=send_the_form),
    Visit("organisation-edit", organisation("VluchtelingenWerk Nederland", "bewerken/")),
    Visit("interaction-log", organisation("Gemeente Utrecht", "contact-vastleggen/")),
    Visit(
        "interaction-log-errors",
        organisation("Gemeente Utrecht", "contact-vastleggen/"),
        then=send_the_interaction_with_a_half_follow_up,
    ),
    Visit("interaction-start", lambda site: "/contact-vastleggen/?zoek=x"),
    Visit("interaction-start-found", lambda site: "/contact-vastleggen/?zoek=gemeente"),
    Visit("contact-list", lambda site: "/contactpersonen/"),
    Visit("interaction-list", lambda site: "/interacties/"),
    Visit("interaction-list-filtered", lambda site: "/interacties/?soort=gemeente&plaatsgevondenVanaf=2020-01-01"),
    Visit("interaction-list-bad-filter", lambda site: "/interacties/?niveau=nonsense", then=shows_errors),
    Visit("organisations-plan", lambda site: "/organisaties/plannen/?soort=ngo", "coordinator"),
    Visit("contact-detail", lambda site: f"/contactpersonen/{site.world.contact.pk}/"),
    Visit("contact-edit", lambda site: f"/contactpersonen/{site.world.contact.pk}/bewerken/"),
    Visit("contact-erase", lambda site: f"/contactpersonen/{site.world.contact.pk}/wissen/", "coordinator"),
    Visit("contact-create", organisation("Leger des Heils", "contactpersonen/nieuw/")),
    Visit("stakeholder-map", lambda site: "/kaart/", screenshot="stakeholder-map"),
    Visit("round-list", lambda site: "/enquetes/"),
    Visit("round-detail-draft", lambda site: f"/enquetes/{site.world.draft_round.pk}/", "researcher"),
    Visit("round-detail-open", lambda site: f"/enquetes/{site.world.open_round.pk}/", "researcher"),
    Visit("round-detail-closed", lambda site: f"/enquetes/{site.world.closed_round.pk}/"),
    Visit("results", lambda site: f"/enquetes/{site.world.closed_round.pk}/resultaten/", screenshot="survey-results"),
    Visit(
        "interview",
        lambda site: f"/enquetes/uitnodigingen/{site.world.invitations['nl'].pk}/interview/",
        "researcher",
    ),
    Visit("mail-preferences", lambda site: "/instellingen/"),
    Visit("password-change", lambda site: "/wachtwoord/"),
    Visit("password-changed", lambda site: "/wachtwoord/gewijzigd/"),
    Visit("two-factor", lambda site: "/tweestapsverificatie/"),
    Visit("two-factor-errors", lambda site: "/tweestapsverificatie/", then=send_the_form),
    Visit("two-factor-link-sent", lambda site: "/tweestapsverificatie/", "newcomer", then=shows("button[name=resend]")),
    Visit("two-factor-link-invalid", lambda site: "/tweestapsverificatie/koppelen/ongeldig/", "newcomer", status=404),
    Visit("two-factor-set-up", lambda site: "/tweestapsverificatie/", "newcomer-with-link", then=shows(".qr-code svg")),
    Visit("two-factor-set-up-errors", lambda site: "/tweestapsverificatie/", "newcomer-with-link", then=send_the_form),
    Visit("two-factor-recovery-codes", lambda site: "/tweestapsverificatie/herstelcodes/", "new-recovery-codes"),
    Visit("two-factor-settings", lambda site: "/tweestapsverificatie/beheer/", then=offers_a_passkey),
    Visit("two-factor-settings-errors", lambda site: "/tweestapsverificatie/beheer/", then=send_the_form),
    Visit("accessibility-statement", lambda site: "/toegankelijkheid/"),
    Visit("privacy-notice", lambda site: "/privacy/"),
    Visit("not-allowed", organisation("Gemeente Utrecht", "bewerken/"), "reader", status=403),
    Visit("not-found", lambda site: "/bestaat-niet/", status=404),
    Visit("login", lambda site: "/login/", None),
    Visit("login-failed", lambda site: "/login/", None, then=log_in_with_the_wrong_password),
    Visit("login-locked-out", lambda site: "/login/", None, then=lock_out),
    Visit("mail-opt-out", lambda site: site.opt_out_link, None),
    Visit("mail-opt-out-done", lambda site: site.opt_out_link, None, then=stop_the_mails),
    Visit("mail-opt-out-invalid", lambda site: "/mail/stop/ongeldig/", None, status=404),
    Visit("survey-link-invalid", lambda site: "/s/ditbestaatniet/", None, status=404),
    Visit("survey-throttled", lambda site: "/s/ditbestaatniet/", None, status=429, before=throttle_the_links),
    *respondent_visits("nl"),
    *respondent_visits("en"),
]


@pytest.fixture(autouse=True)
def fresh_link_throttle():
    """The respondent pages count link attempts per address; every test starts with none."""
    cache.clear()


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.name)
def test_it_has_no_accessibility_violations(visit, site, site_page, screenshot):
    page = site_page
    if visit.user:
        site.sign_in(page, visit.user)
    url = visit.url(site)
    if visit.before:
        visit.before(page)

    response = page.goto(url)
    assert response.status == visit.status
    if visit.then:
        visit.then(page)
    if visit.screenshot:
        screenshot(page, visit.screenshot)
    if visit.phone_screenshot:
        size = page.viewport_size
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, visit.phone_screenshot)
        page.set_viewport_size(size)

    assert_accessible(page)
    assert_reflows(page)
