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
    return [row["id"] for row in response.json()["resultaten"]]


def test_contacts_filter_by_organisation_kind_level_and_active(api):
    municipality = OrganisationFactory(kind="municipality")
    wethouder = ContactFactory(organisation=municipality, level="executive")
    retired = ContactFactory(organisation=municipality, level="executive", is_active=False)
    ContactFactory(level="operational")

    assert ids(api.get("/api/v1/contactpersonen?soort=gemeente&niveau=bestuurlijk&actief=true")) == [wethouder.id]
    assert ids(api.get("/api/v1/contactpersonen?actief=false")) == [retired.id]
    assert set(ids(api.get(f"/api/v1/organisaties/{municipality.id}/contactpersonen"))) == {wethouder.id, retired.id}


def test_contacts_of_a_missing_organisation_are_a_404_problem(api):
    assert_problem(api.get("/api/v1/organisaties/999999/contactpersonen"), 404)


def test_officer_adds_and_changes_a_contact(api):
    organisation = OrganisationFactory()

    created = api.post(
        "/api/v1/contactpersonen",
        {"organisatie": organisation.id, "voornaam": "Jan", "tussenvoegsel": "van der", "achternaam": "Berg",
         "niveau": "beleid", "emailadres": "jan@gemeente.example", "voorkeurstaal": "en"},
        format="json",
    )  # fmt: skip
    changed = api.patch(f"/api/v1/contactpersonen/{created.json()['id']}", {"functie": "Wethouder"}, format="json")

    assert created.status_code == 201, created.content
    assert changed.status_code == 200, changed.content
    assert (changed.json()["niveau"], changed.json()["functie"], changed.json()["actief"]) == (
        "beleid",
        "Wethouder",
        True,
    )
    contact = Contact.objects.get()
    assert (contact.full_name, contact.job_title, contact.history.count()) == ("Jan van der Berg", "Wethouder", 2)
    assert (contact.level, contact.preferred_language) == ("policy", "en")


def test_contact_cannot_move_to_another_organisation(api):
    contact = ContactFactory()

    response = api.patch(f"/api/v1/contactpersonen/{contact.id}", {"organisatie": OrganisationFactory().id},
                         format="json")  # fmt: skip

    assert_problem(response, 400, "organisatie")


def test_duplicate_contact_email_in_one_organisation_is_refused(api):
    contact = ContactFactory(email="jan@gemeente.example")

    response = api.post(
        "/api/v1/contactpersonen",
        {
            "organisatie": contact.organisation_id,
            "voornaam": "J",
            "achternaam": "B",
            "emailadres": "JAN@gemeente.example",
        },
        format="json",
    )

    assert response.status_code == 400
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"), [("actief", "yes"), ("voornaam", 5), ("organisatie", "1"), ("niveau", "executive")]
)
def test_a_value_of_the_wrong_json_type_or_set_is_refused(api, field, value):
    organisation = OrganisationFactory()
    body = {"organisatie": organisation.id, "voornaam": "Jan", "achternaam": "Berg", field: value}

    assert_problem(api.post("/api/v1/contactpersonen", body, format="json"), 400, field)


def test_officer_logs_an_interaction_with_follow_ups_as_themselves(api, liaison_officer):
    organisation = OrganisationFactory()
    contact = ContactFactory(organisation=organisation)
    TopicFactory(name="Terugkeer")
    moment = (timezone.now() - datetime.timedelta(hours=2)).astimezone(datetime.UTC)

    response = api.post(
        "/api/v1/interacties",
        {"organisatie": organisation.id, "contactpersonen": [contact.id], "kanaal": "werkbezoek",
         "plaatsgevondenOp": moment.isoformat().replace("+00:00", "Z"), "onderwerp": "Ketenoverleg",
         "themas": ["Terugkeer"],
         "vervolgacties": [{"omschrijving": "Verslag sturen", "uitvoerder": "officer", "uiterlijkOp": "2030-01-01"}]},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    assert (response.json()["vastgelegdDoor"], response.json()["kanaal"]) == ("officer", "werkbezoek")
    assert response.json()["vervolgacties"][0]["uitvoerder"] == "officer"
    interaction = Interaction.objects.get()
    assert (interaction.logged_by, interaction.channel) == (liaison_officer, "site_visit")
    assert FollowUpAction.objects.get().due_on == datetime.date(2030, 1, 1)
    organisation.refresh_from_db()
    assert organisation.last_contact_on == timezone.localdate(moment)


def test_interaction_with_a_contact_of_another_organisation_writes_nothing(api):
    organisation = OrganisationFactory()

    response = api.post(
        "/api/v1/interacties",
        {"organisatie": organisation.id, "contactpersonen": [ContactFactory().id], "kanaal": "telefoongesprek",
         "plaatsgevondenOp": "2026-01-05T10:00:00Z", "onderwerp": "Bellen",
         "vervolgacties": [{"omschrijving": "Terugbellen"}]},
        format="json",
    )  # fmt: skip

    assert_problem(response, 400, "contactpersonen")
    assert not Interaction.objects.exists() and not FollowUpAction.objects.exists()


def test_interactions_filter_by_period_channel_and_author(api, liaison_officer):
    january = InteractionFactory(channel="call", logged_by=liaison_officer,
                                 occurred_at=datetime.datetime(2026, 1, 15, 10, tzinfo=datetime.UTC))  # fmt: skip
    InteractionFactory(channel="call", occurred_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC))
    InteractionFactory(channel="meeting", occurred_at=datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC))

    query = (
        "plaatsgevondenVanaf=2026-01-01T00:00:00Z&plaatsgevondenTot=2026-02-01T00:00:00%2B01:00"
        "&kanaal=telefoongesprek&vastgelegdDoor=officer"
    )
    assert ids(api.get(f"/api/v1/interacties?{query}")) == [january.id]


def test_relations_are_created_and_filtered_by_kind(api):
    source, target = OrganisationFactory.create_batch(2)
    OrganisationRelationFactory(kind="partner_of")

    response = api.post("/api/v1/relaties", {"van": source.id, "naar": target.id, "soort": "financiert"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["soort"] == "financiert"
    assert ids(api.get("/api/v1/relaties?soort=financiert")) == [OrganisationRelation.objects.get(kind="funds").id]
    assert ids(api.get("/api/v1/relaties?soort=partnerVan")) != ids(api.get("/api/v1/relaties?soort=financiert"))


def test_relation_to_itself_is_refused(api):
    organisation = OrganisationFactory()

    response = api.post(
        "/api/v1/relaties", {"van": organisation.id, "naar": organisation.id, "soort": "financiert"}, format="json"
    )

    assert response.status_code == 400
    assert not OrganisationRelation.objects.exists()


def test_labels_are_listed_searched_and_added_once(api):
    TagFactory(name="Ketenpartner")

    assert [row["naam"] for row in api.get("/api/v1/labels?zoek=keten").json()["resultaten"]] == ["Ketenpartner"]
    assert api.post("/api/v1/labels", {"naam": "Pilot"}, format="json").status_code == 201
    assert_problem(api.post("/api/v1/labels", {"naam": "pilot"}, format="json"), 400)
    assert Tag.objects.count() == 2
