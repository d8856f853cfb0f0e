"""Retention: records older than their configured period are anonymised, so statistics stay and people go.

Off by default; each period is set apart (settings.RETENTION_DAYS). Every step is one set-based statement whose
selection re-reads the rows not yet anonymised (the main table is updated last), so the job is safe to run twice or
on two beats at once: a second run finds nothing left to do.
"""

import re
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Replace
from django.utils import timezone

from mail.models import OutboxMessage, OutboxStatus
from privacy.audit import access_records_expire
from privacy.inventory import ERASED, record_of

from .models import Contact, FollowUpAction, Interaction

# The free-text fields in which staff may mention a person (the outbox's address fields are not text to search).
TEXT_FIELDS = {"subject", "notes", "description", "body_text", "body_html"}
FINAL_OUTBOX_STATES = [OutboxStatus.SENT, OutboxStatus.SUPPRESSED, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN]


def _cutoff(record_type: str, now: datetime) -> datetime | None:
    days = settings.RETENTION_DAYS.get(record_type)
    return now - timedelta(days=days) if days else None


@transaction.atomic
def interactions_anonymise(*, ids: QuerySet | list[int], now: datetime) -> int:
    """Drop what an interaction and its follow-ups say and who took part; keep when, with which organisation and
    through which channel. The fields are the inventory's (crm/privacy.py)."""
    erased = record_of("stakeholders.interaction").erased_values()
    Interaction.history.filter(id__in=ids).update(**erased)
    apps.get_model("stakeholders", "HistoricalInteraction_contacts").objects.filter(interaction_id__in=ids).delete()
    Interaction.contacts.through.objects.filter(interaction_id__in=ids).delete()
    # updated_at moves with what the API shows, so a client syncing by it meets the erasure and drops its copy.
    FollowUpAction.objects.filter(interaction_id__in=ids).update(
        updated_at=now, **record_of("stakeholders.followupaction").erased_values()
    )
    return Interaction.objects.filter(id__in=ids).update(anonymised_at=now, updated_at=now, **erased)


@transaction.atomic
def contacts_anonymise(*, ids: QuerySet | list[int], now: datetime) -> int:
    """Remove a contact's personal data, here, in its history and in its mails; the row stays, so counts stay.
    The fields are the inventory's (crm/privacy.py)."""
    erased = record_of("stakeholders.contact").erased_values()
    Contact.history.filter(id__in=ids).update(**erased)
    # Its mails hold its address, its name in the greeting and its organisation.
    OutboxMessage.objects.filter(contact_id__in=ids).delete()
    # updated_at moves with what the API shows, so a client syncing by it meets the erasure and drops its copy.
    return Contact.objects.filter(id__in=ids).update(is_active=False, anonymised_at=now, updated_at=now, **erased)


# Shorter names or numbers would also match other words ("Bos" in "Bosnië") or numbers ("112").
MENTION_MIN_LENGTH = {"name": 4, "email": 6, "phone": 6}


class RegexpReplace(Func):
    """PostgreSQL's regexp_replace(text, pattern, replacement, flags)."""

    function = "regexp_replace"
    output_field = TextField()


def _replaced(field: str, mentions: list[str]):
    """The field with every mention replaced: whole words only, in any case (PostgreSQL); elsewhere (the SQLite of
    `make run`) exact matches."""
    expression: F | Func = F(field)
    for mention in mentions:
        if connection.vendor == "postgresql":
            # \m and \M: a word starts or ends here (only where the mention itself starts or ends with a letter or
            # digit; "+31 …" starts with neither).
            start = r"\m" if mention[0].isalnum() else ""
            end = r"\M" if mention[-1].isalnum() else ""
            pattern = f"{start}{re.escape(mention)}{end}"
            expression = RegexpReplace(expression, Value(pattern), Value(str(ERASED)), Value("gi"))
        else:
            expression = Replace(expression, Value(mention), Value(str(ERASED)))
    return expression


def _mentions(contact: Contact) -> list[str]:
    """How staff may have written the person: every name, address and number the contact ever had."""
    versions = [contact, *(record.instance for record in Contact.history.filter(id=contact.pk))]
    found = set()
    for version in versions:
        for kind, text in (("name", version.full_name), ("email", version.email), ("phone", version.phone)):
            if len(text.strip()) >= MENTION_MIN_LENGTH[kind]:
                found.add(text.strip())
    # Longest first, so that "Jan de Vries" goes before a shorter form of it could leave a part behind.
    return sorted(found, key=len, reverse=True)


@transaction.atomic
def contact_mentions_erase(*, contact: Contact) -> None:
    """Replace the person's names, e-mail addresses and phone numbers wherever staff wrote them in free text: the
    organisation's interactions and follow-ups (and their history), mails to staff that quote them, and admin's log
    of changes."""
    mentions = _mentions(contact)
    if not mentions:
        return
    interactions = Interaction.objects.filter(organisation_id=contact.organisation_id).values("id")
    now = timezone.now()
    for model, queryset, live in [
        (Interaction, Interaction.objects.filter(id__in=interactions), True),
        (Interaction, Interaction.history.filter(id__in=interactions), False),
        (FollowUpAction, FollowUpAction.objects.filter(interaction_id__in=interactions), True),
        (OutboxMessage, OutboxMessage.objects.all(), False),
    ]:
        fields = [field for field in record_of(model._meta.label_lower).personal if field in TEXT_FIELDS]
        # Only the rows that mention the person change (a cheap superset of the whole-word matches below).
        mentioned = Q()
        for field in fields:
            for mention in mentions:
                mentioned |= Q(**{f"{field}__icontains": mention})
        changes = {field: _replaced(field, mentions) for field in fields}
        if live:
            # The API shows these texts: a client syncing by updated_at must meet the erasure.
            changes["updated_at"] = now
        queryset.filter(mentioned).update(**changes)
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)).update(
        object_repr=str(ERASED), change_message=""
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Interaction),
        object_id__in=[str(pk) for pk in interactions.values_list("id", flat=True)],
    ).update(object_repr=_replaced("object_repr", mentions))


def retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Anonymise interactions, inactive contacts and finished mails older than their retention periods, and delete
    expired access records."""
    now = now or timezone.now()
    done = {"interaction": 0, "contact": 0, "outbox": 0, "audit": 0}
    if cutoff := _cutoff("interaction", now):
        ids: QuerySet = Interaction.objects.filter(occurred_at__lt=cutoff, anonymised_at__isnull=True).values("id")
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
