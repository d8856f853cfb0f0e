"""Reads of stakeholder data, shaped for their callers so that a list costs a fixed number of queries."""

from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Contact, FollowUpAction, Interaction, Organisation, OrganisationRelation, OrganisationStatus, Tag

DUE_SOON_DAYS = 7


def organisations_list(*, with_contacts: bool = False) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("tier", "owner").prefetch_related("tags")
    if with_contacts:
        organisations = organisations.prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("last_name", "first_name", "id"))
        )
    return organisations


def organisations_overdue(*, as_of: date | None = None) -> Q:
    """Active organisations whose next contact was due before today."""
    today = as_of or timezone.localdate()
    return Q(status=OrganisationStatus.ACTIVE, next_contact_due_on__lt=today)


def organisations_due_soon(*, as_of: date | None = None) -> Q:
    """Active organisations whose next contact falls due today or within the coming week."""
    today = as_of or timezone.localdate()
    return Q(
        status=OrganisationStatus.ACTIVE,
        next_contact_due_on__gte=today,
        next_contact_due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
    )


def organisations_due_for_outreach(*, as_of: date | None = None) -> list[dict]:
    """Active organisations overdue or due within a week, most overdue first: the outreach scan, one query.

    Plain rows rather than model instances, because at a hundred thousand organisations the scan may return tens of
    thousands; the index on (status, next_contact_due_on) serves it.
    """
    return list(
        Organisation.objects.filter(organisations_overdue(as_of=as_of) | organisations_due_soon(as_of=as_of))
        .order_by("next_contact_due_on", "name", "id")
        .values("id", "name", "kind", "owner_id", "next_contact_due_on")
    )


def contacts_list() -> QuerySet[Contact]:
    return Contact.objects.select_related("organisation")


def interactions_list() -> QuerySet[Interaction]:
    return Interaction.objects.select_related("organisation", "logged_by").prefetch_related(
        "contacts", "topics", Prefetch("follow_ups", queryset=FollowUpAction.objects.select_related("assignee"))
    )


def relations_list() -> QuerySet[OrganisationRelation]:
    return OrganisationRelation.objects.select_related("source", "target")


def tags_list() -> QuerySet[Tag]:
    return Tag.objects.all()
