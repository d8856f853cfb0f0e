"""SMTP for the outbox, spoken one step at a time so that every failure lies plainly before or after the hand-over.

Written on smtplib rather than Django's mail backend because the outbox must know in which step a failure came: a
refusal or a broken connection before the server's 354 means the server has nothing and the mail may be tried again;
a break once the body went out means the outcome is unknown and it must not.
"""

import re
import smtplib
import ssl
from email.utils import parseaddr
from typing import cast

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from .models import OutboxMessage

# A personal secret (a survey link) must not rest in the outbox: templates put this marker where it goes, and the
# kind's personaliser makes the secret at sending time, so it exists only in the mail on its way out.
PERSONAL_LINK = "[[personal-link]]"
CRLF = b"\r\n"
LINE_START_DOT = re.compile(rb"(?m)^\.")


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


def envelope_address(address: str) -> str:
    """The address as SMTP carries it: an internationalised domain in its ASCII (IDNA) form, which every server
    accepts. Raises UnicodeError for an address that cannot be written so: a fault of the mail, not of the server."""
    local, _at, domain = address.rpartition("@")
    envelope = f"{local}@{domain.encode('idna').decode('ascii')}"
    envelope.encode("ascii")  # a non-ASCII local part would need SMTPUTF8, which we do not speak
    return envelope


def data_payload(raw: bytes) -> bytes:
    """The message as it travels after DATA's 354: lines that start with a dot get a second one (RFC 5321 4.5.2),
    and a line with a single dot ends it. What smtplib.SMTP.data does, written out here because data() sends the
    DATA command and the body in one call, so a failure inside it could not be placed before or after the 354."""
    payload = LINE_START_DOT.sub(b"..", raw)
    if not payload.endswith(CRLF):
        payload += CRLF
    return payload + b"." + CRLF


class SmtpSession:
    """One SMTP connection for a batch. Each mail is three calls: `recipient_accepted` (MAIL and RCPT),
    `data_command` (DATA, up to the 354) and `send_body` (the body and the final reply).

    Only a 5xx to the mail itself (at RCPT, DATA or after the body) is permanent: a refused login, greeting or sender
    is the installation's problem, not the mail's, and is retried. Only OSError (smtplib's errors
    are OSErrors too) is taken for a network fault: anything else, Celery's soft time limit above all, passes up.
    """

    def __init__(self):
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close(polite=exc_info[0] is None)

    def close(self, *, polite: bool = False) -> None:
        """Close the connection; politely (QUIT) only when nothing went wrong, because QUIT can hang too."""
        if self.connection is not None:
            connection, self.connection = self.connection, None
            try:
                if polite:
                    connection.quit()
            except OSError:
                pass
            finally:
                connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self.connection is None:
            smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
            connection = smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT)
            self.connection = connection
            if settings.EMAIL_USE_TLS:
                connection.starttls(context=ssl.create_default_context())
            if settings.EMAIL_HOST_USER:
                connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            connection.ehlo_or_helo_if_needed()
        return self.connection

    @property
    def _opened(self) -> smtplib.SMTP:
        # The steps after recipient_accepted use the connection it opened: a step that closes it raises, so the
        # next step of that mail never runs.
        return cast(smtplib.SMTP, self.connection)

    def recipient_accepted(self, *, to_address: str) -> None:
        """MAIL and RCPT. Returns once the server accepted the recipient; it holds nothing of the mail yet."""
        try:
            connection = self._connect()
            sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
            if connection.has_extn("pipelining"):
                # RFC 2920: both commands in one write and both replies read after, one network round trip less.
                connection.send(f"MAIL FROM:<{sender}>\r\nRCPT TO:<{to_address}>\r\n".encode("ascii"))
                sender_reply, recipient_reply = connection.getreply(), connection.getreply()
            else:
                sender_reply = connection.mail(sender)
                # No RCPT after a refused sender: that refusal is the answer, raised below.
                recipient_reply = connection.rcpt(to_address) if sender_reply[0] == 250 else sender_reply
        except OSError as error:
            self.close()
            raise SmtpRefused(f"Not handed over: {error!r}") from error
        if sender_reply[0] != 250:
            self._reset()
            raise SmtpRefused(f"Sender refused: {sender_reply[0]} {sender_reply[1]!r}")
        if recipient_reply[0] not in (250, 251):
            self._reset()
            raise SmtpRefused.from_reply(*recipient_reply)

    def data_command(self) -> None:
        """DATA, up to the server's 354. A refusal or a broken connection here leaves the server without the mail."""
        try:
            code, reply = self._opened.docmd("data")
        except OSError as error:
            self.close()
            raise SmtpRefused(f"Not handed over: the connection broke at DATA: {error!r}") from error
        if code != 354:
            self._reset()
            raise SmtpRefused.from_reply(code, reply)

    def send_body(self, payload: bytes) -> None:
        """The body (from data_payload) and the server's final reply. Once this starts, the server may have it."""
        try:
            self._opened.send(payload)
            code, reply = self._opened.getreply()
        except OSError as error:
            self.close()
            raise SmtpOutcomeUnknown(f"Connection lost after the message went out: {error!r}") from error
        if code != 250:
            self._reset()
            raise SmtpRefused.from_reply(code, reply)

    def abandon(self) -> None:
        """Drop the transaction begun by recipient_accepted, when the mail is not to be sent after all."""
        self._reset()

    def _reset(self) -> None:
        """After a refusal the server still holds the transaction; without RSET the next MAIL would be refused."""
        try:
            self._opened.rset()
        except OSError:
            self.close()


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
