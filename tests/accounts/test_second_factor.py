"""The second factor cannot be bound with the password alone: a link mailed to the user's own address opens the
set-up, once. Devices added or removed are mailed to their user; recovery codes work once each; passkeys are
registered only by a session that passed the second factor."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.enrolment import enrolment_link_send, enrolment_links_issue
from accounts.models import EnrolmentLink
from accounts.two_factor import recovery_codes_issue
from mail.models import MailPreferences, OutboxMessage
from mail.smtp import PERSONAL_LINK
from tests.accounts.test_security_log import PASSWORD, security_log  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.mail.test_outbox import send_due, smtp  # noqa: F401 (a fixture)
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db

CODE_PAGE = "/tweestapsverificatie/"
SETTINGS_PAGE = "/tweestapsverificatie/beheer/"
PASSKEY_REGISTRATION = "/tweestapsverificatie/passkeys/registratie/begin/"


def logged_in_with_password(username: str) -> Client:
    browser = Client()
    assert browser.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return browser


def current_code(user) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def mails(kind: str, user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind, user=user).order_by("id"))


def link_of(message: OutboxMessage) -> str:
    """The link the outbox would put in this mail when it sends it; the path only."""
    url = enrolment_links_issue([message])[0]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def enrolled(user) -> list[str]:
    """Give the user an authenticator app (as through the link) and recovery codes; returns the codes."""
    TOTPDevice.objects.create(user=user, confirmed=True, name="authenticator")
    return recovery_codes_issue(user=user)


def test_the_password_alone_neither_shows_the_key_nor_binds_an_authenticator(coordinator, security_log):  # noqa: F811
    attacker = logged_in_with_password("coordinator")

    page = attacker.get(CODE_PAGE)
    attempt = attacker.post(CODE_PAGE, {"code": "123456", "next": "/"})
    passkey = attacker.post(PASSKEY_REGISTRATION, content_type="application/json")
    guessed_link = attacker.get("/tweestapsverificatie/koppelen/geraden/")

    content = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in content and "totp-key" not in content
    assert "coordinator@agency.example" in content  # where the link went
    assert attempt.status_code == 302  # "send again", nothing else
    assert passkey.status_code in (302, 403)
    assert guessed_link.status_code == 404
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not WebAuthnCredential.objects.filter(user=coordinator).exists()
    assert attacker.get("/organisaties/")["Location"] == "/tweestapsverificatie/?next=%2Forganisaties%2F"
    assert attacker.get("/api/v1/organisaties").status_code == 403
    [mail] = mails("second_factor_enrolment", coordinator)
    assert mail.to_address == "coordinator@agency.example"
    # The link is made when the mail is sent: the outbox row holds no usable link.
    assert PERSONAL_LINK in mail.body_text and "/koppelen/" not in mail.body_text + mail.body_html
    assert [event["result"] for event in security_log.events("second_factor.enrolment_link")] == ["failure"]


def test_the_mailed_link_opens_the_set_up_once_and_the_new_device_is_mailed(coordinator, security_log):  # noqa: F811
    browser = logged_in_with_password("coordinator")
    browser.get(CODE_PAGE)
    link = link_of(mails("second_factor_enrolment", coordinator)[0])

    assert browser.get(link)["Location"] == CODE_PAGE
    set_up = browser.get(CODE_PAGE).content.decode()
    assert "<svg" in set_up and "totp-key" in set_up
    confirmed = browser.post(CODE_PAGE, {"code": current_code(coordinator), "next": "/organisaties/"})

    assert confirmed["Location"] == "/tweestapsverificatie/herstelcodes/?next=%2Forganisaties%2F"
    codes_page = browser.get(confirmed["Location"]).content.decode()
    assert codes_page.count("<code>") == 10
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    assert browser.get(confirmed["Location"])["Location"] == SETTINGS_PAGE  # shown once
    assert browser.get("/organisaties/").status_code == 200
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    [added] = mails("second_factor_added", coordinator)
    assert added.subject == "Er is een authenticator-app aan uw account toegevoegd"
    assert [event["result"] for event in security_log.events("second_factor.enrolment_link")] == ["success"]
    assert security_log.events("second_factor.added")[0]["object"].startswith(f"user:{coordinator.pk} authenticator:")

    # The same link, again, in another session with the password: refused.
    attacker = logged_in_with_password("coordinator")
    assert attacker.get(link).status_code == 302  # the user has a device now: to the settings, which want the code
    TOTPDevice.objects.filter(user=coordinator).delete()
    assert attacker.get(link).status_code == 404
    assert "<svg" not in attacker.get(CODE_PAGE).content.decode()


def test_a_link_works_only_for_its_own_user(coordinator):
    UserFactory(username="colleague")
    link = link_of(mails_after_first_visit(coordinator))

    assert logged_in_with_password("colleague").get(link).status_code == 404
    assert logged_in_with_password("coordinator").get(link)["Location"] == CODE_PAGE


def mails_after_first_visit(user) -> OutboxMessage:
    logged_in_with_password(user.username).get(CODE_PAGE)
    return mails("second_factor_enrolment", user)[-1]


def test_a_link_ends_after_thirty_minutes(coordinator):
    link = link_of(mails_after_first_visit(coordinator))
    assert EnrolmentLink.objects.get().expires_at - timezone.now() == pytest.approx(
        timedelta(minutes=30), abs=timedelta(seconds=5)
    )

    EnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert logged_in_with_password("coordinator").get(link).status_code == 404


def test_sending_the_link_again_is_throttled(coordinator):
    browser = logged_in_with_password("coordinator")
    browser.get(CODE_PAGE)
    browser.get(CODE_PAGE)  # a reload sends nothing new
    again = browser.post(CODE_PAGE, {"resend": "1", "next": ""}, follow=True)

    assert len(mails("second_factor_enrolment", coordinator)) == 1
    assert "enkele minuten geleden" in again.content.decode()
    later = time.time() + 5 * 60
    assert enrolment_link_send(user=coordinator, now=later)
    assert not enrolment_link_send(user=coordinator, now=later)
    assert len(mails("second_factor_enrolment", coordinator)) == 2


def test_a_user_with_a_device_gets_no_link(coordinator):
    enrolled(coordinator)
    browser = logged_in_with_password("coordinator")

    page = browser.get(CODE_PAGE).content.decode()

    assert not mails("second_factor_enrolment", coordinator)
    assert "<svg" not in page and 'name="code"' in page


def test_the_mails_about_devices_are_in_the_users_language(coordinator):
    MailPreferences.objects.create(user=coordinator, language="en")
    device = TOTPDevice.objects.create(user=coordinator, confirmed=True, name="authenticator")
    device.delete()

    assert [mail.subject for mail in OutboxMessage.objects.filter(user=coordinator).order_by("id")] == [
        "An authenticator app was added to your account",
        "An authenticator app was removed from your account",
    ]


def test_removing_a_passkey_mails_the_user(client, coordinator, security_log):  # noqa: F811
    client.force_login(coordinator)
    passkey = WebAuthnCredential.objects.create(
        user=coordinator, name="laptop", credential_id=b"id", public_key=b"key", aaguid="", confirmed=True
    )

    response = client.post(SETTINGS_PAGE, {"remove_passkey": passkey.pk})

    assert response["Location"] == SETTINGS_PAGE
    assert not WebAuthnCredential.objects.exists()
    assert [mail.subject for mail in OutboxMessage.objects.filter(user=coordinator).order_by("id")] == [
        "Er is een passkey aan uw account toegevoegd",
        "Er is een passkey van uw account verwijderd",
    ]
    assert [event["action"] for event in security_log.events() if event["action"].startswith("second_factor")] == [
        "second_factor.added", "second_factor.removed",
    ]  # fmt: skip


def test_nobody_removes_another_users_passkey(client, coordinator, liaison_officer):
    theirs = WebAuthnCredential.objects.create(
        user=liaison_officer, name="phone", credential_id=b"id", public_key=b"key", aaguid="", confirmed=True
    )
    client.force_login(coordinator)

    client.post(SETTINGS_PAGE, {"remove_passkey": theirs.pk})

    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_a_recovery_code_confirms_one_login_and_only_once(coordinator, security_log):  # noqa: F811
    codes = enrolled(coordinator)

    first = logged_in_with_password("coordinator").post(CODE_PAGE, {"code": codes[0].upper(), "next": "/"})
    second = logged_in_with_password("coordinator")
    again = second.post(CODE_PAGE, {"code": codes[0], "next": "/"})

    assert first["Location"] == "/"
    assert again.status_code == 200 and "klopt niet" in again.content.decode()
    assert second.get("/organisaties/").status_code == 302
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9
    assert [(event["object"], event["result"]) for event in security_log.events("login.second_factor")] == [
        ("recovery-code", "success"), ("recovery-code", "failure"),
    ]  # fmt: skip


def test_new_recovery_codes_need_a_code_from_the_app_and_replace_the_old_ones(client, coordinator, security_log):  # noqa: F811
    old = enrolled(coordinator)
    client.force_login(coordinator)

    refused = client.post(SETTINGS_PAGE, {"renew_codes": "1", "code": "000000"})
    assert refused.status_code == 200 and "klopt niet" in refused.content.decode()
    assert StaticToken.objects.filter(token=old[0].replace("-", "")).exists()
    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    renewed = client.post(SETTINGS_PAGE, {"renew_codes": "1", "code": current_code(coordinator)})

    assert renewed["Location"].startswith("/tweestapsverificatie/herstelcodes/")
    new = re.findall(r"<code>([a-z2-7-]{9})</code>", client.get(renewed["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=[code.replace("-", "") for code in old]).exists()
    assert len(security_log.events("second_factor.recovery_codes")) == 2  # at set-up, and now


def test_a_passkey_is_registered_only_by_a_session_that_passed_the_second_factor(liaison_officer):
    # A liaison officer may log in without a second step, but a passkey is a second step: not with the password.
    with_password = logged_in_with_password("officer")

    refused = with_password.post(PASSKEY_REGISTRATION, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "second_factor_first"
    verified = SignedInClient()
    verified.force_login(liaison_officer)
    assert verified.post(PASSKEY_REGISTRATION, content_type="application/json").status_code == 200


def test_the_link_is_made_as_the_mail_goes_out_and_the_mailed_link_opens_the_set_up(coordinator, smtp):  # noqa: F811
    browser = logged_in_with_password("coordinator")
    browser.get(CODE_PAGE)

    send_due()

    [message] = smtp.messages
    text = next(part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart())
    link = re.search(r"http\S+/koppelen/\S+/", text).group(0)
    assert message["To"] == "coordinator@agency.example"
    assert "Tweestapsverificatie instellen" in message["Subject"]
    assert EnrolmentLink.objects.get().user == coordinator
    assert browser.get(link.removeprefix(settings.SITE_URL))["Location"] == CODE_PAGE
    assert "<svg" in browser.get(CODE_PAGE).content.decode()


def test_deleting_an_account_with_devices_mails_nobody(coordinator):
    enrolled(coordinator)
    OutboxMessage.objects.all().delete()

    coordinator.delete()

    assert not OutboxMessage.objects.exists()
    assert not TOTPDevice.objects.exists()
