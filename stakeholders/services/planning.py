"""When an organisation is due for contact next: derived from its interactions, its tier and its planned date."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from ..models import Organisation

REFRESH_BATCH_SIZE = 1000


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
