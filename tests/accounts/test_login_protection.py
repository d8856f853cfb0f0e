"""Login protection: lockout after repeated failures, passwords by length not composition, an idle and an absolute
session limit, the end of a deactivated user's sessions, and a second factor for administrators and coordinators."""

import secrets
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enrolment import enrolment_links_issue
from accounts.sessions import SIGNED_IN_AT
from mail.models import OutboxMessage
from tests.accounts.test_security_log import PASSWORD, security_log  # noqa: F401 (a fixture)
from tests.crm.test_settings import manage

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


def test_five_wrong_passwords_lock_the_name_out_from_that_address_and_say_so_in_the_log(liaison_officer, security_log):  # noqa: F811
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        log_in(attacker, "officer", "wrong password")

    locked = log_in(attacker, "officer")

    assert locked.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert security_log.events("login.lockout")[0] | {"time": ""} == {
        "time": "", "action": "login.lockout", "object": "", "result": "denied", "origin": "203.0.113.7",
        "actor": "officer",
    }  # fmt: skip
    # The officer at their own desk is not locked out by someone else's guessing.
    assert log_in(Client(REMOTE_ADDR="198.51.100.2"), "officer").status_code == 302


# PROXIES_IN_FRONT=1: one TLS proxy, which appends the client's address to X-Forwarded-For.
@override_settings(AXES_IPWARE_PROXY_COUNT=0, AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"])
def test_behind_the_proxy_the_lockout_is_per_client_not_per_proxy(liaison_officer):
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(5):
        log_in(attacker, "officer", "wrong password")

    assert log_in(attacker, "officer").status_code == 429
    assert log_in(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2"), "officer").status_code == 302


@pytest.mark.parametrize("password", ["kort wachtw", "password1234", "officer@agency.example"])
def test_short_common_or_name_like_passwords_are_refused(liaison_officer, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=liaison_officer)


def test_a_long_password_needs_no_digits_capitals_or_symbols(liaison_officer):
    validate_password("paarse olifanten dansen", user=liaison_officer)


def test_a_session_idle_for_thirty_minutes_has_ended(client, liaison_officer):
    client.force_login(liaison_officer)
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get("/")["Location"].startswith("/login/")


def test_every_request_moves_the_idle_limit_on(client, liaison_officer):
    client.force_login(liaison_officer)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))

    client.get("/")

    assert Session.objects.get().expire_date - timezone.now() > timedelta(minutes=29)


def test_a_session_ends_after_ten_hours_however_busy(client, liaison_officer, security_log):  # noqa: F811
    client.force_login(liaison_officer)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 10 * 3600 - 1
    session.save()

    response = client.get("/organisaties/")

    assert response["Location"].startswith("/login/?next=/organisaties/")
    assert client.get("/")["Location"].startswith("/login/")
    assert security_log.events("session.expired")


def test_the_sessions_of_a_deactivated_user_end(client, liaison_officer):
    client.force_login(liaison_officer)
    assert client.get("/").status_code == 200

    liaison_officer.is_active = False
    liaison_officer.save()

    assert client.get("/")["Location"].startswith("/login/")


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_coordinator_sets_up_and_then_uses_a_second_factor(coordinator, security_log):  # noqa: F811
    browser = Client()
    assert log_in(browser, "coordinator")["Location"] == "/"

    first = browser.get("/organisaties/")
    assert first["Location"] == "/tweestapsverificatie/?next=%2Forganisaties%2F"
    browser.get(first["Location"])  # mails the set-up link (tests/accounts/test_second_factor.py)
    link = enrolment_links_issue([OutboxMessage.objects.get(kind="second_factor_enrolment")])[0]
    assert browser.get(link.removeprefix(settings.SITE_URL))["Location"] == "/tweestapsverificatie/"
    setup = browser.get(first["Location"])
    assert "<svg" in setup.content.decode()
    assert browser.post("/tweestapsverificatie/", {"code": "000000", "next": "/organisaties/"}).status_code == 200
    # django-otp makes a user wait after a wrong code (doubling each time); this user waited.
    TOTPDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    confirmed = browser.post("/tweestapsverificatie/", {"code": current_code(coordinator), "next": "/organisaties/"})
    assert confirmed["Location"] == "/tweestapsverificatie/herstelcodes/?next=%2Forganisaties%2F"
    assert browser.get("/organisaties/").status_code == 200
    assert [event["result"] for event in security_log.events("login.second_factor")] == ["failure", "success"]

    again = Client()
    log_in(again, "coordinator")
    page = again.get("/tweestapsverificatie/").content.decode()
    assert "<svg" not in page  # a confirmed device is not shown again
    assert again.get("/api/v1/organisaties").status_code == 403


def test_a_liaison_officer_needs_no_second_factor(liaison_officer):
    browser = Client()
    log_in(browser, "officer")

    assert browser.get("/organisaties/").status_code == 200


def test_production_settings_pass_the_deploy_check_with_host_cookies():
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "crm.agency.example",
    }
    check = manage("check", "--deploy", "--fail-level", "WARNING", **production)
    names = ["SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
             "SESSION_COOKIE_SAMESITE", "SECURE_HSTS_SECONDS"]  # fmt: skip
    code = f"from django.conf import settings; print(*(getattr(settings, name) for name in {names!r}))"
    cookies = manage("shell", "-c", code, **production)

    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout
    assert cookies.stdout.split()[-6:] == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "Lax", "31536000"]
