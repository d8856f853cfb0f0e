"""A real SMTP server on 127.0.0.1 (aiosmtpd) whose answer the test chooses: 250, 451, 554 or hanging up; it can
also hang at RCPT, drop the connection at the DATA command (before its 354), and offer ESMTP PIPELINING."""

import asyncio
import email
import logging
import socket
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO

ACCEPT, TEMPORARY_FAILURE, PERMANENT_FAILURE, HANG_UP = "250", "451", "554", "hang up"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RecordingHandler:
    def __init__(self):
        self.answer = ACCEPT
        self.next_answers: list[str] = []  # answers for the next messages, before `answer` applies again
        self.refuse_sender = False
        self.hang_at_rcpt = threading.Event()  # while set, RCPT gets no answer
        self.drops_at_data = 0  # how many DATA commands still get a dropped connection instead of a 354
        self.pipelining = False
        self.rcpt_count = 0
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender address not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]] if self.pipelining else responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_count += 1
        while self.hang_at_rcpt.is_set():
            await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self.next_answers.pop(0) if self.next_answers else self.answer
        if answer == TEMPORARY_FAILURE:
            return "451 4.3.0 Try again later"
        if answer == PERMANENT_FAILURE:
            return "554 5.7.1 Refused"
        message = email.message_from_bytes(envelope.original_content)
        with self.lock:
            self.messages.append(message)
        if answer == HANG_UP:
            # The server keeps the mail but the client never hears the 250: the outcome is unknown to it.
            server.transport.abort()
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.messages]


class DroppingSMTP(SMTP):
    async def smtp_DATA(self, arg):
        if self.event_handler.drops_at_data:
            self.event_handler.drops_at_data -= 1
            self.transport.abort()  # the client sent DATA and never hears a 354: the server has nothing
            return
        await super().smtp_DATA(arg)


class DroppingController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, **self.SMTP_kwargs)


class SmtpServer:
    def __init__(self, *, pipelining: bool = False):
        self.handler = RecordingHandler()
        self.handler.pipelining = pipelining
        self.port = free_port()
        self.controller = DroppingController(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()

    def answer(self, answer: str) -> None:
        self.handler.answer = answer

    def answer_next(self, *answers: str) -> None:
        self.handler.next_answers.extend(answers)

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def message_ids(self) -> list[str]:
        return self.handler.message_ids
