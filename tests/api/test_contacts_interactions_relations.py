import datetime

import pytest
from django.utils import timezone

from stakeholders.models import Contact, FollowUpAction, Interaction, OrganisationRelation, Tag
from tests.api.test_organisations import assert_problem
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    TagFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_contacts_filter_by_organisation_kind_level_and_active(api):
    municipality = OrganisationFactory(kind="municipality")
    wethouder = ContactFactory(organisation=municipality, level="executive")
    retired = ContactFactory(organisation=municipality, level="executive", is_active=False)
    ContactFactory(level="operational")

    assert ids(api.get("/api/v1/contactpersonen?kind=municipality&level=executive&active=true")) == [wethouder.id]
    assert ids(api.get("/api/v1/contactpersonen?active=false")) == [retired.id]
    assert set(ids(api.get(f"/api/v1/organisaties/{municipality.id}/contactpersonen"))) == {wethouder.id, retired.id}


def test_contacts_of_a_missing_organisation_are_a_404_problem(api):
    assert_problem(api.get("/api/v1/organisaties/999999/contactpersonen"), 404)


def test_officer_adds_and_changes_a_contact(api):
    organisation = OrganisationFactory()

    created = api.post(
        "/api/v1/contactpersonen",
        {"organisation": organisation.id, "firstName": "Jan", "namePrefix": "van der", "lastName": "Berg",
         "level": "policy", "email": "jan@gemeente.example"},
        format="json",
    )  # fmt: skip
    changed = api.patch(f"/api/v1/contactpersonen/{created.json()['id']}", {"jobTitle": "Wethouder"}, format="json")

    assert created.status_code == 201, created.content
    assert changed.status_code == 200, changed.content
    contact = Contact.objects.get()
    assert (contact.full_name, contact.job_title, contact.history.count()) == ("Jan van der Berg", "Wethouder", 2)


def test_contact_cannot_move_to_another_organisation(api):
    contact = ContactFactory()

    response = api.patch(f"/api/v1/contactpersonen/{contact.id}", {"organisation": OrganisationFactory().id},
                         format="json")  # fmt: skip

    assert_problem(response, 400, "organisation")


def test_duplicate_contact_email_in_one_organisation_is_refused(api):
    contact = ContactFactory(email="jan@gemeente.example")

    response = api.post(
        "/api/v1/contactpersonen",
        {"organisation": contact.organisation_id, "firstName": "J", "lastName": "B", "email": "JAN@gemeente.example"},
        format="json",
    )

    assert response.status_code == 400
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(("field", "value"), [("isActive", "yes"), ("firstName", 5), ("organisation", "1")])
def test_a_value_of_the_wrong_json_type_is_refused(api, field, value):
    organisation = OrganisationFactory()
    body = {"organisation": organisation.id, "firstName": "Jan", "lastName": "Berg", field: value}

    assert_problem(api.post("/api/v1/contactpersonen", body, format="json"), 400, field)


def test_officer_logs_an_interaction_with_follow_ups_as_themselves(api, liaison_officer):
    organisation = OrganisationFactory()
    contact = ContactFactory(organisation=organisation)
    TopicFactory(name="Terugkeer")
    moment = (timezone.now() - datetime.timedelta(hours=2)).astimezone(datetime.UTC)

    response = api.post(
        "/api/v1/interacties",
        {"organisation": organisation.id, "contacts": [contact.id], "channel": "meeting",
         "occurredAt": moment.isoformat().replace("+00:00", "Z"), "subject": "Ketenoverleg", "topics": ["Terugkeer"],
         "followUps": [{"description": "Verslag sturen", "assignee": "officer", "dueOn": "2030-01-01"}]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    assert response.json()["loggedBy"] == "officer"
    assert response.json()["followUps"][0]["assignee"] == "officer"
    interaction = Interaction.objects.get()
    assert interaction.logged_by == liaison_officer
    assert FollowUpAction.objects.get().due_on == datetime.date(2030, 1, 1)
    organisation.refresh_from_db()
    assert organisation.last_contact_on == timezone.localdate(moment)


def test_interaction_with_a_contact_of_another_organisation_writes_nothing(api):
    organisation = OrganisationFactory()

    response = api.post(
        "/api/v1/interacties",
        {"organisation": organisation.id, "contacts": [ContactFactory().id], "channel": "call",
         "occurredAt": "2026-01-05T10:00:00Z", "subject": "Bellen",
         "followUps": [{"description": "Terugbellen"}]},
        format="json",
    )  # fmt: skip

    assert_problem(response, 400, "contacts")
    assert not Interaction.objects.exists() and not FollowUpAction.objects.exists()


def test_interactions_filter_by_period_channel_and_author(api, liaison_officer):
    january = InteractionFactory(channel="call", logged_by=liaison_officer,
                                 occurred_at=datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC))  # fmt: skip
    InteractionFactory(channel="call", occurred_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC))
    InteractionFactory(channel="meeting", occurred_at=datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC))

    query = "occurredFrom=2026-01-01T00:00:00Z&occurredUntil=2026-02-01T00:00:00%2B01:00&channel=call&loggedBy=officer"
    assert ids(api.get(f"/api/v1/interacties?{query}")) == [january.id]


def test_relations_are_created_and_filtered_by_kind(api):
    source, target = OrganisationFactory.create_batch(2)
    OrganisationRelationFactory(kind="partner_of")

    response = api.post("/api/v1/relaties", {"source": source.id, "target": target.id, "kind": "funds"}, format="json")

    assert response.status_code == 201, response.content
    assert ids(api.get("/api/v1/relaties?kind=funds")) == [OrganisationRelation.objects.get(kind="funds").id]


def test_relation_to_itself_is_refused(api):
    organisation = OrganisationFactory()

    response = api.post(
        "/api/v1/relaties", {"source": organisation.id, "target": organisation.id, "kind": "funds"}, format="json"
    )

    assert response.status_code == 400
    assert not OrganisationRelation.objects.exists()


def test_labels_are_listed_searched_and_added_once(api):
    TagFactory(name="Ketenpartner")

    assert [row["name"] for row in api.get("/api/v1/labels?search=keten").json()["results"]] == ["Ketenpartner"]
    assert api.post("/api/v1/labels", {"name": "Pilot"}, format="json").status_code == 201
    assert_problem(api.post("/api/v1/labels", {"name": "pilot"}, format="json"), 400)
    assert Tag.objects.count() == 2
