"""Structured outreach: the mails that tell people, without being asked, whom to contact and what is due.

Each job reads what is due with one set-based query, groups it per recipient in memory and writes one outbox row per
recipient under a key of recipient and period, so running a job twice, or on two beats at once, sends nothing twice.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from crm.api.wire import camel
from mail.models import DigestFrequency, MailPreferences
from mail.outbox import Mail, outbox_enqueue
from stakeholders.mails import MailKind

from . import wire
from .filters import DUE_SOON, OVERDUE
from .models import FollowUpAction, Interaction, Organisation, OrganisationKind, OrganisationStatus, OverdueCount
from .selectors import organisations_due_for_outreach, organisations_overdue

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as the django-stubs plugin resolves it.
    from django.contrib.auth.models import _User

User = get_user_model()


# A digest of thousands of organisations is read by nobody: it shows the most pressing ones and links to the rest.
DIGEST_LIMIT = 25


def interaction_log_url(organisation_id: int) -> str:
    """Where a mail sends someone to log a contact with this organisation: the web UI's form for it."""
    return f"{settings.SITE_URL}{reverse('stakeholders:interaction-log', args=[organisation_id])}"


def _coordinators() -> list:
    return list(User.objects.filter(is_active=True, groups__name=roles.COORDINATORS).select_related("mail_preferences"))


def _iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _digest_key(user, today: date) -> str:
    weekly = MailPreferences.of(user).digest_frequency == DigestFrequency.WEEKLY
    return f"outreach-digest:{user.pk}:{_iso_week(today) if weekly else today.isoformat()}"


def _digest_sections(*, overdue: list, due_soon: list, unowned: list, owner: str) -> dict:
    """The digest's sections, together at most DIGEST_LIMIT organisations, most overdue first; each section that
    was cut says how many it holds and links to the web UI's organisation list filtered to them."""
    room = DIGEST_LIMIT
    sections: dict[str, list | int | str] = {}
    # The list's own query keys and codes (stakeholders/filters.py), most overdue first.
    most_overdue_first = camel(wire.ORGANISATION["next_contact_due_on"])
    active = wire.ORGANISATION_STATUS.code(OrganisationStatus.ACTIVE)
    for name, rows, filters in (
        ("overdue", overdue, {"relatiebeheerder": owner, "contactplanning": OVERDUE, "sorteer": most_overdue_first}),
        ("due_soon", due_soon, {"relatiebeheerder": owner, "contactplanning": DUE_SOON, "sorteer": most_overdue_first}),
        ("unowned", unowned, {"zonderRelatiebeheerder": "true", "status": active, "sorteer": most_overdue_first}),
    ):
        shown = rows[:room]
        room -= len(shown)
        sections[name] = shown
        sections[f"{name}_total"] = len(rows)
        sections[f"{name}_more_url"] = (
            f"{settings.SITE_URL}{reverse('stakeholders:organisation-list')}?{urlencode(filters)}"
            if len(shown) < len(rows)
            else ""
        )
    return sections


def outreach_digests_send(*, as_of: date | None = None) -> int:
    """Queue each liaison officer's digest of organisations overdue or due within a week, most overdue first.

    Organisations without an owner, or whose owner is no longer active, go to every coordinator. An officer who
    chose a weekly digest gets the first one of each ISO week. Returns the number of mails queued.
    """
    today = as_of or timezone.localdate()
    due = organisations_due_for_outreach(as_of=today)
    owners = User.objects.filter(
        id__in={organisation["owner_id"] for organisation in due} - {None}, is_active=True
    ).select_related("mail_preferences")
    active_owners = {owner.pk for owner in owners}
    per_owner: dict[int | None, list[dict]] = defaultdict(list)
    for organisation in due:
        organisation["overdue_days"] = (today - organisation["next_contact_due_on"]).days
        organisation["log_url"] = interaction_log_url(organisation["id"])
        # An organisation whose officer left is nobody's until it is handed over: the coordinators see it.
        owner = organisation["owner_id"] if organisation["owner_id"] in active_owners else None
        per_owner[owner].append(organisation)
    coordinators = _coordinators() if per_owner.get(None) else []
    recipients = {user.pk: user for user in [*owners, *coordinators]}
    coordinator_ids = {user.pk for user in coordinators}
    mails = []
    for user in recipients.values():
        own = per_owner.get(user.pk, [])
        unowned = per_owner.get(None, []) if user.pk in coordinator_ids else []
        context = {
            "recipient": user,
            "today": today,
            **_digest_sections(
                overdue=[organisation for organisation in own if organisation["overdue_days"] > 0],
                due_soon=[organisation for organisation in own if organisation["overdue_days"] <= 0],
                unowned=unowned,
                owner=user.get_username(),
            ),
        }
        mails.append(
            Mail(
                key=_digest_key(user, today),
                kind=MailKind.OUTREACH_DIGEST,
                template="emails/outreach_digest",
                context=context,
                user=user,
            )
        )
    with transaction.atomic():
        return outbox_enqueue(mails=mails)


def follow_up_reminders_send(*, as_of: date | None = None) -> int:
    """Queue one reminder per assignee listing their open follow-up actions due today or overdue."""
    today = as_of or timezone.localdate()
    actions = (
        FollowUpAction.objects.filter(done_at__isnull=True, due_on__lte=today, assignee__is_active=True)
        .select_related("interaction__organisation", "assignee__mail_preferences")
        .order_by("due_on", "id")
    )
    per_assignee = defaultdict(list)
    for action in actions:
        # Every action here has an assignee: the query asks for an active one.
        per_assignee[cast("_User", action.assignee)].append(
            {
                "description": action.description,
                "interaction": action.interaction,
                "due_on": action.due_on,
                "log_url": interaction_log_url(action.interaction.organisation_id),
            }
        )
    mails = [
        Mail(
            key=f"follow-up-reminder:{assignee.pk}:{today.isoformat()}",
            kind=MailKind.FOLLOW_UP_REMINDER,
            template="emails/follow_up_reminder",
            context={"recipient": assignee, "today": today, "actions": assignee_actions},
            user=assignee,
        )
        for assignee, assignee_actions in per_assignee.items()
    ]
    with transaction.atomic():
        return outbox_enqueue(mails=mails)


def _interactions_per_kind(*, since: date, until: date) -> dict[str, int]:
    start, end = (timezone.make_aware(datetime.combine(day, time.min)) for day in (since, until))
    rows = (
        Interaction.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .values("organisation__kind")
        .annotate(count=Count("id"))
    )
    return {row["organisation__kind"]: row["count"] for row in rows}


def coordinator_summary_send(*, as_of: date | None = None) -> int:
    """Queue the weekly summary for the coordinators: contacts per kind of organisation and overdue per officer,
    each beside the week before. Overdue counts are kept per week, so next week has something to compare with."""
    today = as_of or timezone.localdate()
    week_ago = today - timedelta(days=7)
    this_week = _interactions_per_kind(since=week_ago, until=today)
    last_week = _interactions_per_kind(since=week_ago - timedelta(days=7), until=week_ago)
    per_kind = [
        {"kind": label, "count": this_week.get(kind, 0), "change": this_week.get(kind, 0) - last_week.get(kind, 0)}
        for kind, label in OrganisationKind.choices
    ]
    overdue_now = {
        row["owner"]: row["count"]
        for row in Organisation.objects.filter(organisations_overdue(as_of=today))
        .values("owner")
        .annotate(count=Count("id"))
    }
    previous = dict(OverdueCount.objects.filter(taken_on=week_ago).values_list("owner", "count"))
    owners = {user.pk: user for user in User.objects.filter(id__in=[owner for owner in overdue_now if owner])}
    per_officer = [
        {
            "officer": owners.get(owner),
            "count": count,
            "change": count - previous[owner] if owner in previous else None,
        }
        for owner, count in sorted(overdue_now.items(), key=lambda item: -item[1])
    ]
    mails = [
        Mail(
            key=f"coordinator-summary:{coordinator.pk}:{_iso_week(today)}",
            kind=MailKind.COORDINATOR_SUMMARY,
            template="emails/coordinator_summary",
            context={
                "recipient": coordinator,
                "since": week_ago,
                "until": today,
                "per_kind": per_kind,
                "per_officer": per_officer,
                "total": sum(row["count"] for row in per_kind),
                "total_change": sum(row["change"] for row in per_kind),
            },
            user=coordinator,
        )
        for coordinator in _coordinators()
    ]
    with transaction.atomic():
        OverdueCount.objects.bulk_create(
            [OverdueCount(taken_on=today, owner_id=owner, count=count) for owner, count in overdue_now.items()],
            ignore_conflicts=True,
        )
        return outbox_enqueue(mails=mails)


def owner_assigned_notify(*, organisation: Organisation) -> int:
    """Tell a liaison officer that an organisation is now theirs (in the transaction that made it so)."""
    if organisation.owner_id is None:
        return 0
    today = timezone.localdate()
    return outbox_enqueue(
        mails=[
            Mail(
                key=f"owner-assigned:{organisation.pk}:{organisation.owner_id}:{today.isoformat()}",
                kind=MailKind.OWNER_ASSIGNED,
                template="emails/owner_assigned",
                context={"organisation": organisation, "log_url": interaction_log_url(organisation.pk)},
                user=organisation.owner,
            )
        ]
    )


def owner_unassigned_notify(*, organisation: Organisation, previous_owner) -> int:
    """Tell a liaison officer that an organisation is no longer theirs, and who has it now (in the transaction that
    made it so): an officer who did not ask for it learns at once that someone took it."""
    if previous_owner is None:
        return 0
    today = timezone.localdate()
    key = f"owner-unassigned:{organisation.pk}:{previous_owner.pk}:{organisation.owner_id}:{today.isoformat()}"
    return outbox_enqueue(
        mails=[
            Mail(
                key=key,
                kind=MailKind.OWNER_UNASSIGNED,
                template="emails/owner_unassigned",
                context={"organisation": organisation, "new_owner": organisation.owner},
                user=previous_owner,
            )
        ]
    )
