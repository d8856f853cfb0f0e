"""The outbox: the only way the product sends mail.

A mail is a row written in the transaction of its cause, under a key that names its recipient and reason, so a job
that runs twice writes nothing new. A periodic sweep claims due rows in batches and hands each batch to a worker; a
kick after commit only makes that sooner. Sending checks the recipient again, marks the row "sending" once the server
accepted the recipient, and marks it "sent" right after the server's 250. A row whose sending lease runs out may or
may not be at the server (SMTP cannot be exactly-once): it becomes "uncertain" and only an administrator can send it
again. A database fault or the batch's time limit puts unsent mail back: only a fault of the mail itself fails it.

django-post-office and django-mailer were evaluated first. Both queue mail in the database, but neither has a unique
key per recipient and reason, skip-locked claiming for several workers, or a state for "handed over, outcome
unknown" apart from "never handed over"; those are the guarantees of this product, so the outbox is our own.
"""

import contextlib
import hashlib
import logging
import secrets
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailPreferences, OutboxMessage, OutboxStatus
from .registry import KINDS, contact_opt_out
from .smtp import (
    PERSONAL_LINK,
    SmtpOutcomeUnknown,
    SmtpRefused,
    SmtpSession,
    build_email,
    data_payload,
    envelope_address,
)

logger = logging.getLogger(__name__)

OPT_OUT_SALT = "mail.outbox.opt-out"

# Faults that pass: a database restart, a failover, a pooler that dropped the connection. A mail they meet is put
# back for a later attempt; it is not the mail's fault.
PASSING_DATABASE_ERRORS = (OperationalError, InterfaceError)
T = TypeVar("T")


def _personaliser(kind: str) -> Callable[[Sequence[OutboxMessage]], list[str | None]] | None:
    """The registered function that makes a whole batch's personal links (mail/registry.py), if the kind has one."""
    registered = KINDS.get(kind)
    return registered.personaliser if registered else None


@dataclass
class Mail:
    """A mail to write to the outbox: its key (recipient and reason), kind, templates and their context."""

    key: str
    kind: str
    template: str
    context: dict = field(default_factory=dict)
    user: AbstractBaseUser | None = None
    contact: object | None = None


def opt_out_token(*, kind: str, user_id: int | None = None, contact_id: int | None = None) -> str:
    """A signed token for the one-click opt-out link: a contact stops all mail, a user stops one kind."""
    recipient = {"contact": contact_id} if contact_id else {"user": user_id, "kind": kind}
    return signing.dumps(recipient, salt=OPT_OUT_SALT, compress=True)


def opt_out_read(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None


def mail_opt_out(*, recipient: dict) -> str:
    """Apply a one-click opt-out; returns the recipient's language. A contact stops all mail, a user one kind."""
    if "contact" in recipient:
        return contact_opt_out(recipient["contact"]) or settings.LANGUAGE_CODE
    user = get_user_model().objects.filter(pk=recipient["user"]).first()
    if user is None:
        return settings.LANGUAGE_CODE
    preferences = MailPreferences.of(user)
    preferences.opt_out(recipient["kind"])
    preferences.save()
    return preferences.language


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
    user = mail.user
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


def suppression_reason(message: OutboxMessage) -> str:
    """Why this mail must not go out now, or "" if it may. Asked inside the claim, just before sending."""
    recipient = message.contact if message.contact_id else message.user if message.user_id else None
    reason = refusal_reason(kind=message.kind, user=message.user, contact=message.contact)
    # A person who left is often only recognisable by a cleared or changed address: their mail must not follow.
    if not reason and recipient.email.lower() != message.to_address.lower():
        reason = "The recipient's address changed after the mail was queued."
    return reason


def outbox_send_batch(*, claim_token: uuid.UUID, message_ids: list[int]) -> None:
    """Send the rows of one claim over one SMTP connection. Rows no longer held by this claim are left alone.

    A database fault or the batch's soft time limit ends the batch early: the mails not yet handed over are put
    back (pending, due again after a short pause), never marked failed or uncertain.
    """
    tally = _Tally(size=len(message_ids))
    in_flight: _Outgoing | None = None
    try:
        waiting = _prepare(claim_token=claim_token, message_ids=message_ids, tally=tally)
        with SmtpSession() as smtp:
            for in_flight in waiting:
                _send_one(in_flight, claim_token=claim_token, smtp=smtp, tally=tally)
            in_flight = None
    except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded) as error:
        reason = "the batch's time limit" if isinstance(error, SoftTimeLimitExceeded) else "a database fault"
        unsent, marked = list(message_ids), []
        if in_flight is not None and in_flight.handed_over:
            # Its body may be at the server: the row stays "sending" and becomes uncertain when its lease runs out.
            tally.add("uncertain", f"{reason} while the server had the mail: {error!r}")
            unsent.remove(in_flight.message.id)
        elif in_flight is not None and in_flight.sending_until:
            marked.append(in_flight.sending_until)
        put_back = _put_back(message_ids=unsent, claim_token=claim_token, marked_sending=marked, reason=reason)
        tally.add("put back", f"{reason}: {error!r}", count=put_back)
    finally:
        tally.log(claim_token)


def _prepare(*, claim_token: uuid.UUID, message_ids: list[int], tally: "_Tally") -> list["_Outgoing"]:
    """Read the claimed rows, check their recipients, make their personal links and messages, all for the whole
    batch at once: one read, one read and one insert per kind of personal link, one write per outcome.

    Everything that can fail without SMTP fails here, while the rows still say "pending", so such a failure is never
    mistaken for a mail the server might have. Only a fault of the mail itself fails it.
    """
    order = {message_id: position for position, message_id in enumerate(message_ids)}
    messages = _with_reconnect(
        lambda: sorted(
            OutboxMessage.objects.select_related("user__mail_preferences", "contact").filter(
                id__in=message_ids, status=OutboxStatus.PENDING, claim_token=claim_token
            ),
            key=lambda message: order[message.id],
        )
    )
    outcomes: dict[tuple[str, str], list[int]] = defaultdict(list)  # (status, last error) -> ids
    candidates = []
    for message in messages:
        if reason := suppression_reason(message):
            outcomes[(OutboxStatus.SUPPRESSED, reason)].append(message.id)
        else:
            candidates.append(message)
    links = _personal_links(candidates, outcomes=outcomes)
    outgoing = []
    for message in candidates:
        if _personaliser(message.kind) and message.id not in links:
            continue  # suppressed or failed while its link was made
        try:
            raw = build_email(message, personal_link=links.get(message.id, "")).message().as_bytes(linesep="\r\n")
            outgoing.append(_Outgoing(message, envelope_address(message.to_address), data_payload(raw)))
        except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded):
            raise
        except Exception as error:  # noqa: BLE001 (a template or an address that cannot be written fails that mail)
            outcomes[(OutboxStatus.FAILED, f"Could not be prepared: {error!r}"[:2000])].append(message.id)
    for (status, error), ids in outcomes.items():
        _update(
            Q(id__in=ids, status=OutboxStatus.PENDING, claim_token=claim_token),
            status=status,
            last_error=error,
            claim_token=None,
            lease_expires_at=None,
        )
        tally.add(status, error if status == OutboxStatus.FAILED else "", count=len(ids))
    return outgoing


NO_LONGER_APPLIES = "The mail no longer applies (answered, or the round closed)."


def _personal_links(messages: list[OutboxMessage], *, outcomes: dict) -> dict[int, str]:
    """The personal links of these mails by id, made by each kind's personaliser for all its mails in one go. A mail
    that no longer applies is suppressed; if a personaliser fails, each of its mails is tried alone, so that only a
    mail at fault fails."""
    by_kind = defaultdict(list)
    for message in messages:
        if _personaliser(message.kind):
            by_kind[message.kind].append(message)
    links = {}
    for kind, group in by_kind.items():
        personalise = _personaliser(kind)
        try:
            made = _with_reconnect(lambda: personalise(group))  # noqa: B023 (called at once, in this turn)
        except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded):
            raise
        except Exception:  # noqa: BLE001 (one mail's fault must not fail the others: find it below)
            made = []
            for message in group:
                try:
                    made.extend(personalise([message]))
                except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded):
                    raise
                except Exception as error:  # noqa: BLE001
                    outcomes[(OutboxStatus.FAILED, f"Could not be prepared: {error!r}"[:2000])].append(message.id)
                    made.append(False)
        for message, link in zip(group, made, strict=True):
            if link:
                links[message.id] = link
            elif link is None:
                outcomes[(OutboxStatus.SUPPRESSED, NO_LONGER_APPLIES)].append(message.id)
    return links


def _send_one(outgoing: "_Outgoing", *, claim_token: uuid.UUID, smtp: SmtpSession, tally: "_Tally") -> None:
    try:
        smtp.recipient_accepted(to_address=outgoing.envelope_to)
        if not _mark_sending(outgoing, claim_token=claim_token):
            smtp.abandon()  # the claim ran out and another sweep holds the row: that one sends it
            tally.add("left to a newer claim")
            return
        smtp.data_command()
        outgoing.handed_over = True
        smtp.send_body(outgoing.payload)
    except SmtpRefused as refusal:
        message = outgoing.message
        attempts = message.attempts if message.status == OutboxStatus.SENDING else message.attempts + 1
        if refusal.permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            outcome, fields = "failed", {"status": OutboxStatus.FAILED}
        else:
            again_at = timezone.now() + retry_delay(attempts=attempts)
            outcome, fields = "refused for now", {"status": OutboxStatus.PENDING, "next_attempt_at": again_at}
        _settle(outgoing, claim_token=claim_token, attempts=attempts, last_error=str(refusal), **fields)
        tally.add(outcome, str(refusal))
    except SmtpOutcomeUnknown as unknown:
        _settle(outgoing, claim_token=claim_token, status=OutboxStatus.UNCERTAIN, last_error=str(unknown))
        tally.add("uncertain", str(unknown))
    else:
        _settle(outgoing, claim_token=claim_token, status=OutboxStatus.SENT, sent_at=timezone.now())
        tally.add("sent")


def _mark_sending(outgoing: "_Outgoing", *, claim_token: uuid.UUID) -> bool:
    """Only now, with the recipient accepted and before DATA, does the row say "sending": a crash before this
    leaves it pending (retried once its claim runs out), a crash after it leaves it uncertain. False if the claim
    was lost."""
    message = outgoing.message
    outgoing.sending_until = timezone.now() + timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    # The lease written is also this run's mark: if the connection breaks after the update but before its answer,
    # the retry recognises the row it marked itself (a second run of the same batch writes another moment).
    updated = _update(
        Q(id=message.id, claim_token=claim_token)
        & (Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, lease_expires_at=outgoing.sending_until)),
        status=OutboxStatus.SENDING,
        attempts=message.attempts + 1,
        lease_expires_at=outgoing.sending_until,
    )
    if updated:
        message.status, message.attempts = OutboxStatus.SENDING, message.attempts + 1
    return bool(updated)


def _settle(outgoing: "_Outgoing", *, claim_token: uuid.UUID, status: str, **fields) -> None:
    # Conditional on the state this run left the row in: if a slow send was meanwhile marked uncertain, the 250
    # still wins, but nothing else overwrites what another process decided.
    if outgoing.message.status == OutboxStatus.SENDING:
        expected = (
            [OutboxStatus.SENDING, OutboxStatus.UNCERTAIN] if status == OutboxStatus.SENT else [OutboxStatus.SENDING]
        )
        mine = Q(status__in=expected, lease_expires_at=outgoing.sending_until)
    else:
        mine = Q(status=OutboxStatus.PENDING, claim_token=claim_token)
    _update(Q(id=outgoing.message.id) & mine, status=status, claim_token=None, lease_expires_at=None, **fields)


def _put_back(*, message_ids: list[int], claim_token: uuid.UUID, marked_sending: list[datetime], reason: str) -> int:
    """End the claim on mails that were not handed over: pending again, due after a pause of half to one
    OUTBOX_RETRY_BASE_SECONDS. Not an attempt: a fault of the database or a time limit is not the mail's."""
    return _update(
        Q(id__in=message_ids, claim_token=claim_token)
        & (Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, lease_expires_at__in=marked_sending)),
        status=OutboxStatus.PENDING,
        claim_token=None,
        lease_expires_at=None,
        next_attempt_at=timezone.now() + retry_delay(attempts=1),
        last_error=f"Put back unsent: {reason}.",
    )


def _update(condition: Q, **fields) -> int:
    return _with_reconnect(lambda: OutboxMessage.objects.filter(condition).update(updated_at=timezone.now(), **fields))


def _with_reconnect(call: Callable[[], T]) -> T:
    """Run a read or a write; if the connection was lost, once more on a new one. A terminated backend (a restart,
    a failover, a pooler) is gone for good, but the database is usually there again at once. Every call passed
    here gives the same outcome when run twice."""
    try:
        return call()
    except PASSING_DATABASE_ERRORS:
        if not connection.in_atomic_block:  # (only tests call this inside a transaction)
            with contextlib.suppress(DatabaseError):
                connection.close()
        return call()


@dataclass
class _Outgoing:
    """A mail ready to go: its row, the envelope address and the message as DATA sends it."""

    message: OutboxMessage
    envelope_to: str
    payload: bytes
    sending_until: datetime | None = None  # the lease written when the row was marked "sending"
    handed_over: bool = False  # the body may have reached the server


@dataclass
class _Tally:
    """What became of one batch, for one log line: WARNING when anything needs a retry or a person."""

    size: int
    counts: Counter = field(default_factory=Counter)
    first_error: str = ""

    def add(self, outcome: str, error: str = "", *, count: int = 1) -> None:
        if count:
            self.counts[outcome] += count
            self.first_error = self.first_error or error

    def log(self, claim_token: uuid.UUID) -> None:
        trouble = any(self.counts[outcome] for outcome in ("failed", "refused for now", "uncertain", "put back"))
        summary = ", ".join(f"{count} {outcome}" for outcome, count in self.counts.items()) or "nothing to send"
        if trouble:
            logger.warning(
                "outbox: batch %s of %d mails: %s; first error: %s", claim_token, self.size, summary, self.first_error
            )
        else:
            logger.info("outbox: batch %s of %d mails: %s", claim_token, self.size, summary)


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
