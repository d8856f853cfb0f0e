"""The outbox: the only way the product sends mail.

A mail is a row written in the transaction of its cause, under a key that names its recipient and reason, so a job
that runs twice writes nothing new. A periodic sweep claims due rows in batches and hands each batch to a worker; a
kick after commit only makes that sooner. Sending checks the recipient again, marks the row "sending" once the server
accepted the recipient and waits for the body (its 354 to DATA), and marks it "sent" right after the server's 250. A
row whose sending lease runs out may or may not be at the server (SMTP cannot be exactly-once): it becomes
"uncertain" and only an administrator can send it again. A database fault or the batch's time limit puts unsent
mail back: only a fault of the mail itself fails it.

django-post-office and django-mailer were evaluated first. Both queue mail in the database, but neither has a unique
key per recipient and reason, skip-locked claiming for several workers, or a state for "handed over, outcome
unknown" apart from "never handed over"; those are the guarantees of this product, so the outbox is our own.
"""

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailPreferences, OutboxMessage, OutboxStatus
from .smtp import (
    PERSONAL_LINK,
)

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as the django-stubs plugin resolves it.
    from django.contrib.auth.models import _User

logger = logging.getLogger(__name__)

OPT_OUT_SALT = "mail.outbox.opt-out"


@dataclass
class Mail:
    """A mail to write to the outbox: its key (recipient and reason), kind, templates and their context."""

    key: str
    kind: str
    template: str
    context: dict = field(default_factory=dict)
    user: "_User | None" = None
    contact: Any = None  # a settings.MAIL_CONTACT_MODEL, which the mail app cannot name


def opt_out_token(*, kind: str, user_id: int | None = None, contact_id: int | None = None) -> str:
    """A signed token for the one-click opt-out link: a contact stops all mail, a user stops one kind."""
    recipient: dict[str, int | str | None] = {"contact": contact_id} if contact_id else {"user": user_id, "kind": kind}
    return signing.dumps(recipient, salt=OPT_OUT_SALT, compress=True)


def opt_out_read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None


def refusal_reason(*, kind: str, user=None, contact=None) -> str:
    """Why this recipient takes no mail of this kind now, or "" if they do.

    Asked when a mail is written, and again just before it is sent, so a change in between is honoured.
    """
    if contact is not None:
        if contact.mail_opted_out_at is not None:
            return "The contact opted out of mail."
        if not contact.is_active:
            return "The contact is no longer active."
        return "" if contact.email else "The contact has no address."
    if user is not None:
        if not user.is_active:
            return "The user is no longer active."
        if not MailPreferences.of(user).wants(kind):
            return "The user switched this mail off."
        return "" if user.email else "The user has no address."
    return "The recipient no longer exists."


def _recipient(mail: Mail) -> tuple[str, str, str] | None:
    """Address, language and opt-out token of a mail's recipient, or None if they take no mail now."""
    if refusal_reason(kind=mail.kind, user=mail.user, contact=mail.contact):
        return None
    if mail.contact is not None:
        contact = mail.contact
        return contact.email, contact.preferred_language, opt_out_token(kind=mail.kind, contact_id=contact.pk)
    user = cast("_User", mail.user)  # refusal_reason refused a mail without a recipient
    return user.email, MailPreferences.of(user).language, opt_out_token(kind=mail.kind, user_id=user.pk)


def message_id_for(key: str) -> str:
    """The same key always gives the same Message-ID, so a mail sent again by hand is recognisably the same."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.OUTBOX_MESSAGE_ID_DOMAIN}>"


def _render(mail: Mail, *, language: str, opt_out_url: str) -> tuple[str, str, str]:
    context = {
        **mail.context,
        "opt_out_url": opt_out_url,
        "site_url": settings.SITE_URL,
        "personal_link": PERSONAL_LINK,
    }
    with translation.override(language):
        subject = " ".join(render_to_string(f"{mail.template}/subject.txt", context).split())
        text = render_to_string(f"{mail.template}/body.txt", context)
        html = render_to_string(f"{mail.template}/body.html", context)
    return subject, text, html


def outbox_enqueue(*, mails: list[Mail]) -> int:
    """Write these mails in the caller's transaction; a key that is already in the outbox is skipped.

    Recipients who take no mail now (inactive, opted out, no address) get no row. Returns how many rows were written.
    Two callers at once are safe: the unique key makes the database keep the first row and skip the second.
    """
    known = set(
        OutboxMessage.objects.filter(idempotency_key__in=[mail.key for mail in mails]).values_list(
            "idempotency_key", flat=True
        )
    )
    rows = []
    for mail in mails:
        recipient = None if mail.key in known else _recipient(mail)
        if recipient is None:
            continue
        address, language, token = recipient
        opt_out_url = settings.SITE_URL + reverse("mail-opt-out", args=[token])
        subject, text, html = _render(mail, language=language, opt_out_url=opt_out_url)
        rows.append(
            OutboxMessage(
                idempotency_key=mail.key,
                kind=mail.kind,
                user=mail.user if mail.contact is None else None,
                contact=mail.contact,
                to_address=address,
                language=language,
                subject=subject[:300],
                body_text=text,
                body_html=html,
                opt_out_url=opt_out_url,
                message_id=message_id_for(mail.key),
            )
        )
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows:
        transaction.on_commit(outbox_kick)
    return len(rows)


def outbox_kick() -> None:
    """Ask a worker to sweep now. Best effort: with the broker down the periodic sweep sends the mail later."""
    from .tasks import outbox_sweep

    try:
        outbox_sweep.apply_async(retry=False)
    except Exception as error:  # noqa: BLE001 (any broker failure: the sweep is the guarantee)
        logger.warning("outbox: could not kick the sweep, the periodic sweep will send: %s", error)


def outbox_expire_sending(*, now: datetime | None = None) -> int:
    """Rows whose sending lease ran out: the server may have them, so they are never sent again automatically."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(status=OutboxStatus.SENDING, lease_expires_at__lt=now).update(
        status=OutboxStatus.UNCERTAIN,
        last_error="The sending lease ran out before the outcome was recorded; the server may have the mail.",
        updated_at=now,
    )


def outbox_claim_batch(*, now: datetime | None = None) -> tuple[uuid.UUID, list[int]] | None:
    """Reserve up to a batch of due rows for one task, skipping rows another sweep holds locked."""
    now = now or timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[: settings.OUTBOX_BATCH_SIZE]
        )
        if not ids:
            return None
        OutboxMessage.objects.filter(id__in=ids).update(
            claim_token=token, lease_expires_at=now + timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)
        )
    return token, ids


def outbox_oldest_pending_age(*, now: datetime | None = None) -> timedelta | None:
    """How long the oldest mail still waiting has waited, or None if none waits. For admin and the health check."""
    # The admin list's index on (status, created_at) answers this from its first entry.
    oldest = (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else (now or timezone.now()) - oldest


def retry_delay(*, attempts: int) -> timedelta:
    """Exponential backoff with jitter, so that mails refused together do not all come back together."""
    ceiling = min(settings.OUTBOX_RETRY_MAX_SECONDS, settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    return timedelta(seconds=secrets.SystemRandom().uniform(ceiling / 2, ceiling))


def outbox_resend(*, message_ids: list[int]) -> int:
    """Queue failed or uncertain mails again, by hand. They keep their Message-ID, so a copy is recognisable."""
    count = OutboxMessage.objects.filter(
        id__in=message_ids, status__in=[OutboxStatus.FAILED, OutboxStatus.UNCERTAIN]
    ).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claim_token=None,
        lease_expires_at=None,
        last_error="",
        updated_at=timezone.now(),
    )
    if count:
        transaction.on_commit(outbox_kick)
    return count
