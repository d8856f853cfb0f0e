"""Planning for a segment: a coordinator sets the liaison officer, tier or planned contact date of every organisation
a filter selects, at once, with the same rules, history and notices as a change of one organisation."""

import hashlib
from collections import defaultdict
from datetime import date
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from mail.outbox import Mail, outbox_enqueue

from ..mails import MailKind
from ..models import Organisation, Tier
from ..outreach import interaction_log_url
from .organisations import Actor, organisation_owner_validate
from .planning import organisation_outreach_refresh

PLAN_SEGMENT = "stakeholders.plan_organisation"


class Unchanged(Enum):
    """A field the plan leaves as it is (None is a value: no officer, no tier, no planned date)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


@transaction.atomic
def organisations_plan(
    *,
    organisations: QuerySet[Organisation],
    actor: Actor,
    owner: Any = UNCHANGED,
    tier: Tier | None | Unchanged = UNCHANGED,
    next_contact_planned_on: date | None | Unchanged = UNCHANGED,
) -> int:
    """Give every organisation of the queryset this officer, tier and/or planned contact date; returns how many.

    Only a coordinator plans a segment (PLAN_SEGMENT; PermissionDenied otherwise), and the liaison officer is chosen
    as for one organisation (services.organisation_owner_validate, keyed "owner"). An empty selection or a plan
    without a change is refused. The rows are changed with set-based queries: one history record per organisation
    naming the actor, the next-contact dates recomputed, and one mail per officer who gains organisations and per
    officer who loses some, listing them, instead of one per organisation. Refused input writes nothing."""
    if actor is not None and not actor.has_perm(PLAN_SEGMENT):
        raise PermissionDenied(_("Only a coordinator can plan a group of organisations."))
    changes = {
        name: value
        for name, value in (("owner", owner), ("tier", tier), ("next_contact_planned_on", next_contact_planned_on))
        if value is not UNCHANGED
    }
    if not changes:
        raise ValidationError(_("Choose a liaison officer, a tier or a planned contact date."))
    if owner not in (UNCHANGED, None) and not owner.is_active:
        raise ValidationError({"owner": _("Choose an active user.")})
    # Locked in a stable order, so two plans of overlapping segments wait for each other instead of deadlocking. A
    # filter across a to-many relation makes the caller's queryset DISTINCT, which FOR UPDATE refuses: by id.
    rows = list(
        Organisation.objects.filter(pk__in=organisations.values("pk"))
        .select_related("owner", "tier")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if not rows:
        raise ValidationError(_("The filters select no organisations."))
    previous_owners = {row.pk: row.owner for row in rows}
    for row in rows:
        if "owner" in changes:
            organisation_owner_validate(actor=actor, organisation=row, owner=changes["owner"])
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = timezone.now()
    default_user = actor if actor is not None and actor.is_authenticated else None
    bulk_update_with_history(rows, Organisation, [*changes, "updated_at"], default_user=default_user)
    _tags_history_copy(rows)
    organisation_outreach_refresh(organisation_ids=[row.pk for row in rows])
    if "owner" in changes:
        _owners_notify(rows=rows, previous_owners=previous_owners, owner=changes["owner"])
    return len(rows)


def _tags_history_copy(rows: list[Organisation]) -> None:
    """The labels of each organisation as they are, on its new history record, as a save would record them: the
    bulk history leaves them out, and a version without them would read as "labels removed"."""
    ids = [row.pk for row in rows]
    history = Organisation.history.model
    latest = {}
    for record in history.objects.filter(id__in=ids).order_by("id", "-history_id").distinct("id"):
        latest[record.id] = record
    through = Organisation.tags.through
    snapshot = history.tags.model  # simple_history's model of the labels of a history record
    snapshot.objects.bulk_create(
        snapshot(
            history=latest[link.organisation_id], id=link.id, organisation_id=link.organisation_id, tag_id=link.tag_id
        )
        for link in through.objects.filter(organisation_id__in=ids)
    )


def _plan_key(prefix: str, user_id: int, organisation_ids: list[int]) -> str:
    # The same plan written twice (a double click) is one mail; another plan on the same day is another mail.
    digest = hashlib.sha256(",".join(map(str, sorted(organisation_ids))).encode()).hexdigest()[:16]
    return f"{prefix}:{user_id}:{timezone.localdate().isoformat()}:{digest}"


def _owners_notify(*, rows: list[Organisation], previous_owners: dict, owner) -> int:
    gained = [row for row in rows if previous_owners[row.pk] != owner]
    lost: dict[Any, list[Organisation]] = defaultdict(list)
    for row in gained:
        if previous_owners[row.pk] is not None:
            lost[previous_owners[row.pk]].append(row)
    # The dates as refreshed, for the mails.
    due = dict(Organisation.objects.filter(pk__in=[row.pk for row in gained]).values_list("pk", "next_contact_due_on"))
    listed = [
        {"name": row.name, "next_contact_due_on": due.get(row.pk), "log_url": interaction_log_url(row.pk)}
        for row in sorted(gained, key=lambda row: (row.name, row.pk))
    ]
    mails = []
    if owner is not None and gained:
        mails.append(
            Mail(
                key=_plan_key("owner-assigned-plan", owner.pk, [row.pk for row in gained]),
                kind=MailKind.OWNER_ASSIGNED,
                template="emails/owner_assigned_plan",
                context={"organisations": listed},
                user=owner,
            )
        )
    for previous, organisations in lost.items():
        names = sorted(row.name for row in organisations)
        mails.append(
            Mail(
                key=_plan_key("owner-unassigned-plan", previous.pk, [row.pk for row in organisations]),
                kind=MailKind.OWNER_UNASSIGNED,
                template="emails/owner_unassigned_plan",
                context={"names": names, "new_owner": owner},
                user=previous,
            )
        )
    return outbox_enqueue(mails=mails)
