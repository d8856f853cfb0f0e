"""The outbox: the only way the product sends mail.

A mail is a row written in the transaction of its cause, under a key that names its recipient and reason, so a job
that runs twice writes nothing new. A periodic sweep claims due rows in batches and hands each batch to a worker; a
kick after commit only makes that sooner. Sending checks the recipient again, marks the row "sending", and marks it
"sent" right after the server's 250. A row whose sending lease runs out may or may not be at the server (SMTP cannot
be exactly-once): it becomes "uncertain" and only an administrator can send it again.

django-post-office and django-mailer were evaluated first. Both queue mail in the database, but neither has a unique
key per recipient and reason, skip-locked claiming for several workers, or a state for "handed over, outcome
unknown" apart from "never handed over"; those are the guarantees of this product, so the outbox is our own.
"""

import hashlib
import logging
import secrets
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MailPreferences, OutboxMessage, OutboxStatus
from .registry import KINDS, contact_opt_out

logger = logging.getLogger(__name__)

OPT_OUT_SALT = "mail.outbox.opt-out"

# A personal secret (a survey link) must not rest in the outbox: templates put this marker where it goes, and the
# kind's personaliser makes the secret at sending time, so it exists only in the mail on its way out.
PERSONAL_LINK = "[[personal-link]]"


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


def suppression_reason(message: OutboxMessage) -> str:
    """Why this mail must not go out now, or "" if it may. Asked inside the claim, just before sending."""
    recipient = message.contact if message.contact_id else message.user if message.user_id else None
    reason = refusal_reason(kind=message.kind, user=message.user, contact=message.contact)
    # A person who left is often only recognisable by a cleared or changed address: their mail must not follow.
    if not reason and recipient.email.lower() != message.to_address.lower():
        reason = "The recipient's address changed after the mail was queued."
    return reason


def outbox_send_batch(*, claim_token: uuid.UUID, message_ids: list[int]) -> None:
    """Send the rows of one claim over one SMTP connection. Rows no longer held by this claim are left alone."""
    with SmtpSession() as smtp:
        for message_id in message_ids:
            _send_one(message_id=message_id, claim_token=claim_token, smtp=smtp)


def _send_one(*, message_id: int, claim_token: uuid.UUID, smtp: "SmtpSession") -> None:
    try:
        prepared = _prepare(message_id=message_id, claim_token=claim_token)
    except Exception as error:  # noqa: BLE001 (one mail that cannot be prepared must not hold up the batch)
        logger.exception("outbox: mail %s could not be prepared", message_id)
        OutboxMessage.objects.filter(id=message_id, status=OutboxStatus.PENDING, claim_token=claim_token).update(
            status=OutboxStatus.FAILED,
            last_error=f"Could not be prepared: {error!r}"[:2000],
            claim_token=None,
            lease_expires_at=None,
            updated_at=timezone.now(),
        )
        return
    if prepared is None:
        return
    message, raw = prepared
    try:
        smtp.send(to_address=message.to_address, raw=raw)
    except SmtpRefused as refusal:
        if refusal.permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _finish(message, status=OutboxStatus.FAILED, last_error=str(refusal))
        else:
            _finish(
                message,
                status=OutboxStatus.PENDING,
                last_error=str(refusal),
                next_attempt_at=timezone.now() + retry_delay(attempts=message.attempts),
            )
    except SmtpOutcomeUnknown as unknown:
        _finish(message, status=OutboxStatus.UNCERTAIN, last_error=str(unknown))
    else:
        _finish(message, status=OutboxStatus.SENT, sent_at=timezone.now())


@transaction.atomic
def _prepare(*, message_id: int, claim_token: uuid.UUID) -> tuple[OutboxMessage, bytes] | None:
    """Lock a claimed row, check its recipient, make its personal link and message, and mark it "sending".

    Everything that can fail without SMTP fails here, before the row says "sending", so such a failure is never
    mistaken for a mail the server might have.
    """
    message = (
        OutboxMessage.objects.select_for_update(of=("self",))
        .select_related("user__mail_preferences", "contact")
        .filter(id=message_id, status=OutboxStatus.PENDING, claim_token=claim_token)
        .first()
    )
    if message is None:
        return None
    reason = suppression_reason(message)
    personal_link = ""
    personaliser = KINDS[message.kind].personaliser if message.kind in KINDS else None
    if not reason and personaliser is not None:
        personal_link = personaliser(message)
        reason = "" if personal_link else "The mail no longer applies (answered, or the round closed)."
    if reason:
        _finish(message, status=OutboxStatus.SUPPRESSED, last_error=reason)
        return None
    raw = build_email(message, personal_link=personal_link).message().as_bytes(linesep="\r\n")
    message.status = OutboxStatus.SENDING
    message.attempts += 1
    message.lease_expires_at = timezone.now() + timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    message.save(update_fields=["status", "attempts", "lease_expires_at", "updated_at"])
    return message, raw


def _finish(message: OutboxMessage, *, status: str, **fields) -> None:
    # Conditional on the state this task left the row in: if a slow send was meanwhile marked uncertain, the 250
    # still wins, but nothing else overwrites what another process decided.
    expected = [message.status]
    if status == OutboxStatus.SENT:
        expected.append(OutboxStatus.UNCERTAIN)
    OutboxMessage.objects.filter(id=message.id, status__in=expected).update(
        status=status, claim_token=None, lease_expires_at=None, updated_at=timezone.now(), **fields
    )


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


class SmtpRefused(Exception):
    """The server refused the mail, or it never reached the server: safe to try again unless permanent."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent

    @classmethod
    def from_reply(cls, code: int, reply: bytes | str) -> "SmtpRefused":
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return cls(f"{code} {text}", permanent=500 <= code < 600)


class SmtpOutcomeUnknown(Exception):
    """The connection broke while the server had the message: it may have been delivered."""


class SmtpSession:
    """One SMTP connection for a batch, speaking the protocol step by step.

    Written on smtplib rather than Django's mail backend because the outbox must know in which step a failure came:
    a refusal or a broken connection before DATA means the server has nothing and we may retry; a break after the
    message went out means the outcome is unknown and we must not.
    """

    def __init__(self):
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
            connection = smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
            if settings.EMAIL_USE_TLS:
                connection.starttls(context=ssl.create_default_context())
            if settings.EMAIL_HOST_USER:
                connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            self.connection = connection
        return self.connection

    def send(self, *, to_address: str, raw: bytes) -> None:
        """Hand one message over. Only the recipient's own refusal (5xx at RCPT or DATA) is permanent: a refused
        login, greeting or sender is the installation's problem, not the mail's, and is retried."""
        try:
            connection = self._connect()
            connection.ehlo_or_helo_if_needed()
            code, reply = connection.mail(parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
            if code != 250:
                self._reset()
                raise SmtpRefused(f"Sender refused: {code} {reply!r}")
            code, reply = connection.rcpt(_ascii_address(to_address))
            if code not in (250, 251):
                self._reset()
                raise SmtpRefused.from_reply(code, reply)
        except SmtpRefused:
            raise
        except Exception as error:  # noqa: BLE001 (nothing was handed over, whatever went wrong: try again later)
            self.close()
            raise SmtpRefused(f"Not handed over: {error!r}") from error
        try:
            code, reply = connection.data(raw)  # raises on a refused DATA command, returns the final reply
        except smtplib.SMTPDataError as error:
            self._reset()
            raise SmtpRefused.from_reply(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise SmtpOutcomeUnknown(f"Connection lost during DATA: {error!r}") from error
        if code != 250:
            self._reset()
            raise SmtpRefused.from_reply(code, reply)

    def _reset(self) -> None:
        """After a refusal the server still holds the transaction; without RSET the next MAIL would be refused."""
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


def _ascii_address(address: str) -> str:
    """An internationalised domain in its ASCII (IDNA) form, which every SMTP server accepts."""
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def build_email(message: OutboxMessage, *, personal_link: str = "") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text.replace(PERSONAL_LINK, personal_link),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers={
            "Message-ID": message.message_id,
            # RFC 8058: mail clients offer their own one-click unsubscribe button that posts to this link.
            "List-Unsubscribe": f"<{message.opt_out_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Content-Language": message.language,
        },
    )
    email.attach_alternative(message.body_html.replace(PERSONAL_LINK, personal_link), "text/html")
    return email
