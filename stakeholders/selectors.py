"""Reads of stakeholder data, shaped for their callers so that a list costs a fixed number of queries."""

from datetime import date, timedelta
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from mail.models import OutboxMessage
from privacy.inventory import record_of
from privacy.models import AccessRecord

from .models import (
    DUE_SOON_DAYS,
    Contact,
    FollowUpAction,
    Interaction,
    Organisation,
    OrganisationRelation,
    OrganisationStatus,
    Tag,
    Tier,
)


def organisations_list(*, with_contacts: bool = False, label_names: bool = False) -> QuerySet[Organisation]:
    """Organisations with tier and owner joined and their labels prefetched; with `label_names` (for the API, which
    shows labels by name) the names come as `label_names` in the same query on PostgreSQL instead, so that a page
    costs one query for its rows."""
    organisations = Organisation.objects.select_related("tier", "owner")
    if label_names and connection.vendor == "postgresql":
        organisations = organisations.annotate(
            label_names=ArraySubquery(Tag.objects.filter(organisations=OuterRef("pk")).order_by("name").values("name"))
        )
    else:
        organisations = organisations.prefetch_related("tags")
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
    rows = (
        Organisation.objects.filter(organisations_overdue(as_of=as_of) | organisations_due_soon(as_of=as_of))
        .order_by("next_contact_due_on", "name", "id")
        .values("id", "name", "kind", "owner_id", "next_contact_due_on")
    )
    # Plain dicts, to which the digest adds its own keys; the stubs see closed TypedDicts.
    return cast(list[dict], list(rows))


def contacts_list() -> QuerySet[Contact]:
    return Contact.objects.select_related("organisation")


def sees_every_interaction(user) -> bool:
    return user.has_perm("stakeholders.view_confidential_interaction")


def interaction_visible_to(user, prefix: str = "") -> Q:
    """A confidential interaction is for its author, the organisation's liaison officer and coordinators only."""
    if sees_every_interaction(user):
        return Q()  # no condition (beware: Q() | other is just other)
    return (
        Q(**{f"{prefix}confidential": False})
        | Q(**{f"{prefix}logged_by": user.pk})
        | Q(**{f"{prefix}organisation__owner": user.pk})
    )


def interactions_list(*, user) -> QuerySet[Interaction]:
    """The interactions this user may see, shaped for lists."""
    return (
        Interaction.objects.filter(interaction_visible_to(user))
        .select_related("organisation", "logged_by")
        .prefetch_related(
            "contacts", "topics", Prefetch("follow_ups", queryset=FollowUpAction.objects.select_related("assignee"))
        )
    )


def relations_list() -> QuerySet[OrganisationRelation]:
    return OrganisationRelation.objects.select_related("source", "target")


def tags_list() -> QuerySet[Tag]:
    return Tag.objects.all()


def tiers_list() -> QuerySet[Tier]:
    return Tier.objects.order_by("position", "name")


def owners_list() -> QuerySet:
    """The users who own at least one organisation: the liaison officers a list can be filtered by."""
    return (
        get_user_model()
        .objects.filter(id__in=Organisation.objects.filter(owner__isnull=False).values("owner_id"))
        .order_by("first_name", "last_name", "username")
    )


def my_organisations(*, owner) -> QuerySet[Organisation]:
    """An officer's active organisations, the most overdue first and those without a due date last."""
    return (
        Organisation.objects.filter(owner=owner, status=OrganisationStatus.ACTIVE)
        .select_related("tier")
        .order_by(F("next_contact_due_on").asc(nulls_last=True), "name", "id")
    )


def follow_ups_visible_to(user) -> Q:
    """Follow-ups of the interactions a user may see, and always the user's own."""
    if sees_every_interaction(user):
        return Q()
    return interaction_visible_to(user, prefix="interaction__") | Q(assignee=user.pk)


def follow_ups_open(*, user, assignee=None, organisation: Organisation | None = None) -> QuerySet[FollowUpAction]:
    """The open follow-up actions this user may see, earliest due first; of one assignee or of one organisation."""
    follow_ups = FollowUpAction.objects.filter(follow_ups_visible_to(user), done_at__isnull=True).select_related(
        "interaction__organisation", "assignee"
    )
    if assignee is not None:
        follow_ups = follow_ups.filter(assignee=assignee)
    if organisation is not None:
        follow_ups = follow_ups.filter(interaction__organisation=organisation)
    return follow_ups.order_by(F("due_on").asc(nulls_last=True), "id")


def interactions_recent(*, logged_by, limit: int = 10) -> QuerySet[Interaction]:
    return interactions_list(user=logged_by).filter(logged_by=logged_by).order_by("-occurred_at", "-id")[:limit]


def organisation_detail() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("tier", "owner", "parent").prefetch_related("tags")


def organisation_timeline(*, organisation: Organisation, user) -> QuerySet[Interaction]:
    return interactions_list(user=user).filter(organisation=organisation).order_by("-occurred_at", "-id")


def organisation_relations(*, organisation: Organisation) -> QuerySet[OrganisationRelation]:
    """Both directions: what this organisation relates to, and what relates to it."""
    return relations_list().filter(Q(source=organisation) | Q(target=organisation)).order_by("kind", "id")


def contact_interactions(*, contact: Contact, user) -> QuerySet[Interaction]:
    return interactions_list(user=user).filter(contacts=contact).order_by("-occurred_at", "-id")


def contacts_in(*, interactions: QuerySet[Interaction]) -> QuerySet[Contact]:
    """The contact persons who took part in these interactions, each once."""
    return Contact.objects.filter(interactions__in=interactions.order_by().values("pk")).distinct()


def relations_among(*, organisations: QuerySet[Organisation]) -> QuerySet[OrganisationRelation]:
    """The current relations whose both ends are among these organisations: the edges of the network graph."""
    ids = organisations.order_by().values("id")
    return relations_list().filter(source__in=ids, target__in=ids, ended_on__isnull=True).order_by("id")


def influence_interest_counts(*, organisations: QuerySet[Organisation]) -> dict[tuple[int, int], int]:
    """How many organisations sit in each cell of the stakeholder map, in one grouped query."""
    rows = organisations.order_by().values("influence", "interest").annotate(count=Count("id"))
    return {(row["influence"], row["interest"]): row["count"] for row in rows}


def contact_personal_data(*, contact: Contact, user) -> dict:
    """Everything the product holds about one person, for the AVG's right of access (a JSON export); the contact's
    fields are the inventory's (crm/privacy.py)."""
    inventory = record_of("stakeholders.contact")
    fields = [*inventory.personal, *inventory.other]
    interactions = [
        {
            "occurred_at": interaction.occurred_at.isoformat(),
            "organisation": interaction.organisation.name,
            "channel": interaction.channel,
            "subject": interaction.subject,
            "notes": interaction.notes,
            "logged_by": interaction.logged_by.get_username() if interaction.logged_by else None,
            "follow_ups": [
                {"description": follow_up.description, "due_on": follow_up.due_on, "done_at": follow_up.done_at}
                for follow_up in interaction.follow_ups.all()
            ],
        }
        for interaction in contact_interactions(contact=contact, user=user)
    ]
    mails = list(
        OutboxMessage.objects.filter(contact=contact)
        .order_by("created_at")
        .values("kind", "to_address", "subject", "status", "created_at", "sent_at")
    )
    history = [
        {
            "changed_at": record.history_date.isoformat(),
            "change": record.get_history_type_display(),
            "changed_by": record.history_user.get_username() if record.history_user else None,
            **{name: getattr(record, name if name != "organisation" else "organisation_id") for name in fields},
        }
        for record in contact.history.select_related("history_user").order_by("history_date")
    ]
    invitations = [
        {"round": invitation.round.name, "invited_at": invitation.invited_at, "answered": bool(invitation.answered_on)}
        for invitation in contact.invitations.select_related("round").order_by("invited_at")
    ]
    accesses = list(
        AccessRecord.objects.filter(contact_id=contact.pk).order_by("at").values("at", "actor_username", "action")
    )
    return {
        "contact": {name: getattr(contact, name) for name in fields} | {"organisation": contact.organisation.name},
        "interactions": interactions,
        "mails": mails,
        "history": history,
        "survey_invitations": invitations,
        "access_audit": accesses,
    }
