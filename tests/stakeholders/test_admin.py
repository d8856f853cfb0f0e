from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stakeholders.models import Contact, Interaction, Organisation
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    TagFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = {
    "organisation": OrganisationFactory,
    "organisationrelation": OrganisationRelationFactory,
    "contact": ContactFactory,
    "interaction": InteractionFactory,
    "followupaction": FollowUpActionFactory,
    "tag": TagFactory,
    "topic": TopicFactory,
    "tier": None,
}


def admin_urls(model: str) -> list[str]:
    factory = FACTORIES[model]
    instance = factory() if factory else Organisation._meta.get_field("tier").related_model.objects.first()
    return [
        reverse(f"admin:stakeholders_{model}_changelist"),
        reverse(f"admin:stakeholders_{model}_changelist") + "?q=a",
        reverse(f"admin:stakeholders_{model}_add"),
        reverse(f"admin:stakeholders_{model}_change", args=[instance.pk]),
    ]


@pytest.mark.parametrize("model", FACTORIES)
def test_superuser_sees_the_list_add_and_change_pages(admin_client, model):
    for url in admin_urls(model):
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", FACTORIES)
def test_non_staff_user_is_sent_to_the_admin_login(client, liaison_officer, model):
    client.force_login(liaison_officer)

    for url in admin_urls(model):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", ["organisation", "contact", "interaction"])
def test_history_page_shows_who_changed_what(admin_client, model):
    instance = FACTORIES[model]()

    response = admin_client.get(reverse(f"admin:stakeholders_{model}_history", args=[instance.pk]))

    assert response.status_code == 200


def test_change_through_admin_records_the_user_in_history(admin_client, superuser):
    organisation = OrganisationFactory(name="Gemeente Ede", kind="municipality")
    url = reverse("admin:stakeholders_organisation_change", args=[organisation.pk])
    form = {
        "name": "Gemeente Ede",
        "short_name": "",
        "kind": "municipality",
        "scope": "local",
        "status": "active",
        "country": "NL",
        "tier": organisation.tier_id,
        "influence": 4,
        "interest": 3,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "outgoing_relations-TOTAL_FORMS": 0,
        "outgoing_relations-INITIAL_FORMS": 0,
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = organisation.history.latest()
    assert latest.history_user == superuser
    assert latest.influence == 4


def test_organisation_list_costs_the_same_queries_for_two_rows_or_twenty(admin_client):
    url = reverse("admin:stakeholders_organisation_changelist")
    OrganisationFactory.create_batch(2)
    with CaptureQueriesContext(connection) as two_rows:
        admin_client.get(url)
    OrganisationFactory.create_batch(18)
    with CaptureQueriesContext(connection) as twenty_rows:
        admin_client.get(url)

    assert len(twenty_rows) == len(two_rows)


def test_interaction_form_refuses_contacts_of_another_organisation(admin_client):
    organisation = OrganisationFactory()
    stranger = ContactFactory()

    response = admin_client.post(
        reverse("admin:stakeholders_interaction_add"),
        {
            "organisation": organisation.pk,
            "contacts": [stranger.pk],
            "channel": "call",
            "occurred_at_0": "2026-01-05",
            "occurred_at_1": "10:00",
            "subject": "Bellen",
            "follow_ups-TOTAL_FORMS": 0,
            "follow_ups-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert "contacts" in response.context["adminform"].form.errors
    assert not organisation.interactions.exists()


def test_inline_rows_are_added_changed_and_deleted_through_the_organisation_page(admin_client):
    organisation = OrganisationFactory(name="Gemeente Ede", kind="municipality")
    kept, deleted = ContactFactory(organisation=organisation), ContactFactory(organisation=organisation)
    contact_row = {"first_name": "Anna", "last_name": "Jansen", "level": "policy", "is_active": "on"}
    form = {
        "name": "Gemeente Ede", "kind": "municipality", "scope": "local", "status": "active", "country": "NL",
        "tier": organisation.tier_id, "influence": 3, "interest": 3,
        "contacts-TOTAL_FORMS": 3, "contacts-INITIAL_FORMS": 2,
        "contacts-0-id": kept.pk, "contacts-0-organisation": organisation.pk,
        **{f"contacts-0-{name}": value for name, value in contact_row.items()},
        "contacts-1-id": deleted.pk, "contacts-1-organisation": organisation.pk, "contacts-1-DELETE": "on",
        "contacts-1-first_name": deleted.first_name, "contacts-1-last_name": deleted.last_name,
        "contacts-1-level": deleted.level,
        "contacts-2-organisation": organisation.pk,
        **{f"contacts-2-{name}": value for name, value in {**contact_row, "first_name": "Bram"}.items()},
        "outgoing_relations-TOTAL_FORMS": 0, "outgoing_relations-INITIAL_FORMS": 0,
    }  # fmt: skip

    response = admin_client.post(reverse("admin:stakeholders_organisation_change", args=[organisation.pk]), form)

    assert response.status_code == 302, response.context["errors"]
    assert sorted(organisation.contacts.values_list("first_name", "last_name")) == [
        ("Anna", "Jansen"),
        ("Bram", "Jansen"),
    ]
    assert not Contact.objects.filter(pk=deleted.pk).exists()


def test_follow_up_added_on_the_interaction_page_moves_the_interactions_updated_at(admin_client):
    interaction = InteractionFactory(occurred_at=timezone.now() - timedelta(days=3))
    Interaction.objects.filter(pk=interaction.pk).update(updated_at=timezone.now() - timedelta(days=3))
    local = timezone.localtime(interaction.occurred_at)
    form = {
        "organisation": interaction.organisation_id, "channel": "meeting", "subject": interaction.subject,
        "occurred_at_0": local.date().isoformat(), "occurred_at_1": local.strftime("%H:%M:%S"),
        "follow_ups-TOTAL_FORMS": 1, "follow_ups-INITIAL_FORMS": 0,
        "follow_ups-0-description": "Verslag sturen", "follow_ups-0-due_on": "2030-01-01",
    }  # fmt: skip

    response = admin_client.post(reverse("admin:stakeholders_interaction_change", args=[interaction.pk]), form)

    assert response.status_code == 302, response.context["errors"]
    interaction.refresh_from_db()
    assert [action.description for action in interaction.follow_ups.all()] == ["Verslag sturen"]
    assert interaction.updated_at > timezone.now() - timedelta(minutes=1)


def test_the_history_of_a_record_made_in_bulk_says_what_its_first_recorded_change_was(admin_client):
    # As the demo data: made in bulk, so its history starts at its first change.
    (organisation,) = Organisation.objects.bulk_create([OrganisationFactory.build(name="Gemeente Zwolle")])
    organisation.city = "Zwolle"
    organisation.save()

    page = admin_client.get(reverse("admin:stakeholders_organisation_history", args=[organisation.pk]))

    assert "Gewijzigd; de versie daarvoor is niet vastgelegd." in page.content.decode()
    assert "None" not in page.content.decode()


def test_the_history_says_a_record_was_created_and_names_each_change(admin_client):
    organisation = OrganisationFactory(city="Ede")
    organisation.city = "Wageningen"
    organisation.save()

    page = admin_client.get(reverse("admin:stakeholders_organisation_history", args=[organisation.pk])).content.decode()

    assert "Aangemaakt; open deze versie om te zien wat erin stond." in page
    assert "Ede" in page and "Wageningen" in page
    assert "None" not in page
