"""The outbox writes each mail's bytes itself (mail/mime.py): they must be Django's, header for header."""

import re

import pytest

from mail.mime import message_bytes
from mail.models import OutboxMessage
from mail.smtp import PERSONAL_LINK, build_email

LINK = "https://crm.example/s/personal-secret-link/"
TEXT = f"Beste Jan,\n\nUw persoonlijke link:\n{PERSONAL_LINK}\n\n--\nDeze mails stoppen: https://crm.example/stop/\n"
HTML = f'<p>Beste Jan,</p>\n<p><a href="{PERSONAL_LINK}">Vul de enquête in</a></p>\n'


def mail(**fields) -> OutboxMessage:
    return OutboxMessage(
        **{
            "to_address": "jan@partner.example",
            "language": "nl",
            "subject": "Uitnodiging: Reputatieonderzoek 2026",
            "body_text": TEXT,
            "body_html": HTML,
            "opt_out_url": "https://crm.example/mail/stop/eyJjb250YWN0Ijo5MDAwfQ:1xYUiB:xq0nHSorhUVTkHbwHVHBkk1Jz/",
            "message_id": "<b363d2fc8086756a04e15ed25954784470b8004b@crm.example>",
            **fields,
        }
    )


def normalised(raw: bytes) -> bytes:
    """The message with its random boundary and its Date replaced, the two things that differ on every build."""
    boundary = re.search(rb'boundary="([^"]+)"', raw).group(1)
    return re.sub(rb"(?m)^Date: .*$", b"Date: -", raw.replace(boundary, b"BOUNDARY"))


def django_bytes(message: OutboxMessage) -> bytes:
    return build_email(message, personal_link=LINK).message().as_bytes(linesep="\r\n")


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"subject": "Uitnodiging: de enquête over één jaar samenwerking"},
        {"subject": "A subject far longer than one header line may be, so that the email package must fold it"},
        {"subject": "Een onderwerp met één é en zoveel woorden dat het over meer dan één regel gevouwen moet worden"},
        {"to_address": "info@bücher.example"},
        {"language": "en", "body_text": "Plain ASCII only.\n", "body_html": "<p>ASCII</p>"},
        {"body_text": ".a dot first\r\n.\r\nCRLF and a lone\rCR, and no line break at the end"},
        {"body_text": "A line far too long for SMTP: " + "x" * 1000 + "\n"},
        {"body_html": "<p>" + "é" * 600 + "</p>\n"},
        {"opt_out_url": "https://crm.example/mail/stop/" + "a" * 150 + "/"},
    ],
    ids=[
        "invitation",
        "non-ascii-subject",
        "long-subject",
        "long-non-ascii-subject",
        "international-domain",
        "ascii-bodies",
        "dots-and-line-breaks",
        "long-text-line",
        "long-non-ascii-html-line",
        "long-opt-out-link",
    ],
)
def test_a_mail_is_written_as_django_writes_it(fields):
    message = mail(**fields)
    assert normalised(message_bytes(message, personal_link=LINK)) == normalised(django_bytes(message))


def test_a_sender_with_a_name_outside_ascii_is_written_as_django_writes_it(settings):
    settings.DEFAULT_FROM_EMAIL = "Dienst Terugkeer & Vertrek — relatiebeheer <crm@dienst.example>"
    message = mail()
    assert normalised(message_bytes(message, personal_link=LINK)) == normalised(django_bytes(message))


def test_each_mail_gets_a_boundary_of_its_own():
    message = mail()
    boundaries = {re.search(rb'boundary="([^"]+)"', message_bytes(message)).group(1) for _ in range(20)}
    assert len(boundaries) == 20
