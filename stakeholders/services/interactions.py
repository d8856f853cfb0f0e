"""Interactions (logged contact moments) and their follow-up actions."""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ..models import Contact, FollowUpAction, Interaction, Organisation, Topic
from .common import _set, _touch, _validated_save
from .planning import organisation_outreach_refresh
from .rules import interaction_validate

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as the django-stubs plugin resolves it.
    from django.contrib.auth.models import _User


@transaction.atomic
def interaction_log(
    *,
    organisation: Organisation,
    logged_by: "_User | None",
    channel: str,
    occurred_at: datetime,
    subject: str,
    notes: str = "",
    contacts: Sequence[Contact] = (),
    topics: Sequence[Topic] = (),
    sentiment: int | None = None,
    confidential: bool = False,
    follow_ups: Sequence[dict] = (),
) -> Interaction:
    """Record a contact moment and move the organisation's next-contact date forward.

    Refused: participating contacts of another organisation, and moments in the future.
    """
    interaction_validate(organisation=organisation, occurred_at=occurred_at, contacts=contacts)
    interaction = Interaction(
        organisation=organisation,
        logged_by=logged_by,
        channel=channel,
        occurred_at=occurred_at,
        subject=subject,
        notes=notes,
        sentiment=sentiment,
        confidential=confidential,
    )
    _validated_save(interaction)
    interaction.contacts.set(contacts)
    interaction.topics.set(topics)
    for follow_up in follow_ups:
        _validated_save(FollowUpAction(interaction=interaction, **follow_up))
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    return interaction


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    contacts: Sequence[Contact] | None = None,
    topics: Sequence[Topic] | None = None,
    **fields,
) -> Interaction:
    """Change a logged contact moment. Moving it to another organisation, or to another moment, moves the outreach
    dates of both organisations. Refused: as for interaction_log, also for the contacts it keeps."""
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    previous_organisation_id = interaction.organisation_id
    _set(interaction, fields)
    interaction_validate(
        organisation=interaction.organisation,
        occurred_at=interaction.occurred_at,
        contacts=interaction.contacts.all() if contacts is None else contacts,
    )
    _validated_save(interaction)
    if contacts is not None:
        interaction.contacts.set(contacts)
    if topics is not None:
        interaction.topics.set(topics)
    organisation_outreach_refresh(organisation_ids={previous_organisation_id, interaction.organisation_id})
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction) -> None:
    """Delete a contact moment with its follow-ups; the organisation's outreach dates fall back to the one before."""
    organisation_id = interaction.organisation_id
    interaction.delete()
    organisation_outreach_refresh(organisation_ids=[organisation_id])


def _interaction_touch(interaction_id: int) -> None:
    # The API shows an interaction's follow-up actions inside it.
    _touch(Interaction.objects.filter(pk=interaction_id))


@transaction.atomic
def follow_up_create(**fields) -> FollowUpAction:
    follow_up = _validated_save(FollowUpAction(**fields))
    _interaction_touch(follow_up.interaction_id)
    return follow_up


@transaction.atomic
def follow_up_update(*, follow_up: FollowUpAction, **fields) -> FollowUpAction:
    follow_up = FollowUpAction.objects.select_for_update().get(pk=follow_up.pk)
    previous_interaction_id = follow_up.interaction_id
    _set(follow_up, fields)
    _validated_save(follow_up)
    _touch(Interaction.objects.filter(pk__in=[previous_interaction_id, follow_up.interaction_id]))
    return follow_up


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUpAction) -> FollowUpAction:
    """Mark a follow-up action done; completing it twice keeps the first moment."""
    follow_up = FollowUpAction.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at", "updated_at"])
        _interaction_touch(follow_up.interaction_id)
    return follow_up


@transaction.atomic
def follow_up_delete(*, follow_up: FollowUpAction) -> None:
    interaction_id = follow_up.interaction_id
    follow_up.delete()
    _interaction_touch(interaction_id)
