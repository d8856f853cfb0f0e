"""A coordinator sets up the second factor through the mailed link, adds a passkey, and confirms the next login with
it, in chromium with a virtual authenticator (Chrome DevTools Protocol): WebAuthn needs a secure context, and
http://localhost is one."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from accounts import roles
from accounts.enrolment import enrolment_links_issue
from mail.models import OutboxMessage
from tests.browser.conftest import assert_accessible
from tests.browser.test_login import PASSWORD, log_in_through_the_form
from tests.factories import UserFactory

WEBAUTHN_TIMEOUT_MS = 20_000


@pytest.fixture
def relying_party(settings, live_server):
    """Passkeys for the live server's origin (its port changes every run)."""
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page: Page) -> None:
    """A platform authenticator that says yes at once, as a fingerprint reader would for its owner."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_coordinator_adds_a_passkey_and_confirms_the_next_login_with_it(page, live_server, relying_party):
    coordinator = UserFactory(username="coordinator", role=roles.COORDINATORS, password=PASSWORD)
    virtual_authenticator(page)

    # The password alone: a link is mailed, nothing to scan.
    log_in_through_the_form(page, "coordinator", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(page.locator("svg")).to_have_count(0)
    mail = OutboxMessage.objects.get(kind="second_factor_enrolment", user=coordinator)
    link = enrolment_links_issue([mail])[0].split("/", 3)[3]

    # The link opens the set-up; the app's first code confirms it, and the recovery codes follow.
    page.goto(f"/{link}")
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(coordinator))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    expect(page.locator(".recovery-codes code")).to_have_count(10)

    # A passkey, from the settings page.
    page.get_by_role("link", name="Tweestapsverificatie beheren").click()
    page.get_by_role("button", name="Passkey toevoegen").click()
    # The package's script talks to the server and the authenticator before the page reloads: on a busy machine that
    # takes longer than Playwright's default of five seconds.
    expect(page.locator(".passkey-list")).to_contain_text("Passkey toegevoegd op", timeout=WEBAUTHN_TIMEOUT_MS)
    passkey = WebAuthnCredential.objects.get(user=coordinator)
    assert passkey.confirmed
    assert OutboxMessage.objects.filter(kind="second_factor_added", user=coordinator).count() == 2  # app, passkey

    # The next login: password, then the passkey instead of a code.
    page.get_by_role("button", name="Uitloggen").click()
    log_in_through_the_form(page, "coordinator", PASSWORD)
    expect(page).to_have_url(re.compile(r"/tweestapsverificatie/\?next=%2F$"))
    assert_accessible(page)
    page.get_by_role("button", name="Bevestigen met een passkey").click()

    expect(page).to_have_url(f"{live_server.url}/", timeout=WEBAUTHN_TIMEOUT_MS)
    page.goto("/organisaties/")
    expect(page).to_have_url(f"{live_server.url}/organisaties/")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
