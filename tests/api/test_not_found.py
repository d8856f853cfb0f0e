"""Any address under /api/ that matches no route answers the API's problem+json 404, with DEBUG on as well as off:
never Django's HTML debug page, which lists every route of the project to whoever probes for one."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

PROBES = ["/api/v1/contactpersonen/0.5", "/api/v1/bestaat-niet", "/api/v2/organisaties", "/api/", "/api/v1/%00"]


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
@pytest.mark.parametrize("path", PROBES)
def test_an_unknown_api_address_answers_a_problem_404(api, path, debug):
    with override_settings(DEBUG=debug):
        response = api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 404
    assert "urlpatterns" not in response.content.decode() and "<html" not in response.content.decode().lower()


def test_an_unknown_address_outside_the_api_still_gets_the_html_page(client):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_write_with_a_session_cookie_to_an_unknown_api_address_is_a_problem_404_not_a_csrf_page(liaison_officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(liaison_officer)

    response = client.patch("/api/v1/contactpersonen/0.5", "{}", content_type="application/json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
