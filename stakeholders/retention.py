"""Retention: records older than their configured period are anonymised, so statistics stay and people go.

Off by default; each period is set apart (settings.RETENTION_DAYS). Every step is one set-based statement whose
selection re-reads the rows not yet anonymised (the main table is updated last), so the job is safe to run twice or
on two beats at once: a second run finds nothing left to do.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Left, Replace
from django.utils import timezone

from mail.models import OutboxMessage, OutboxStatus
from privacy.audit import access_records_expire
from privacy.inventory import ERASED, INVENTORY, record_of

from .models import Contact, FollowUpAction, Interaction, Organisation

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
# Between the digits of a phone number as people write it: spaces, dots, dashes, slashes, brackets.
PHONE_SEPARATORS = r"[[:space:].()/-]*"


class RegexpReplace(Func):
    """PostgreSQL's regexp_replace(text, pattern, replacement, flags)."""

    function = "regexp_replace"
    output_field = TextField()


@dataclass(frozen=True)
class Mention:
    """One recorded form of the person (`text`, replaced as it is on SQLite) and the PostgreSQL regular expression
    that finds every way staff may have written it (`pattern`)."""

    text: str
    pattern: str


def _letters(text: str) -> str:
    """A pattern for these letters that also finds them written without their accents ("Zoë", "Zoe")."""
    parts = []
    for char in text:
        base = unicodedata.normalize("NFKD", char)[0]
        parts.append(f"[{char}{base}]" if base != char and base.isascii() else re.escape(char))
    return "".join(parts)


def _bounded(text: str, pattern: str) -> str:
    # \m and \M: a word starts or ends here (only where the text itself starts or ends with an ASCII letter or digit,
    # which PostgreSQL's word boundaries know in every locale).
    start = r"\m" if text[0].isascii() and text[0].isalnum() else ""
    end = r"\M" if text[-1].isascii() and text[-1].isalnum() else ""
    return f"{start}{pattern}{end}"


def _name_mention(*parts: str) -> Mention | None:
    words = [word for part in parts for word in part.split()]
    text = " ".join(words)
    if len(text) < MENTION_MIN_LENGTH["name"]:
        return None
    # Any run of spaces between the words; "Vries, Jan" keeps its comma.
    return Mention(text, _bounded(text, r"[[:space:]]+".join(_letters(word) for word in words)))


def _phone_mention(phone: str) -> Mention | None:
    """A phone number in any notation: with or without spaces, dashes, dots or brackets, and a Dutch number with
    +31, 0031, +31 (0) or 0 in front."""
    written = phone.strip()
    digits = re.sub(r"\D", "", written)
    if written.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        international = "31" + digits[1:]
    else:
        international = ""
    if international.startswith("31"):
        number = international[2:]
        prefix = rf"(?:(?:\+|00){PHONE_SEPARATORS}31{PHONE_SEPARATORS}(?:\(0\){PHONE_SEPARATORS})?|\(?0)"
    elif international:
        number, prefix = international, rf"(?:\+|00){PHONE_SEPARATORS}"
    else:
        number, prefix = digits, ""
    if len(number) < MENTION_MIN_LENGTH["phone"]:
        return None
    # Not inside a longer number.
    return Mention(written, rf"(?<![0-9]){prefix}{PHONE_SEPARATORS.join(number)}(?![0-9])")


def _mentions(contact: Contact) -> tuple[list[Mention], list[Mention]]:
    """How staff may have written the person, from every version the contact ever had: their full name (with and
    without tussenvoegsel, and "surname, first name"), their e-mail address and their phone number, to be replaced
    everywhere; and their surname alone (with and without tussenvoegsel), only in their own organisation's records.
    Longest first, so that "Jan de Vries" goes before a shorter form of it could leave a part behind."""
    versions = [contact, *(record.instance for record in Contact.history.filter(id=contact.pk))]
    everywhere: dict[str, Mention | None] = {}
    own: dict[str, Mention | None] = {}
    for version in versions:
        if version.anonymised_at is not None:
            continue
        first, prefix, last = version.first_name, version.name_prefix, version.last_name
        for mention in (
            _name_mention(first, prefix, last),
            _name_mention(first, last),
            _name_mention(f"{last},", first, prefix),
            _name_mention(f"{last},", first),
            _phone_mention(version.phone),
        ):
            if mention is not None:
                everywhere[mention.text] = mention
        email = version.email.strip()
        if len(email) >= MENTION_MIN_LENGTH["email"]:
            everywhere[email] = Mention(email, _bounded(email, re.escape(email)))
        for mention in (_name_mention(prefix, last), _name_mention(last)):
            if mention is not None:
                own[mention.text] = mention

    def longest_first(found: dict[str, Mention | None]) -> list[Mention]:
        return sorted((mention for mention in found.values() if mention), key=lambda m: len(m.text), reverse=True)

    return longest_first(everywhere), longest_first(own)


def _mentioned(field: str, mentions: list[Mention]) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__iregex": "|".join(f"(?:{mention.pattern})" for mention in mentions)})
    found = Q()
    for mention in mentions:
        found |= Q(**{f"{field}__icontains": mention.text})
    return found


def _replaced(model, field: str, mentions: list[Mention]):
    """The field with every mention replaced: whole words, in any notation, in any case (PostgreSQL, one
    regexp_replace of all forms at once, the longest match winning); elsewhere (the SQLite of `make run`) the
    recorded forms as they are."""
    expression: Combinable
    if connection.vendor == "postgresql":
        pattern = "|".join(f"(?:{mention.pattern})" for mention in mentions)
        expression = RegexpReplace(F(field), Value(pattern), Value(str(ERASED)), Value("gi"))
    else:
        expression = F(field)
        for mention in mentions:
            expression = Replace(expression, Value(mention.text), Value(str(ERASED)))
    max_length = model._meta.get_field(field).max_length
    # "(anonymised)" can be longer than a short name it replaces.
    return Left(expression, max_length) if max_length else expression


def _replace_in(queryset: QuerySet, fields: tuple[str, ...], mentions: list[Mention], *, now: datetime | None) -> None:
    """One UPDATE of the rows that mention the person: every free-text field with every mention replaced."""
    if not mentions or not fields:
        return
    model = queryset.model
    mentioned = Q()
    for field in fields:
        mentioned |= _mentioned(field, mentions)
    changes = {field: _replaced(model, field, mentions) for field in fields}
    if now is not None and any(field.name == "updated_at" for field in model._meta.concrete_fields):
        # The API shows these texts: a client syncing by updated_at must meet the erasure.
        changes["updated_at"] = now
    queryset.filter(mentioned).update(**changes)


@transaction.atomic
def contact_mentions_erase(*, contact: Contact) -> None:
    """Replace every recorded form of the person wherever staff may have written it: the free text of every record
    the inventory lists (`free_text`), of every organisation, and its history; mails to others that quote them;
    admin's log of changes. Their surname alone is replaced in the records of their own organisation
    (`Record.organisation`). One UPDATE per table and scope, of the rows that match."""
    everywhere, own = _mentions(contact)
    if not everywhere and not own:
        return
    now = timezone.now()
    for record in INVENTORY.values():
        if not record.free_text:
            continue
        model = apps.get_model(record.model)
        tables: list[tuple[QuerySet, datetime | None]] = [(model._default_manager.all(), now)]
        history = getattr(model, "history", None)
        if history is not None:
            tables.append((history.all(), None))
        in_organisation = Q()
        for lookup in record.organisation:
            in_organisation |= Q(**{lookup: contact.organisation_id})
        for queryset, touched in tables:
            _replace_in(queryset, record.free_text, everywhere, now=touched)
            if record.organisation:
                _replace_in(queryset.filter(in_organisation), record.free_text, own, now=touched)

    logged = LogEntry.objects.all()
    _replace_in(logged, ("object_repr",), everywhere, now=None)
    own_records = Q()
    for model, ids in [
        (Contact, Contact.objects.filter(organisation_id=contact.organisation_id).values_list("id", flat=True)),
        (Interaction, Interaction.objects.filter(organisation_id=contact.organisation_id).values_list("id", flat=True)),
        (Organisation, [contact.organisation_id]),
    ]:
        own_records |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids])
    _replace_in(logged.filter(own_records), ("object_repr",), own, now=None)
    logged.filter(content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)).update(
        object_repr=str(ERASED), change_message=""
    )


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
