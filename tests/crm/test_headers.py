"""The security headers of a page, an API response and the OpenAPI document."""

import pytest
from django.test import override_settings

from tests.api.clients import token_client

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def responses(client, liaison_officer):
    client.force_login(liaison_officer)
    return {
        "page": client.get("/organisaties/"),
        "api": token_client(liaison_officer).get("/api/v1/organisaties"),
        "openapi": client.get("/api/v1/openapi.json"),
    }


@pytest.mark.parametrize("kind", ["page", "api", "openapi"])
def test_every_response_carries_the_security_headers(responses, kind):
    response = responses[kind]
    policy = policy_of(response)

    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("kind", ["page", "api", "openapi"])
def test_what_a_signed_in_user_sees_is_never_cached(responses, kind):
    assert "no-store" in responses[kind]["Cache-Control"]


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_over_https_browsers_are_told_to_keep_to_https_for_a_year(client, liaison_officer):
    client.force_login(liaison_officer)

    response = client.get("/organisaties/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
