"""A real SMTP server on 127.0.0.1 (aiosmtpd) whose answer the test chooses: 250, 451, 554 or hanging up."""

import email
import logging
import socket
import threading

from aiosmtpd.controller import Controller

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
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender address not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
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


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

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
