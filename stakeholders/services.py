from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact, FollowUpAction, Interaction, Organisation, OrganisationRelation, Tag, Topic
from .outreach import owner_assigned_notify
from .retention import contact_mentions_erase, contacts_anonymise

REFRESH_BATCH_SIZE = 1000


def _validated_save(instance):
    """Every write validates like a form first, database constraints included, so bad input writes nothing."""
    instance.full_clean()
    instance.save()
    return instance


def interaction_contacts_validate(*, organisation: Organisation, contacts: Sequence[Contact]) -> None:
    """Only the organisation's own contacts can take part in its interactions."""
    if organisation is not None and any(contact.organisation_id != organisation.id for contact in contacts):
        raise ValidationError({"contacts": _("Every participating contact must belong to the organisation.")})


def next_contact_due(
    *, planned_on: date | None, last_contact_on: date | None, cadence_days: int | None, created_on: date
) -> date | None:
    """When the agency should next be in touch with an organisation.

    A planned date wins while it lies after the last contact; once a contact happened on or after it, the plan is
    spent and the cadence counts again from that contact. An organisation never contacted is due from the day it
    was added. Without a cadence (no tier, no override) only a plan makes an organisation due.
    """
    if planned_on and (last_contact_on is None or planned_on > last_contact_on):
        return planned_on
    if cadence_days is None:
        return None
    if last_contact_on is None:
        return created_on
    return last_contact_on + timedelta(days=cadence_days)


def organisation_outreach_refresh(*, organisation_ids: Iterable[int]) -> None:
    """Recompute the stored last-contact and next-contact dates of these organisations from their interactions."""
    ids = list(organisation_ids)
    for start in range(0, len(ids), REFRESH_BATCH_SIZE):
        batch = (
            Organisation.objects.filter(id__in=ids[start : start + REFRESH_BATCH_SIZE])
            .select_related("tier")
            .annotate(latest_interaction_at=Max("interactions__occurred_at"))
        )
        changed = []
        for organisation in batch:
            latest = organisation.latest_interaction_at
            organisation.last_contact_on = timezone.localdate(latest) if latest else None
            organisation.next_contact_due_on = next_contact_due(
                planned_on=organisation.next_contact_planned_on,
                last_contact_on=organisation.last_contact_on,
                cadence_days=organisation.cadence_days,
                created_on=timezone.localdate(organisation.created_at),
            )
            changed.append(organisation)
        Organisation.objects.bulk_update(changed, ["last_contact_on", "next_contact_due_on"])


@transaction.atomic
def interaction_log(
    *,
    organisation: Organisation,
    logged_by: AbstractBaseUser | None,
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
    interaction_contacts_validate(organisation=organisation, contacts=contacts)
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("An interaction cannot take place in the future.")})
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
def organisation_create(*, tags: Sequence[Tag] = (), **fields) -> Organisation:
    """Add an organisation; it is due for a first contact from today unless a contact is planned."""
    organisation = _validated_save(Organisation(**fields))
    organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    owner_assigned_notify(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, tags: Sequence[Tag] | None = None, **fields) -> Organisation:
    """Change an organisation; a new tier, cadence or plan moves its next-contact date at once, a new owner hears."""
    previous_owner_id = organisation.owner_id
    for name, value in fields.items():
        setattr(organisation, name, value)
    _validated_save(organisation)
    if tags is not None:
        organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    if organisation.owner_id != previous_owner_id:
        owner_assigned_notify(organisation=organisation)
    return organisation


@transaction.atomic
def contact_create(**fields) -> Contact:
    return _validated_save(Contact(**fields))


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    """Change a contact person. Refused: moving a contact to another organisation, and bringing an erased one back
    (add a new contact instead)."""
    if contact.anonymised_at is not None:
        raise ValidationError(_("This person's data has been erased; add a new contact person instead."))
    new_organisation = fields.get("organisation")
    if new_organisation is not None and new_organisation.pk != contact.organisation_id:
        raise ValidationError({"organisation": _("A contact cannot move to another organisation.")})
    for name, value in fields.items():
        setattr(contact, name, value)
    return _validated_save(contact)


@transaction.atomic
def relation_create(**fields) -> OrganisationRelation:
    return _validated_save(OrganisationRelation(**fields))


def tag_create(*, name: str) -> Tag:
    return _validated_save(Tag(name=name.strip()))


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUpAction) -> FollowUpAction:
    """Mark a follow-up action done; completing it twice keeps the first moment."""
    follow_up = FollowUpAction.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at", "updated_at"])
    return follow_up


@transaction.atomic
def contact_erase(*, contact: Contact) -> None:
    """The AVG's right of erasure: the person's data goes, here, in the history, in the outbox and where staff
    mentioned them in free text; the row, and so every count, stays."""
    contact_mentions_erase(contact=contact)
    contacts_anonymise(ids=[contact.pk], now=timezone.now())
    contact.refresh_from_db()


@transaction.atomic
def contact_mail_opt_out(*, contact_id: int) -> str | None:
    """A contact person's one-click opt-out: no more mail of any kind (honoured again at sending time). Returns
    their language, or None if they no longer exist."""
    contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None:
        return None
    if contact.mail_opted_out_at is None:
        contact.mail_opted_out_at = timezone.now()
        contact.save(update_fields=["mail_opted_out_at", "updated_at"])
    return contact.preferred_language
