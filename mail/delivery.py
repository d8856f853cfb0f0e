"""Sending one claimed batch: prepare its mails (recipient checked again, personal links made for the whole batch),
hand each to the SMTP server, and record each outcome right after the server's answer.

The states follow what the server can have: "sending" only once it accepted the recipient and answered DATA with its
354, "sent" after its 250, "uncertain" only if the connection broke after the body went out. A database fault or the
batch's time limit puts every mail not handed over back for a later attempt.
"""

import contextlib
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone

from .mime import message_bytes
from .models import OutboxMessage, OutboxStatus
from .outbox import refusal_reason, retry_delay
from .registry import KINDS
from .smtp import (
    SmtpOutcomeUnknown,
    SmtpRefused,
    SmtpSession,
    data_payload,
    envelope_address,
)

logger = logging.getLogger(__name__)

# Faults that pass: a database restart, a failover, a pooler that dropped the connection. A mail they meet is put
# back for a later attempt; it is not the mail's fault.
PASSING_DATABASE_ERRORS = (OperationalError, InterfaceError)
T = TypeVar("T")
Personaliser = Callable[[Sequence[OutboxMessage]], list[str | None]]


def _personaliser(kind: str) -> Personaliser | None:
    """The registered function that makes a whole batch's personal links (mail/registry.py), if the kind has one."""
    registered = KINDS.get(kind)
    return registered.personaliser if registered else None


def suppression_reason(message: OutboxMessage) -> str:
    """Why this mail must not go out now, or "" if it may. Asked inside the claim, just before sending."""
    recipient = message.contact if message.contact_id else message.user if message.user_id else None
    reason = refusal_reason(kind=message.kind, user=message.user, contact=message.contact)
    # A person who left is often only recognisable by a cleared or changed address: their mail must not follow.
    if not reason and recipient is not None and recipient.email.lower() != message.to_address.lower():
        reason = "The recipient's address changed after the mail was queued."
    return reason


def outbox_send_batch(*, claim_token: uuid.UUID, message_ids: list[int]) -> None:
    """Send the rows of one claim over one SMTP connection. Rows no longer held by this claim are left alone.

    The mails go in turns (mail/smtp.py): a turn carries one mail's body and the next mail's MAIL, RCPT and DATA,
    and after it one statement marks the first "sent" and the second "sending". So a mail is marked "sent" right
    after its own 250, and a mail is "sending" from its 354 until its body's answer is recorded: at most one mail
    at a time, the one whose body is out.

    A database fault or the batch's soft time limit ends the batch early: the mails not yet handed over are put
    back (pending, due again after a short pause), never marked failed or uncertain.
    """
    tally = _Tally(size=len(message_ids))
    going: _Outgoing | None = None  # its DATA got the 354 and it is marked "sending": its body goes in this turn
    next_up: _Outgoing | None = None  # its MAIL, RCPT and DATA go in this turn
    try:
        waiting = _prepare(claim_token=claim_token, message_ids=message_ids, tally=tally)
        with SmtpSession() as smtp:
            for next_up in [*waiting, None]:
                if going is not None:
                    going.handed_over = True
                smtp.send(body=going.payload if going else None, envelope_to=next_up.envelope_to if next_up else None)
                if going is not None:
                    going.body_problem, going.body_answered = smtp.body_answer(), True
                if next_up is not None:
                    next_up.envelope_problem = smtp.envelope_answer(next_up.envelope_to)
                going = _record_turn(going, next_up, claim_token=claim_token, smtp=smtp, tally=tally)
    except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded) as error:
        database_fault = not isinstance(error, SoftTimeLimitExceeded)
        reason = "a database fault" if database_fault else "the batch's time limit"
        unsent, marked = list(message_ids), []
        for outgoing in [going] if going is next_up else [going, next_up]:
            if outgoing is not None and outgoing.handed_over:
                unsent.remove(outgoing.message.id)
                if outgoing.body_answered and not database_fault:
                    _record_body(outgoing, claim_token=claim_token, tally=tally)  # its answer came before the limit
                else:
                    # Its body may be at the server: the row stays "sending" and becomes uncertain when its lease
                    # runs out.
                    tally.add("uncertain", f"{reason} while the server had the mail: {error!r}")
            elif outgoing is not None and outgoing.sending_until:
                marked.append(outgoing.sending_until)
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
            raw = message_bytes(message, personal_link=links.get(message.id, ""))
            outgoing.append(_Outgoing(message, envelope_address(message.to_address), data_payload(raw)))
        except (*PASSING_DATABASE_ERRORS, SoftTimeLimitExceeded):
            raise
        except Exception as error:  # noqa: BLE001 (a template or an address that cannot be written fails that mail)
            outcomes[(OutboxStatus.FAILED, f"Could not be prepared: {error!r}"[:2000])].append(message.id)
    for (status, last_error), ids in outcomes.items():
        _update(
            Q(id__in=ids, status=OutboxStatus.PENDING, claim_token=claim_token),
            status=status,
            last_error=last_error,
            claim_token=None,
            lease_expires_at=None,
        )
        tally.add(status, last_error if status == OutboxStatus.FAILED else "", count=len(ids))
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
        personalise = cast(Personaliser, _personaliser(kind))  # by_kind holds only kinds that have one
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
                    made.append("")  # no link, and not suppressed: it failed
        for message, link in zip(group, made, strict=True):
            if link:
                links[message.id] = link
            elif link is None:
                outcomes[(OutboxStatus.SUPPRESSED, NO_LONGER_APPLIES)].append(message.id)
    return links


def _record_turn(
    going: "_Outgoing | None",
    next_up: "_Outgoing | None",
    *,
    claim_token: uuid.UUID,
    smtp: SmtpSession,
    tally: "_Tally",
) -> "_Outgoing | None":
    """Write what one turn did: the outcome of the mail whose body went out, and "sending" for the next one once its
    DATA got the 354 (or its refusal). The usual turn, a 250 and a 354, is one statement. Returns the next mail if
    its body is to go in the next turn."""
    if going is not None and next_up is not None and going.body_problem is None and next_up.envelope_problem is None:
        marked = _mark_sent_and_sending(going, next_up, claim_token=claim_token)
        tally.add("sent")
    else:
        if going is not None:
            _record_body(going, claim_token=claim_token, tally=tally)
        marked = next_up is not None and _record_envelope(next_up, claim_token=claim_token, tally=tally)
    if next_up is not None and next_up.envelope_problem is None and not marked:
        smtp.abandon()  # the claim ran out and another sweep holds the row: that one sends it
        tally.add("left to a newer claim")
    return next_up if marked else None


def _record_body(going: "_Outgoing", *, claim_token: uuid.UUID, tally: "_Tally") -> None:
    """The outcome of a mail whose body went out: sent, refused (again later, or failed), or uncertain."""
    problem = going.body_problem
    if isinstance(problem, SmtpRefused):
        _record_refusal(going, problem, claim_token=claim_token, tally=tally)
    elif isinstance(problem, SmtpOutcomeUnknown):
        _settle(going, claim_token=claim_token, status=OutboxStatus.UNCERTAIN, last_error=str(problem))
        tally.add("uncertain", str(problem))
    else:
        _settle(going, claim_token=claim_token, status=OutboxStatus.SENT, sent_at=timezone.now())
        tally.add("sent")


def _record_envelope(next_up: "_Outgoing", *, claim_token: uuid.UUID, tally: "_Tally") -> bool:
    """A refusal of MAIL, RCPT or DATA is recorded; after a 354 the row is marked "sending". Returns whether it
    was (False: refused, or the claim was lost)."""
    if next_up.envelope_problem is not None:
        _record_refusal(next_up, next_up.envelope_problem, claim_token=claim_token, tally=tally)
        return False
    return _mark_sending(next_up, claim_token=claim_token)


def _record_refusal(outgoing: "_Outgoing", refusal: SmtpRefused, *, claim_token: uuid.UUID, tally: "_Tally") -> None:
    message = outgoing.message
    attempts = message.attempts if message.status == OutboxStatus.SENDING else message.attempts + 1
    fields: dict[str, Any]
    if refusal.permanent or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        outcome, fields = "failed", {"status": OutboxStatus.FAILED}
    else:
        again_at = timezone.now() + retry_delay(attempts=attempts)
        outcome, fields = "refused for now", {"status": OutboxStatus.PENDING, "next_attempt_at": again_at}
    _settle(outgoing, claim_token=claim_token, attempts=attempts, last_error=str(refusal), **fields)
    tally.add(outcome, str(refusal))


# The usual turn's statement. Written in SQL because it runs once per mail: composed with the ORM (Case, When, Q)
# it cost more CPU than everything else the worker does for a mail. Its conditions are those of _settle (for "sent")
# and _mark_sending.
SENT_AND_SENDING = f"""
    UPDATE {OutboxMessage._meta.db_table} SET
        status = CASE WHEN id = %(going)s THEN %(sent)s ELSE %(sending)s END,
        sent_at = CASE WHEN id = %(going)s THEN %(now)s ELSE sent_at END,
        claim_token = CASE WHEN id = %(going)s THEN NULL ELSE claim_token END,
        lease_expires_at = CASE WHEN id = %(going)s THEN NULL ELSE %(lease)s END,
        attempts = CASE WHEN id = %(going)s THEN attempts ELSE %(attempts)s END,
        updated_at = %(now)s
    WHERE (id = %(going)s AND status IN (%(sending)s, %(uncertain)s) AND lease_expires_at = %(going_lease)s)
        OR (id = %(next)s AND claim_token = %(claim)s
            AND (status = %(pending)s OR (status = %(sending)s AND lease_expires_at = %(lease)s)))
"""  # noqa: S608 (the table name from the model, every value a parameter)


def _mark_sent_and_sending(going: "_Outgoing", next_up: "_Outgoing", *, claim_token: uuid.UUID) -> bool:
    """The usual turn in one statement: the mail whose body got its 250 is "sent", the next one, whose DATA got its
    354, "sending". Returns whether the next one is marked (False: its claim was lost)."""
    now = timezone.now()
    next_up.sending_until = now + timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    parameters = {
        "going": going.message.id,
        "going_lease": going.sending_until,
        "next": next_up.message.id,
        "claim": claim_token,
        "lease": next_up.sending_until,
        "attempts": next_up.message.attempts + 1,
        "now": now,
        "pending": OutboxStatus.PENDING.value,
        "sending": OutboxStatus.SENDING.value,
        "sent": OutboxStatus.SENT.value,
        "uncertain": OutboxStatus.UNCERTAIN.value,
    }

    def execute() -> int:
        with connection.cursor() as cursor:
            cursor.execute(SENT_AND_SENDING, parameters)
            return cursor.rowcount

    # Two rows, unless the sent one was changed meanwhile, or a lost connection made _with_reconnect write again
    # what it had written: then ask whether the next one carries this run's mark.
    marked = _with_reconnect(execute) == 2 or _with_reconnect(
        lambda: OutboxMessage.objects.filter(
            id=next_up.message.id, status=OutboxStatus.SENDING, lease_expires_at=next_up.sending_until
        ).exists()
    )
    if marked:
        next_up.message.status, next_up.message.attempts = OutboxStatus.SENDING, next_up.message.attempts + 1
    return marked


def _mark_sending(outgoing: "_Outgoing", *, claim_token: uuid.UUID) -> bool:
    """Only now, with the server waiting for the body (its 354), does the row say "sending": a crash before this
    leaves it pending (retried once its claim runs out), a crash after it leaves it uncertain. False if the claim
    was lost."""
    message = outgoing.message
    outgoing.sending_until = timezone.now() + timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    updated = _update(
        Q(id=message.id) & _sending_condition(outgoing, claim_token=claim_token),
        status=OutboxStatus.SENDING,
        attempts=message.attempts + 1,
        lease_expires_at=outgoing.sending_until,
    )
    if updated:
        message.status, message.attempts = OutboxStatus.SENDING, message.attempts + 1
    return bool(updated)


def _sending_condition(outgoing: "_Outgoing", *, claim_token: uuid.UUID) -> Q:
    # The lease written is also this run's mark: if the connection breaks after the update but before its answer,
    # the retry recognises the row it marked itself (a second run of the same batch writes another moment).
    return Q(claim_token=claim_token) & (
        Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, lease_expires_at=outgoing.sending_until)
    )


def _settle(outgoing: "_Outgoing", *, claim_token: uuid.UUID, status: str, **fields) -> None:
    _update(
        Q(id=outgoing.message.id) & _settle_condition(outgoing, claim_token=claim_token, status=status),
        status=status,
        claim_token=None,
        lease_expires_at=None,
        **fields,
    )


def _settle_condition(outgoing: "_Outgoing", *, claim_token: uuid.UUID, status: str) -> Q:
    # Conditional on the state this run left the row in: if a slow send was meanwhile marked uncertain, the 250
    # still wins, but nothing else overwrites what another process decided.
    if outgoing.message.status == OutboxStatus.SENDING:
        expected = (
            [OutboxStatus.SENDING, OutboxStatus.UNCERTAIN] if status == OutboxStatus.SENT else [OutboxStatus.SENDING]
        )
        return Q(status__in=expected, lease_expires_at=outgoing.sending_until)
    return Q(status=OutboxStatus.PENDING, claim_token=claim_token)


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
    envelope_problem: SmtpRefused | None = None  # what came instead of the 354
    handed_over: bool = False  # the body may have reached the server
    body_answered: bool = False  # the server's answer to the body came: body_problem, or its 250 if None
    body_problem: SmtpRefused | SmtpOutcomeUnknown | None = None


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
