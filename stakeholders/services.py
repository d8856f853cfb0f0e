from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Contact, FollowUpAction, Interaction, Organisation, OrganisationRelation, Tag, Tier, Topic
from .outreach import owner_assigned_notify
from .retention import contact_mentions_erase, contacts_anonymise

REFRESH_BATCH_SIZE = 1000


def _validated_save(instance):
    """Every write validates like a form first, database constraints included, so bad input writes nothing."""
    instance.full_clean()
    instance.save()
    return instance


def _set(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


# Rules: each lives here once and is called by its services; admin forms call them too, to show a refusal beside
# the fields instead of failing the save.


def interaction_contacts_validate(*, organisation: Organisation | None, contacts: Iterable[Contact]) -> None:
    """Only the organisation's own contacts can take part in its interactions."""
    if organisation is not None and any(contact.organisation_id != organisation.id for contact in contacts):
        raise ValidationError({"contacts": _("Every participating contact must belong to the organisation.")})


def interaction_validate(
    *, organisation: Organisation | None, occurred_at: datetime | None, contacts: Iterable[Contact]
) -> None:
    """Refused: participating contacts of another organisation, and moments in the future."""
    interaction_contacts_validate(organisation=organisation, contacts=contacts)
    if occurred_at is not None and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("An interaction cannot take place in the future.")})


def contact_change_validate(*, contact: Contact, organisation: Organisation | None = None) -> None:
    """Refused: bringing an erased person back (add a new contact instead), and moving a contact to another
    organisation. `contact` is the stored row."""
    if contact.anonymised_at is not None:
        raise ValidationError(_("This person's data has been erased; add a new contact person instead."))
    if organisation is not None and organisation.pk != contact.organisation_id:
        raise ValidationError({"organisation": _("A contact cannot move to another organisation.")})


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
    """Recompute the stored last-contact and next-contact dates of these organisations from their interactions.

    The API shows both dates, so a row whose dates move also moves its updated_at: a client syncing with
    gewijzigdSinds or the cursor must meet it again.
    """
    ids = list(organisation_ids)
    now = timezone.now()
    for start in range(0, len(ids), REFRESH_BATCH_SIZE):
        batch = (
            Organisation.objects.filter(id__in=ids[start : start + REFRESH_BATCH_SIZE])
            .select_related("tier")
            .annotate(latest_interaction_at=Max("interactions__occurred_at"))
        )
        changed = []
        for organisation in batch:
            latest = organisation.latest_interaction_at
            last_contact_on = timezone.localdate(latest) if latest else None
            next_contact_due_on = next_contact_due(
                planned_on=organisation.next_contact_planned_on,
                last_contact_on=last_contact_on,
                cadence_days=organisation.cadence_days,
                created_on=timezone.localdate(organisation.created_at),
            )
            if (last_contact_on, next_contact_due_on) != (
                organisation.last_contact_on,
                organisation.next_contact_due_on,
            ):
                organisation.last_contact_on = last_contact_on
                organisation.next_contact_due_on = next_contact_due_on
                organisation.updated_at = now
                changed.append(organisation)
        Organisation.objects.bulk_update(changed, ["last_contact_on", "next_contact_due_on", "updated_at"])


def _touch(queryset: QuerySet) -> int:
    """Move updated_at of rows whose API representation changed through another row (a label renamed, a contact
    gone from an interaction), so incremental sync meets them again."""
    return queryset.update(updated_at=timezone.now())


# Organisations


@transaction.atomic
def organisation_create(*, tags: Sequence[Tag] = (), **fields) -> Organisation:
    """Add an organisation; it is due for a first contact from today unless a contact is planned, and its owner
    hears that it is theirs."""
    organisation = _validated_save(Organisation(**fields))
    organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    owner_assigned_notify(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, tags: Sequence[Tag] | None = None, **fields) -> Organisation:
    """Change an organisation; a new tier, cadence or plan moves its next-contact date at once, a new owner hears.

    The stored row is read again, so a caller holding an instance a form already changed compares right."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    previous_owner_id = organisation.owner_id
    _set(organisation, fields)
    _validated_save(organisation)
    if tags is not None:
        organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    if organisation.owner_id != previous_owner_id:
        owner_assigned_notify(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation with its contacts and relations. Refused by the database while it has interactions.
    Its child organisations lose their parent, which the API shows."""
    children = list(organisation.children.values_list("id", flat=True))
    organisation.delete()
    _touch(Organisation.objects.filter(id__in=children))


# Contact persons


@transaction.atomic
def contact_create(**fields) -> Contact:
    return _validated_save(Contact(**fields))


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    """Change a contact person. Refused: see contact_change_validate, checked against the stored row."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact_change_validate(contact=contact, organisation=fields.get("organisation"))
    _set(contact, fields)
    return _validated_save(contact)


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact person; the interactions they took part in no longer list them."""
    interactions = list(contact.interactions.values_list("id", flat=True))
    contact.delete()
    _touch(Interaction.objects.filter(id__in=interactions))


@transaction.atomic
def contact_erase(*, contact: Contact) -> None:
    """The AVG's right of erasure: the person's data goes, here, in the history, in the outbox and where staff
    mentioned them in free text; the row, and so every count, stays."""
    contact_mentions_erase(contact=contact)
    contacts_anonymise(ids=[contact.pk], now=timezone.now())
    contact.refresh_from_db()


# Interactions and their follow-up actions


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


# Relations between organisations


@transaction.atomic
def relation_create(**fields) -> OrganisationRelation:
    return _validated_save(OrganisationRelation(**fields))


@transaction.atomic
def relation_update(*, relation: OrganisationRelation, **fields) -> OrganisationRelation:
    relation = OrganisationRelation.objects.select_for_update().get(pk=relation.pk)
    _set(relation, fields)
    return _validated_save(relation)


@transaction.atomic
def relation_delete(*, relation: OrganisationRelation) -> None:
    relation.delete()


# Reference data: tiers, labels and topics. Organisations show their tier by code and their labels by name, and
# interactions their topics by name, so renaming one moves the updated_at of every row that shows it.


@transaction.atomic
def tier_create(**fields) -> Tier:
    return _validated_save(Tier(**fields))


@transaction.atomic
def tier_update(*, tier: Tier, **fields) -> Tier:
    """Change a tier; a new cadence moves the next-contact date of each of its organisations at once."""
    tier = Tier.objects.select_for_update().get(pk=tier.pk)
    before = (tier.code, tier.cadence_days)
    _set(tier, fields)
    _validated_save(tier)
    if tier.code != before[0]:
        _touch(tier.organisations.all())
    if tier.cadence_days != before[1]:
        organisation_outreach_refresh(organisation_ids=tier.organisations.values_list("id", flat=True))
    return tier


@transaction.atomic
def tier_delete(*, tier: Tier) -> None:
    """Refused by the database while organisations have this tier."""
    tier.delete()


def tag_create(*, name: str) -> Tag:
    return _validated_save(Tag(name=name.strip()))


@transaction.atomic
def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    """The labels with these names, in any case, sorted by name; a name not known yet becomes a new label."""
    wanted = sorted({name.strip() for name in names if name.strip()})
    known = Tag.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=[name.lower() for name in wanted])
    existing = {tag.name.lower(): tag for tag in known}
    return [existing.get(name.lower()) or tag_create(name=name) for name in wanted]


@transaction.atomic
def tag_update(*, tag: Tag, name: str | None = None) -> Tag:
    tag = Tag.objects.select_for_update().get(pk=tag.pk)
    before = tag.name
    tag.name = before if name is None else name.strip()
    _validated_save(tag)
    if tag.name != before:
        _touch(tag.organisations.all())
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag) -> None:
    organisations = list(tag.organisations.values_list("id", flat=True))
    tag.delete()
    _touch(Organisation.objects.filter(id__in=organisations))


@transaction.atomic
def topic_create(*, name: str) -> Topic:
    return _validated_save(Topic(name=name.strip()))


@transaction.atomic
def topic_update(*, topic: Topic, name: str | None = None) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    before = topic.name
    topic.name = before if name is None else name.strip()
    _validated_save(topic)
    if topic.name != before:
        _touch(topic.interactions.all())
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    interactions = list(topic.interactions.values_list("id", flat=True))
    topic.delete()
    _touch(Interaction.objects.filter(id__in=interactions))


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
