"""Bulk reads leave a trace: every request that shows a list of contact persons' data (the API's list and CSV, the
web UI's lists, admin's changelist and export) writes one access record with who, when, which list with which filter,
and how many persons it held. The curious colleague who pages through everyone is on record."""

import pytest
from django.db.models import Max

from privacy.models import AccessAction, AccessRecord
from stakeholders.resources import ContactResource
from tests.api.clients import token_client
from tests.factories import ContactFactory, OrganisationFactory
from tests.security.test_hostile_exports import admin_export
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    organisation = OrganisationFactory(name="Gemeente Ede")
    return [ContactFactory(organisation=organisation, last_name=f"Jansen{n}") for n in range(3)] + [ContactFactory()]


def signed_in(user) -> SignedInClient:
    client = SignedInClient()
    client.force_login(user)
    return client


def the_list_record() -> AccessRecord:
    """The one record the request wrote: one row per request, not one per person."""
    [record] = AccessRecord.objects.all()
    return record


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_the_api_list_of_contacts_is_recorded_once_with_its_filter_and_count(liaison_officer, people):
    response = token_client(liaison_officer).get("/api/v1/contactpersonen", {"zoek": "Jansen"})

    assert response.status_code == 200
    record = the_list_record()
    assert (record.actor_username, record.action, record.contact_id) == ("officer", AccessAction.LIST, None)
    assert record.query == "/api/v1/contactpersonen?zoek=Jansen"
    assert record.persons == len(response.json()["resultaten"]) == 3
    assert record.origin == "127.0.0.1"


def test_the_csv_of_contacts_is_recorded_with_every_row_it_streams(liaison_officer, people):
    response = token_client(liaison_officer).get("/api/v1/contactpersonen", HTTP_ACCEPT="text/csv")

    rows = body(response).strip().splitlines()[1:]
    record = the_list_record()
    assert (record.action, record.persons, record.query) == (AccessAction.LIST, len(rows), "/api/v1/contactpersonen")
    assert record.persons == 4


def test_an_organisations_contacts_through_the_api_are_recorded(liaison_officer, people):
    organisation = people[0].organisation

    token_client(liaison_officer).get(f"/api/v1/organisaties/{organisation.pk}/contactpersonen")

    assert the_list_record().persons == 3


def test_organisations_with_their_contacts_expanded_are_recorded_and_without_them_not(liaison_officer, people):
    api = token_client(liaison_officer)

    api.get("/api/v1/organisaties")
    assert not AccessRecord.objects.exists()

    api.get("/api/v1/organisaties", {"expand": "contactpersonen"})
    record = the_list_record()
    assert (record.persons, record.query) == (4, "/api/v1/organisaties?expand=contactpersonen")


def test_the_contact_list_page_is_recorded_with_its_filter(liaison_officer, people):
    response = signed_in(liaison_officer).get("/contactpersonen/", {"zoek": "Jansen"})

    assert response.status_code == 200
    record = the_list_record()
    assert (record.action, record.persons, record.query) == (AccessAction.LIST, 3, "/contactpersonen/?zoek=Jansen")


def test_an_organisation_page_lists_its_contacts_and_is_recorded(liaison_officer, people):
    signed_in(liaison_officer).get(f"/organisaties/{people[0].organisation_id}/")

    assert the_list_record().persons == 3


def test_admins_contact_changelist_is_recorded(admin_client, superuser, people):
    response = admin_client.get("/admin/stakeholders/contact/", {"q": "Jansen"})

    assert response.status_code == 200
    record = the_list_record()
    assert (record.actor_username, record.persons, record.query) == ("root", 3, "/admin/stakeholders/contact/?q=Jansen")


def test_admins_contact_export_is_recorded_with_every_exported_person(admin_client, people):
    response = admin_export(admin_client, "contact", ContactResource, "0")

    assert response["Content-Type"].startswith("text/csv")
    assert len(body(response).strip().splitlines()) == 5
    assert the_list_record().persons == 4


def test_a_filter_with_line_breaks_is_recorded_on_one_line(liaison_officer, people):
    token_client(liaison_officer).get("/api/v1/contactpersonen", {"zoek": "Jansen\r\nforged line\x1b[2J"})

    record = the_list_record()
    assert "\n" not in record.query and "\r" not in record.query and "\x1b" not in record.query
    assert record.query.startswith("/api/v1/contactpersonen?zoek=Jansen")


def test_a_curious_colleague_paging_through_everyone_leaves_one_record_per_page(liaison_officer):
    ContactFactory.create_batch(30)
    client = signed_in(liaison_officer)

    client.get("/contactpersonen/")
    client.get("/contactpersonen/", {"pagina": 2})

    records = AccessRecord.objects.order_by("id")
    assert [(record.query, record.persons) for record in records] == [
        ("/contactpersonen/", 25),
        ("/contactpersonen/?pagina=2", 5),
    ]
    assert AccessRecord.objects.aggregate(Max("persons"))["persons__max"] == 25
