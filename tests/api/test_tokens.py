import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisaties"


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_command_prints_the_token_once_on_its_last_line_and_stores_only_a_digest(liaison_officer):
    output = io.StringIO()

    call_command("create_api_token", "officer", "--read-only", "--expires-days", "30", stdout=output)

    secret = output.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.read_only and token.user == liaison_officer
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert secret not in str(ApiToken.objects.values().get())
    assert client_with(secret).get(URL).status_code == 200


def test_command_refuses_an_unknown_user(db):
    with pytest.raises(Exception, match="No active user"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_use_is_recorded(liaison_officer):
    token, secret = api_token_create(user=liaison_officer, name="portal")

    client_with(secret).get(URL)

    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive user"])
def test_unusable_token_gets_401(liaison_officer, state):
    token, secret = api_token_create(user=liaison_officer, name="portal")
    if state == "revoked":
        api_token_revoke(token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif state == "unknown":
        secret = secret[:-2] + "xx"
    else:
        liaison_officer.is_active = False
        liaison_officer.save()

    response = client_with(secret).get(URL)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"


def test_scheme_name_is_case_insensitive(liaison_officer):
    _, secret = api_token_create(user=liaison_officer, name="portal")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"bearer {secret}")

    assert client.get(URL).status_code == 200


def test_browser_session_reads_the_api(client, liaison_officer):
    client.force_login(liaison_officer)

    assert client.get(URL).status_code == 200


@override_settings(API_RATE_LIMIT="3/minute")
def test_token_is_throttled_with_rate_limit_headers(liaison_officer):
    _, secret = api_token_create(user=liaison_officer, name="portal")
    _, other_secret = api_token_create(user=liaison_officer, name="warehouse")
    client = client_with(secret)

    responses = [client.get(URL) for _ in range(4)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["X-Rate-Limit-Remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert responses[0]["X-Rate-Limit-Limit"] == "3"
    assert int(responses[0]["X-Rate-Limit-Reset"]) <= 60
    assert responses[3]["Content-Type"] == "application/problem+json"
    assert int(responses[3]["Retry-After"]) > 0
    assert client_with(other_secret).get(URL).status_code == 200


def test_admin_creates_a_token_and_shows_it_once(admin_client, liaison_officer):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"),
        {"user": liaison_officer.pk, "name": "partner portal", "read_only": "on"},
        follow=True,
    )

    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    secret = shown[0].rsplit(" ", 1)[-1]
    assert token.name == "partner portal" and token.read_only
    assert client_with(secret).get(URL).status_code == 200


def test_admin_revokes_tokens(admin_client, liaison_officer):
    token, secret = api_token_create(user=liaison_officer, name="portal")

    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert client_with(secret).get(URL).status_code == 401
