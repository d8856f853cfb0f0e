"""Retention: records older than their configured period are anonymised, so statistics stay and people go.

Off by default; each period is set apart (settings.RETENTION_DAYS). Every step is one set-based statement whose
selection re-reads the rows not yet anonymised (the main table is updated last), so the job is safe to run twice or
on two beats at once: a second run finds nothing left to do.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.audit import access_records_expire
from crm.models import OutboxMessage, OutboxStatus

from .models import Contact, Interaction

FINAL_OUTBOX_STATES = [OutboxStatus.SENT, OutboxStatus.SUPPRESSED, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN]


def _cutoff(record_type: str, now: datetime) -> datetime | None:
    days = settings.RETENTION_DAYS.get(record_type)
    return now - timedelta(days=days) if days else None


@transaction.atomic
def interactions_anonymise(*, ids: QuerySet | list[int], now: datetime) -> int:
    """Drop what an interaction says and who took part; keep when, with which organisation and through which channel."""
    placeholder = _("(anonymised)")
    Interaction.history.filter(id__in=ids).update(subject=placeholder, notes="")
    apps.get_model("stakeholders", "HistoricalInteraction_contacts").objects.filter(interaction_id__in=ids).delete()
    Interaction.contacts.through.objects.filter(interaction_id__in=ids).delete()
    return Interaction.objects.filter(id__in=ids).update(subject=placeholder, notes="", anonymised_at=now)


@transaction.atomic
def contacts_anonymise(*, ids: QuerySet | list[int], now: datetime) -> int:
    """Remove a contact's personal data, here, in its history and in its mails; the row stays, so counts stay."""
    personal = {"first_name": "", "name_prefix": "", "job_title": "", "email": "", "phone": "", "notes": ""}
    placeholder = _("(anonymised)")
    Contact.history.filter(id__in=ids).update(last_name=placeholder, **personal)
    # Its mails hold its address, its name in the greeting and its organisation.
    OutboxMessage.objects.filter(contact_id__in=ids).delete()
    return Contact.objects.filter(id__in=ids).update(
        last_name=placeholder, is_active=False, anonymised_at=now, **personal
    )


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise interactions, inactive contacts and finished mails older than their retention periods, and delete
    expired access records."""
    now = now or timezone.now()
    done = {"interaction": 0, "contact": 0, "outbox": 0, "audit": 0}
    if cutoff := _cutoff("interaction", now):
        ids = Interaction.objects.filter(occurred_at__lt=cutoff, anonymised_at__isnull=True).values("id")
        done["interaction"] = interactions_anonymise(ids=ids, now=now)
    if cutoff := _cutoff("contact", now):
        ids = Contact.objects.filter(is_active=False, updated_at__lt=cutoff, anonymised_at__isnull=True).values("id")
        done["contact"] = contacts_anonymise(ids=ids, now=now)
    if cutoff := _cutoff("outbox", now):
        done["outbox"], _per_model = OutboxMessage.objects.filter(
            status__in=FINAL_OUTBOX_STATES, created_at__lt=cutoff
        ).delete()
    done["audit"] = access_records_expire(now=now)
    return done
