import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from stakeholders.models import Interaction, Organisation
from stakeholders.services import (
    interaction_delete,
    interaction_log,
    interaction_update,
    next_contact_due,
    organisation_outreach_refresh,
    tier_update,
)
from tests.factories import ContactFactory, InteractionFactory, OrganisationFactory, TopicFactory

JAN_1 = datetime.date(2026, 1, 1)


def test_cadence_counts_from_the_last_contact():
    assert next_contact_due(planned_on=None, last_contact_on=JAN_1, cadence_days=30, created_on=JAN_1) == (
        datetime.date(2026, 1, 31)
    )


def test_planned_date_after_the_last_contact_wins():
    planned = datetime.date(2026, 1, 10)

    assert next_contact_due(planned_on=planned, last_contact_on=JAN_1, cadence_days=90, created_on=JAN_1) == planned


def test_planned_date_is_spent_once_a_contact_took_place_on_or_after_it():
    assert next_contact_due(
        planned_on=datetime.date(2025, 12, 1), last_contact_on=JAN_1, cadence_days=30, created_on=JAN_1
    ) == datetime.date(2026, 1, 31)


def test_organisation_never_contacted_is_due_from_the_day_it_was_added():
    assert next_contact_due(planned_on=None, last_contact_on=None, cadence_days=30, created_on=JAN_1) == JAN_1


def test_organisation_without_cadence_or_plan_is_never_due():
    assert next_contact_due(planned_on=None, last_contact_on=JAN_1, cadence_days=None, created_on=JAN_1) is None


@pytest.mark.django_db
def test_own_cadence_overrides_the_tier(liaison_officer):
    organisation = OrganisationFactory(contact_cadence_days=14)
    moment = timezone.now() - datetime.timedelta(days=2)

    interaction_log(organisation=organisation, logged_by=liaison_officer, channel="call", occurred_at=moment,
                    subject="Bellen")  # fmt: skip

    organisation.refresh_from_db()
    assert organisation.next_contact_due_on == timezone.localdate(moment) + datetime.timedelta(days=14)


@pytest.mark.django_db
def test_logging_an_interaction_moves_the_next_contact_forward(liaison_officer):
    organisation = OrganisationFactory()  # tier "regular": every 180 days
    contact = ContactFactory(organisation=organisation)
    topic = TopicFactory()
    moment = timezone.now() - datetime.timedelta(hours=1)

    interaction = interaction_log(
        organisation=organisation,
        logged_by=liaison_officer,
        channel="meeting",
        occurred_at=moment,
        subject="Kennismaking",
        contacts=[contact],
        topics=[topic],
    )

    organisation.refresh_from_db()
    assert organisation.last_contact_on == timezone.localdate(moment)
    assert organisation.next_contact_due_on == timezone.localdate(moment) + datetime.timedelta(days=180)
    assert list(interaction.contacts.all()) == [contact]
    assert interaction.logged_by == liaison_officer
    assert interaction.history.earliest().history_type == "+"


@pytest.mark.django_db
def test_contact_of_another_organisation_is_refused_and_nothing_is_written(liaison_officer):
    organisation = OrganisationFactory()
    stranger = ContactFactory()

    with pytest.raises(ValidationError) as refused:
        interaction_log(organisation=organisation, logged_by=liaison_officer, channel="call",
                        occurred_at=timezone.now(), subject="Bellen", contacts=[stranger])  # fmt: skip

    assert "contacts" in refused.value.message_dict
    assert not Interaction.objects.exists()
    organisation.refresh_from_db()
    assert organisation.last_contact_on is None


@pytest.mark.django_db
def test_interaction_in_the_future_is_refused(liaison_officer):
    with pytest.raises(ValidationError) as refused:
        interaction_log(organisation=OrganisationFactory(), logged_by=liaison_officer, channel="call",
                        occurred_at=timezone.now() + datetime.timedelta(days=1), subject="Later")  # fmt: skip

    assert "occurred_at" in refused.value.message_dict
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_refresh_takes_the_latest_interaction():
    organisation = OrganisationFactory()
    InteractionFactory(organisation=organisation, occurred_at=timezone.now() - datetime.timedelta(days=40))
    latest = InteractionFactory(organisation=organisation, occurred_at=timezone.now() - datetime.timedelta(days=3))

    organisation_outreach_refresh(organisation_ids=[organisation.id])

    organisation.refresh_from_db()
    assert organisation.last_contact_on == timezone.localdate(latest.occurred_at)


@pytest.mark.django_db
def test_interaction_update_moving_to_another_organisation_moves_the_dates_of_both():
    interaction = InteractionFactory(occurred_at=timezone.now() - datetime.timedelta(days=3))
    first, second = interaction.organisation, OrganisationFactory()
    organisation_outreach_refresh(organisation_ids=[first.pk, second.pk])

    interaction_update(interaction=interaction, organisation=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.last_contact_on is None
    assert second.last_contact_on == timezone.localdate(interaction.occurred_at)


@pytest.mark.django_db
def test_interaction_update_refuses_a_moment_in_the_future_and_writes_nothing():
    interaction = InteractionFactory(occurred_at=timezone.now() - datetime.timedelta(days=3))

    with pytest.raises(ValidationError) as refused:
        interaction_update(interaction=interaction, occurred_at=timezone.now() + datetime.timedelta(days=1))

    assert "occurred_at" in refused.value.message_dict
    assert Interaction.objects.get(pk=interaction.pk).occurred_at == interaction.occurred_at


@pytest.mark.django_db
def test_interaction_delete_lets_the_organisation_fall_back_to_the_contact_before():
    earlier = InteractionFactory(occurred_at=timezone.now() - datetime.timedelta(days=10))
    later = InteractionFactory(organisation=earlier.organisation, occurred_at=timezone.now())
    organisation_outreach_refresh(organisation_ids=[earlier.organisation_id])

    interaction_delete(interaction=later)

    earlier.organisation.refresh_from_db()
    assert earlier.organisation.last_contact_on == timezone.localdate(earlier.occurred_at)


@pytest.mark.django_db
def test_tier_update_with_a_new_cadence_moves_next_contact_and_updated_at():
    interaction = InteractionFactory(occurred_at=timezone.now() - datetime.timedelta(days=10))
    organisation = interaction.organisation
    organisation_outreach_refresh(organisation_ids=[organisation.pk])
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now() - datetime.timedelta(days=5))

    tier_update(tier=organisation.tier, cadence_days=30)

    organisation.refresh_from_db()
    assert organisation.next_contact_due_on == timezone.localdate(interaction.occurred_at) + datetime.timedelta(30)
    assert organisation.updated_at > timezone.now() - datetime.timedelta(minutes=1)
