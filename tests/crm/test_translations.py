"""The Dutch admin speaks Dutch, also on the pages of the third-party apps (locale/third_party)."""

import re
from html import unescape

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# One string of each app whose own catalogue leaves it in English, as the app writes it.
THIRD_PARTY_STRINGS = {
    "Run selected tasks": "Geselecteerde taken nu uitvoeren",  # django-celery-beat's action
    "periodic tasks": "periodieke taken",
    "Clean up expired attempts": "Verlopen inlogpogingen opruimen",  # django-axes
    "access attempts": "inlogpogingen",
    "Please enter your OTP token.": "Voer uw eenmalige code in.",  # django-otp
    "WebAuthn credentials": "passkeys",  # django-otp-webauthn
    "Change reason": "Reden van de wijziging",  # django-simple-history
    "Select all": "Alles selecteren",  # django-import-export
    "Model name": "Modelnaam",  # Django's admin index, visually hidden table header
}

# The changelists of the third-party apps, with rows, so that every column header shows.
THIRD_PARTY_LISTS = [
    "admin:axes_accessattempt_changelist",
    "admin:axes_accesslog_changelist",
    "admin:axes_accessfailurelog_changelist",
    "admin:django_celery_beat_periodictask_changelist",
    "admin:django_celery_beat_intervalschedule_changelist",
    "admin:django_celery_beat_crontabschedule_changelist",
    "admin:otp_totp_totpdevice_changelist",
    "admin:otp_static_staticdevice_changelist",
]
# Words that Dutch writes as English does, and the empty choice.
SAME_IN_BOTH = {"", "---------", "ID", "Interval", "Crontab", "Status", "Token"}


def texts(html: str, pattern: str) -> set[str]:
    return {unescape(re.sub(r"<[^>]+>", "", found)).strip() for found in re.findall(pattern, html, re.S)}


def headers_and_actions(html: str) -> set[str]:
    headers = texts(html, r'<th scope="col"[^>]*>(.*?)</th>')
    actions = texts(html, r'<select name="action"[^>]*>(.*?)</select>')
    options = texts(html, r"<option [^>]*>(.*?)</option>") if actions else set()
    return headers | options


@pytest.mark.parametrize(("english", "dutch"), THIRD_PARTY_STRINGS.items())
def test_third_party_strings_are_dutch_in_dutch(english, dutch):
    with translation.override("nl"):
        assert translation.gettext(english) == dutch
    with translation.override("en"):
        assert translation.gettext(english) == english


@pytest.mark.parametrize("list_name", THIRD_PARTY_LISTS)
def test_third_party_admin_lists_have_dutch_headers_and_actions(admin_client, superuser, list_name):
    AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=1)
    TOTPDevice.objects.create(user=superuser, name="telefoon")
    StaticDevice.objects.create(user=superuser, name="herstelcodes")
    url = reverse(list_name)

    dutch = headers_and_actions(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    english = headers_and_actions(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert dutch, "the page shows no headers"
    assert (dutch & english) - SAME_IN_BOTH == set()


def test_celery_beat_offers_to_run_tasks_in_dutch(admin_client):
    response = admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist"), HTTP_ACCEPT_LANGUAGE="nl")

    assert "Geselecteerde taken nu uitvoeren" in response.content.decode()
    assert "Periodieke taken" in response.content.decode()


def test_the_admin_search_icon_and_index_headers_are_dutch(admin_client):
    changelist = admin_client.get(reverse("admin:stakeholders_topic_changelist"), HTTP_ACCEPT_LANGUAGE="nl")
    index = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nl")

    assert 'alt="Zoeken"' in changelist.content.decode()
    assert texts(index.content.decode(), r'<th scope="col"[^>]*>(.*?)</th>') >= {
        "Modelnaam",
        "Link om toe te voegen",
        "Link om de lijst te wijzigen of te bekijken",
    }


def test_the_admins_javascript_catalogue_has_the_chooser_in_dutch(admin_client):
    # SelectFilter2.js (filter_horizontal) builds "Choose groups by selecting them…" from these.
    catalogue = admin_client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Kies %s door ze te selecteren" in catalogue
    assert "Alle %s kiezen" in catalogue


def test_the_history_page_is_dutch(admin_client):
    organisation = OrganisationFactory()

    response = admin_client.get(
        reverse("admin:stakeholders_organisation_history", args=[organisation.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    )

    headers = texts(response.content.decode(), r'<th scope="col"[^>]*>(.*?)</th>')
    assert "Reden van de wijziging" in headers
    assert "Change reason" not in response.content.decode()


def test_the_group_page_lists_permissions_in_dutch(admin_client):
    page = admin_client.get(reverse("admin:auth_group_add"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Stakeholders | organisatie | Kan organisatie toevoegen" in page
    assert "Stakeholders | contactpersoon | Kan persoonsgegevens van een contactpersoon exporteren" in page
    assert "Can add" not in page and "Can view" not in page


def test_the_user_page_lists_permissions_in_english_in_english(admin_client, superuser):
    page = admin_client.get(
        reverse("admin:auth_user_change", args=[superuser.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Stakeholders | organisation | Can add organisation" in page


def test_celery_beats_task_form_is_dutch(admin_client):
    page = admin_client.get(
        reverse("admin:django_celery_beat_periodictask_add"), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert "Crontab in woorden" in page
    assert "Taak (geregistreerd)" in page
    assert "Crontab translation" not in page
