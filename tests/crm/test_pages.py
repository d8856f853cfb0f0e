import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch_by_default(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl"' in page
    assert "Inloggen" in page
    assert "Naar de inhoud" in page


def test_login_page_speaks_english_when_asked(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_anonymous_visitor_of_the_home_page_is_sent_to_log_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officer_logs_in_and_reaches_the_home_page(client, liaison_officer):
    response = client.post(
        reverse("login"), {"username": "officer", "password": "correct horse battery staple"}, follow=True
    )

    assert response.status_code == 200
    assert response.context["user"] == liaison_officer


def test_health_reports_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "outbox": "ok"}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_BROKER_TRANSPORT_OPTIONS={})
def test_health_answers_503_when_the_broker_is_down(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable", "outbox": "ok"}
