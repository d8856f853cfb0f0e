"""SMTP for the outbox, spoken so that every failure lies plainly before or after the hand-over of a body.

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
    """One SMTP connection for a batch, spoken in turns. A turn carries the body of the mail whose DATA got its 354
    and the next mail's MAIL, RCPT and DATA: `send` writes it, `body_answer` reads the server's answer to the body and
    `envelope_answer` its answers to the next mail's commands, each returning the problem (None: accepted).

    Where the server offers PIPELINING (RFC 2920; Postfix and Exim do), a turn is one write and one network round
    trip: the body may open a group of commands and DATA must close it, which is exactly a turn. smtplib speaks one
    command at a time, so the commands are written here with its `send` and read back with its `getreply`. Without
    PIPELINING each command waits for its answer, as before.

    Only a 5xx to the mail itself (at RCPT, DATA or after the body) is permanent: a refused login, greeting or sender
    is the installation's problem, not the mail's, and is retried. Only OSError (smtplib's errors
    are OSErrors too) is taken for a network fault: anything else, Celery's soft time limit above all, passes up.
    """

    def __init__(self):
        self.connection: smtplib.SMTP | None = None
        self._body_lost: OSError | None = None  # the write of this turn's body failed
        self._envelope_written = False  # this turn's MAIL, RCPT and DATA went out with the body

    def __enter__(self) -> "SmtpSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close(polite=exc_info[0] is None)

    def close(self, *, polite: bool = False) -> None:
        """Close the connection; politely (QUIT) only when nothing went wrong, because QUIT can hang too."""
        self._envelope_written = False
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
        # A body and its answer use the connection whose DATA got the 354: a step that closes it raises, so the
        # next step of that mail never runs.
        return cast(smtplib.SMTP, self.connection)

    def send(self, *, body: bytes | None, envelope_to: str | None) -> None:
        """Write a turn: the body (from data_payload) of the mail whose DATA got its 354, and with it, where the
        server pipelines, the next mail's commands. Once this starts, the server may have the body."""
        self._body_lost, self._envelope_written = None, False
        if body is None:
            return  # the first turn of a connection: envelope_answer writes the commands
        pipelined = envelope_to is not None and self._opened.has_extn("pipelining")
        commands = _envelope_commands(envelope_to) if envelope_to is not None and pipelined else b""
        try:
            self._opened.send(body + commands)
        except OSError as error:
            self.close()
            self._body_lost = error
        else:
            self._envelope_written = bool(commands)

    def body_answer(self) -> SmtpRefused | SmtpOutcomeUnknown | None:
        """The server's answer to the body sent in this turn: None for its 250."""
        try:
            if self._body_lost is not None:
                raise self._body_lost
            code, reply = self._opened.getreply()
        except OSError as error:
            self.close()
            return SmtpOutcomeUnknown(f"Connection lost after the message went out: {error!r}")
        # No RSET after a refusal: the end of the data ends the transaction whatever the answer (RFC 5321 4.1.1.4),
        # and an RSET here would land behind the next mail's pipelined commands.
        return None if code == 250 else SmtpRefused.from_reply(code, reply)

    def envelope_answer(self, to_address: str) -> SmtpRefused | None:
        """MAIL, RCPT and DATA, up to the server's 354: None once the server waits for the body. A refusal or a
        broken connection here leaves the server without the mail. On a new connection, or when the body's turn
        did not carry them, the commands are written now."""
        try:
            if self._envelope_written:
                replies = [self._opened.getreply() for _command in range(3)]
            else:
                replies = self._envelope_on_its_own(self._connect(), to_address)
        except OSError as error:
            self.close()
            return SmtpRefused(f"Not handed over: {error!r}")
        finally:
            self._envelope_written = False
        sender = replies[0]
        recipient, data = (*replies[1:], None, None)[:2]
        refusal = None
        if sender[0] != 250:
            refusal = SmtpRefused(f"Sender refused: {sender[0]} {sender[1]!r}")
        elif recipient is not None and recipient[0] not in (250, 251):
            refusal = SmtpRefused.from_reply(*recipient)
        elif data is not None and data[0] != 354:
            refusal = SmtpRefused.from_reply(*data)
        if refusal is not None:
            # After a refusal the server still holds the transaction: without RSET the next MAIL would be refused.
            # A server that answered DATA with 354 all the same waits for a body that must not come: hang up.
            if data is not None and data[0] == 354:
                self.close()
            else:
                self._reset()
        return refusal

    def _envelope_on_its_own(self, connection: smtplib.SMTP, to_address: str) -> list[tuple[int, bytes]]:
        if connection.has_extn("pipelining"):
            connection.send(_envelope_commands(to_address))
            return [connection.getreply() for _command in range(3)]
        replies = [connection.mail(_sender())]
        # No RCPT after a refused sender, and no DATA after a refused recipient: that refusal is the answer.
        if replies[-1][0] == 250:
            replies.append(connection.rcpt(to_address))
        if replies[-1][0] in (250, 251):
            replies.append(connection.docmd("data"))
        return replies

    def abandon(self) -> None:
        """Drop the mail whose DATA got its 354 but which is not to be sent after all. The server waits for its
        body, which RSET cannot interrupt: hang up, and the next mail goes on a new connection."""
        self.close()

    def _reset(self) -> None:
        try:
            self._opened.rset()
        except OSError:
            self.close()


def _sender() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _envelope_commands(to_address: str) -> bytes:
    return f"MAIL FROM:<{_sender()}>\r\nRCPT TO:<{to_address}>\r\nDATA\r\n".encode("ascii")


def build_email(message: OutboxMessage, *, personal_link: str = "") -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text.replace(PERSONAL_LINK, personal_link),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        headers=headers(message),
    )
    email.attach_alternative(message.body_html.replace(PERSONAL_LINK, personal_link), "text/html")
    return email


def headers(message: OutboxMessage) -> dict[str, str]:
    """The outbox's own headers, after Subject, From, To and Date (mail/mime.py writes them in this order too)."""
    return {
        "Message-ID": message.message_id,
        # RFC 8058: mail clients offer their own one-click unsubscribe button that posts to this link.
        "List-Unsubscribe": f"<{message.opt_out_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "Content-Language": message.language,
    }
