"""Organisations and the relations between them."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Organisation, OrganisationRelation, Tag
from ..outreach import owner_assigned_notify, owner_unassigned_notify
from .common import _set, _touch, _validated_save
from .planning import organisation_outreach_refresh

ASSIGN_OWNER = "stakeholders.assign_owner_organisation"
Actor = AbstractUser | AnonymousUser | None


def organisation_owner_validate(*, actor: Actor, organisation: Organisation | None, owner) -> None:
    """The liaison officer of an organisation sees its confidential interactions, so only coordinators and
    administrators (ASSIGN_OWNER) choose them; anyone else is refused, also when taking an unowned organisation.
    A new organisation (`organisation=None`) has no interactions yet: its author may leave it unowned or take it.
    `actor=None` is the system itself (a management command, the demo data), never a door of a user."""
    if actor is None or actor.has_perm(ASSIGN_OWNER):
        return
    allowed = {None, actor.pk} if organisation is None else {organisation.owner_id}
    if (owner.pk if owner else None) not in allowed:
        raise ValidationError({"owner": _("Only a coordinator can assign or change the liaison officer.")})


@transaction.atomic
def organisation_create(*, actor: Actor, tags: Sequence[Tag] = (), **fields) -> Organisation:
    """Add an organisation; it is due for a first contact from today unless a contact is planned, and its owner
    hears that it is theirs. A liaison officer may make themselves the officer of a new organisation (it has no
    interactions yet), but not anyone else."""
    organisation_owner_validate(actor=actor, organisation=None, owner=fields.get("owner"))
    organisation = _validated_save(Organisation(**fields))
    organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    owner_assigned_notify(organisation=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: Actor,
    tags: Sequence[Tag] | None = None,
    **fields,
) -> Organisation:
    """Change an organisation; a new tier, cadence or plan moves its next-contact date at once. A new owner is
    chosen by a coordinator only (refused for anyone else, taking an unowned organisation included), and both the
    previous and the new owner hear of it.

    The stored row is read again, so a caller holding an instance a form already changed compares right."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    previous_owner_id = organisation.owner_id
    previous_owner = organisation.owner
    if "owner" in fields:
        organisation_owner_validate(actor=actor, organisation=organisation, owner=fields["owner"])
    _set(organisation, fields)
    _validated_save(organisation)
    if tags is not None:
        organisation.tags.set(tags)
    organisation_outreach_refresh(organisation_ids=[organisation.id])
    organisation.refresh_from_db()
    if organisation.owner_id != previous_owner_id:
        owner_assigned_notify(organisation=organisation)
        owner_unassigned_notify(organisation=organisation, previous_owner=previous_owner)
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation with its contacts and relations. Refused by the database while it has interactions.
    Its child organisations lose their parent, which the API shows."""
    children = list(organisation.children.values_list("id", flat=True))
    organisation.delete()
    _touch(Organisation.objects.filter(id__in=children))


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
