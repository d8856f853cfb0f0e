"""Password spraying: a few guesses at many user names from one address, or one name from many addresses, never
reaches the per-name-per-address lockout. Both are stopped, and the guessing shows in the security log, as do refused
API tokens and password changes."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens import api_token_create, api_token_revoke
from tests.accounts.test_security_log import PASSWORD, security_log  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_thirty_names_with_four_guesses_each_from_one_address_are_stopped(security_log):  # noqa: F811
    names = [f"medewerker{n}" for n in range(30)]
    for name in names:
        UserFactory(username=name)
    attacker = Client(REMOTE_ADDR="203.0.113.7")

    guesses = ("Welkom01!", "Zomer2026!", "Wachtwoord1", "Qwerty123456")
    answers = [log_in(attacker, name, guess).status_code for guess in guesses for name in names]

    assert answers.count(429) >= len(answers) - 30
    # Even the right password of a real user is refused from that address now, but not from elsewhere.
    assert log_in(attacker, "medewerker29").status_code == 429
    assert log_in(Client(REMOTE_ADDR="198.51.100.2"), "medewerker29").status_code == 302
    assert security_log.events("login.lockout")


def test_one_name_guessed_from_many_addresses_is_stopped(liaison_officer):
    answers = [
        log_in(Client(REMOTE_ADDR=f"203.0.113.{address}"), "officer", f"gok {guess}").status_code
        for address in range(1, 16)
        for guess in range(3)
    ]

    assert answers.count(429) >= len(answers) - 20
    assert log_in(Client(REMOTE_ADDR="198.51.100.99"), "officer").status_code == 429


def test_a_few_wrong_passwords_of_a_colleague_elsewhere_do_not_lock_them_out(liaison_officer):
    for address in range(1, 4):
        for _ in range(4):
            log_in(Client(REMOTE_ADDR=f"203.0.113.{address}"), "officer", "wrong password")

    assert log_in(Client(REMOTE_ADDR="198.51.100.2"), "officer").status_code == 302


def test_signing_in_with_a_valid_account_does_not_wipe_the_count_of_the_address(liaison_officer):
    UserFactory(username="accomplice")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(29):
        log_in(attacker, f"slachtoffer{n}", "Welkom01!")

    assert log_in(Client(REMOTE_ADDR="203.0.113.7"), "accomplice").status_code == 302
    log_in(attacker, "slachtoffer29", "Welkom01!")

    assert log_in(attacker, "officer").status_code == 429


def test_a_refused_api_token_is_logged_without_the_token(security_log):  # noqa: F811
    guess = "crm_" + "A" * 43
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {guess}")
    response = client.get("/api/v1/organisaties", REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 401
    [event] = security_log.events("api.token")
    assert (event["result"], event["object"], event["origin"]) == ("failure", "unknown", "203.0.113.7")
    assert "AAAA" not in security_log.text


def test_a_revoked_api_token_is_logged_by_its_id_and_user(reader, security_log):  # noqa: F811
    token, secret = api_token_create(user=reader, name="Datawarehouse")
    api_token_revoke(token=token)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert client.get("/api/v1/organisaties").status_code == 401
    [event] = security_log.events("api.token")
    assert (event["object"], event["actor"]) == (f"api-token:{token.pk}", "reader")
    assert secret not in security_log.text and secret[4:12] not in security_log.text


def test_a_password_change_is_logged_and_a_refused_one_too(liaison_officer, security_log):  # noqa: F811
    client = Client()
    client.force_login(liaison_officer)
    new = "paarse olifanten dansen"

    refused = client.post("/wachtwoord/", {"old_password": "geraden", "new_password1": new, "new_password2": new})
    changed = client.post("/wachtwoord/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})

    assert refused.status_code == 200 and changed.status_code == 302
    events = [(event["result"], event["object"], event["actor"]) for event in security_log.events("password.change")]
    assert events == [
        ("failure", f"user:{liaison_officer.pk}", "officer"),
        ("success", f"user:{liaison_officer.pk}", "officer"),
    ]
    assert new not in security_log.text


def test_an_administrator_setting_a_users_password_is_logged(admin_client, liaison_officer, security_log):  # noqa: F811
    new = "paarse olifanten dansen"

    response = admin_client.post(
        f"/admin/auth/user/{liaison_officer.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 302
    [event] = security_log.events("password.change")
    assert (event["result"], event["object"], event["actor"]) == ("success", f"user:{liaison_officer.pk}", "root")
    assert get_user_model().objects.get(pk=liaison_officer.pk).check_password(new)
