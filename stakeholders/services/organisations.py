"""Organisations and the relations between them."""

from collections.abc import Sequence

from django.db import transaction

from ..models import Organisation, OrganisationRelation, Tag
from ..outreach import owner_assigned_notify
from .common import _set, _touch, _validated_save
from .planning import organisation_outreach_refresh


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
