"""The outbox in one process: what is written, when, and what sending does with each answer of a real SMTP server."""

import smtplib
from dataclasses import replace
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail import registry
from mail.delivery import outbox_send_batch
from mail.models import MailPreferences, OutboxMessage, OutboxStatus
from mail.outbox import (
    Mail,
    outbox_claim_batch,
    outbox_enqueue,
    outbox_expire_sending,
    outbox_resend,
)
from mail.smtp import SmtpSession, data_payload
from stakeholders.mails import MailKind
from surveys.mails import MailKind as SurveyMail
from tests.factories import ContactFactory, UserFactory, survey_invitation_mails
from tests.smtp_server import ACCEPT, HANG_UP, PERMANENT_FAILURE, TEMPORARY_FAILURE, SmtpServer

pytestmark = pytest.mark.django_db


# Every test that talks to the server runs twice: with a server that offers PIPELINING, where a mail's body and the
# next mail's commands go in one write, and with one that does not.
@pytest.fixture(params=[False, True], ids=["one-command-at-a-time", "pipelined"])
def smtp(settings, request):
    with SmtpServer(pipelining=request.param) as server:
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        yield server


def invitation_for(contact) -> Mail:
    [mail] = survey_invitation_mails([contact])
    return mail


def digest_for(officer) -> Mail:
    return Mail(
        key=f"digest:{officer.pk}",
        kind=MailKind.OUTREACH_DIGEST,
        template="emails/outreach_digest",
        context={"recipient": officer},
        user=officer,
    )


def send_due() -> None:
    while claim := outbox_claim_batch():
        claim_token, message_ids = claim
        outbox_send_batch(claim_token=claim_token, message_ids=message_ids)


def make_due_again() -> None:
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())


def test_a_committed_mail_is_one_row_and_a_rolled_back_one_none():
    contact, other = ContactFactory(), ContactFactory()
    with transaction.atomic():
        outbox_enqueue(mails=[invitation_for(contact)])
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(mails=[invitation_for(other)])
        raise RuntimeError("the cause of the mail fails")
    assert list(OutboxMessage.objects.values_list("to_address", flat=True)) == [contact.email]


def test_the_same_recipient_and_reason_is_written_once():
    contact = ContactFactory()
    assert outbox_enqueue(mails=[invitation_for(contact)]) == 1
    assert outbox_enqueue(mails=[invitation_for(contact), invitation_for(contact)]) == 0
    assert OutboxMessage.objects.count() == 1


def test_opted_out_contacts_and_inactive_users_get_no_row():
    opted_out = ContactFactory(mail_opted_out_at=timezone.now())
    inactive = UserFactory(is_active=False)
    written = outbox_enqueue(
        mails=[
            invitation_for(opted_out),
            Mail(key="x", kind=MailKind.OWNER_ASSIGNED, template="emails/owner_assigned", user=inactive),
        ]
    )
    assert written == 0
    assert not OutboxMessage.objects.exists()


def test_a_mail_is_in_the_recipients_language_with_an_opt_out_link(smtp):
    contact = ContactFactory(preferred_language="en")
    outbox_enqueue(mails=[invitation_for(contact)])
    send_due()
    [message] = smtp.messages
    assert message["Content-Language"] == "en"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.SENT and row.sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert "".join(message["List-Unsubscribe"].split()) == f"<{row.opt_out_url}>"
    text, html = (part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart())
    assert "Stop these mails" in text and row.opt_out_url in text
    assert "/s/" in text and "/s/" not in row.body_text, "the personal link exists only in the mail on its way out"
    assert f'href="{row.opt_out_url}"' in html


def test_a_contact_who_opts_out_after_queueing_gets_nothing(smtp):
    contact = ContactFactory()
    outbox_enqueue(mails=[invitation_for(contact)])
    contact.mail_opted_out_at = timezone.now()
    contact.save()
    send_due()
    assert smtp.messages == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SUPPRESSED


def test_a_user_who_switches_the_digest_off_after_queueing_gets_nothing(smtp):
    officer = UserFactory()
    outbox_enqueue(mails=[digest_for(officer)])
    MailPreferences.objects.create(user=officer, digest_frequency="off")
    send_due()
    assert smtp.messages == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SUPPRESSED


def test_a_user_deactivated_after_queueing_gets_nothing(smtp):
    officer = UserFactory()
    outbox_enqueue(mails=[Mail(key="n", kind=MailKind.OWNER_ASSIGNED, template="emails/owner_assigned", user=officer)])
    officer.is_active = False
    officer.save()
    send_due()
    assert smtp.messages == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SUPPRESSED


def test_a_temporary_refusal_backs_off_and_goes_out_once_the_server_accepts(smtp):
    contacts = ContactFactory.create_batch(3)
    outbox_enqueue(mails=[invitation_for(contact) for contact in contacts])
    smtp.answer(TEMPORARY_FAILURE)
    send_due()
    rows = OutboxMessage.objects.all()
    assert {row.status for row in rows} == {OutboxStatus.PENDING}
    assert all(row.attempts == 1 and row.next_attempt_at > timezone.now() for row in rows)
    assert all(row.last_error.startswith("451") for row in rows)
    send_due()
    assert smtp.messages == [], "nothing is retried before its backoff ends"
    smtp.answer(ACCEPT)
    make_due_again()
    send_due()
    assert sorted(smtp.message_ids) == sorted(rows.values_list("message_id", flat=True))
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_permanent_refusal_fails_that_mail_after_one_attempt(smtp):
    refused, accepted = ContactFactory(), ContactFactory()
    outbox_enqueue(mails=[invitation_for(refused)])
    smtp.answer(PERMANENT_FAILURE)
    send_due()
    smtp.answer(ACCEPT)
    outbox_enqueue(mails=[invitation_for(accepted)])
    send_due()
    failed = OutboxMessage.objects.get(contact=refused)
    assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, 1)
    assert failed.last_error.startswith("554")
    assert OutboxMessage.objects.get(contact=accepted).status == OutboxStatus.SENT


def test_an_unreachable_server_is_a_temporary_failure(settings):
    settings.EMAIL_PORT = 1  # nothing listens there
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    send_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "Not handed over" in row.last_error


def test_a_connection_lost_after_the_data_makes_the_mail_uncertain_and_it_is_not_resent(smtp):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    smtp.answer(HANG_UP)
    send_due()
    smtp.answer(ACCEPT)
    make_due_again()
    send_due()
    assert len(smtp.messages) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.UNCERTAIN


def test_a_send_whose_lease_ran_out_becomes_uncertain_and_an_administrator_can_resend_it(smtp):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    OutboxMessage.objects.update(status=OutboxStatus.SENDING, lease_expires_at=timezone.now())
    assert outbox_expire_sending() == 1
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.UNCERTAIN
    send_due()
    assert smtp.messages == []
    assert outbox_resend(message_ids=[row.pk]) == 1
    send_due()
    assert smtp.message_ids == [row.message_id]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_claimed_batch_is_not_claimed_twice_until_its_lease_runs_out():
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    assert outbox_claim_batch() is not None
    assert outbox_claim_batch() is None
    OutboxMessage.objects.update(lease_expires_at=timezone.now())
    assert outbox_claim_batch() is not None


def test_a_stale_claim_sends_nothing(smtp):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    stale_token, message_ids = outbox_claim_batch()
    OutboxMessage.objects.update(lease_expires_at=timezone.now())
    fresh_token, _ids = outbox_claim_batch()
    outbox_send_batch(claim_token=stale_token, message_ids=message_ids)
    assert smtp.messages == []
    outbox_send_batch(claim_token=fresh_token, message_ids=message_ids)
    assert len(smtp.messages) == 1


def test_a_claim_lost_mid_batch_leaves_the_rest_to_the_newer_claim_and_nothing_goes_twice(smtp, monkeypatch):
    outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(3)))
    stale_token, message_ids = outbox_claim_batch()
    envelope_answer = SmtpSession.envelope_answer
    newer_claims = []

    def claim_runs_out(session, to_address):
        if len(newer_claims) == 0 and OutboxMessage.objects.filter(status=OutboxStatus.SENDING).exists():
            # The first mail is sending: now the claim runs out and another sweep takes the mails still pending.
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(lease_expires_at=timezone.now())
            newer_claims.append(outbox_claim_batch())
        return envelope_answer(session, to_address)

    monkeypatch.setattr(SmtpSession, "envelope_answer", claim_runs_out)
    outbox_send_batch(claim_token=stale_token, message_ids=message_ids)
    assert len(smtp.messages) == 1
    [(newer_token, newer_ids)] = newer_claims
    assert len(newer_ids) == 2
    outbox_send_batch(claim_token=newer_token, message_ids=newer_ids)

    assert len(smtp.messages) == 3
    assert sorted(smtp.message_ids) == sorted(OutboxMessage.objects.values_list("message_id", flat=True))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_the_opt_out_link_asks_first_and_then_stops_all_mail_to_the_contact(client):
    contact = ContactFactory(preferred_language="en")
    outbox_enqueue(mails=[invitation_for(contact)])
    link = OutboxMessage.objects.get().opt_out_url.removeprefix("http://127.0.0.1:8000")
    assert client.get(link).status_code == 200
    contact.refresh_from_db()
    assert contact.mail_opted_out_at is None, "a link scanner's GET changes nothing"
    response = client.post(link)
    assert response.status_code == 200
    assert "You will receive no more of these mails" in response.content.decode()
    contact.refresh_from_db()
    assert contact.mail_opted_out_at is not None


def test_the_opt_out_link_of_a_user_stops_only_that_kind_of_mail(client):
    officer = UserFactory()
    outbox_enqueue(mails=[digest_for(officer)])
    link = OutboxMessage.objects.get().opt_out_url.removeprefix("http://127.0.0.1:8000")
    client.post(link)
    preferences = MailPreferences.objects.get(user=officer)
    assert preferences.digest_frequency == "off"
    assert preferences.follow_up_reminders is True


def test_a_forged_opt_out_link_gets_a_clear_page(client):
    response = client.post("/mail/stop/not-a-token/")
    assert response.status_code == 404
    assert "link" in response.content.decode()


def test_administrators_see_the_outbox_and_send_uncertain_mail_again(admin_client):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    row = OutboxMessage.objects.get()
    OutboxMessage.objects.update(status=OutboxStatus.UNCERTAIN)
    assert admin_client.get("/admin/mail/outboxmessage/?status=uncertain").status_code == 200
    assert admin_client.get(f"/admin/mail/outboxmessage/{row.pk}/change/").status_code == 200

    response = admin_client.post(
        "/admin/mail/outboxmessage/", {"action": "resend", "_selected_action": [row.pk]}, follow=True
    )

    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_a_mail_that_cannot_be_prepared_fails_alone_and_the_rest_go_out(smtp, monkeypatch):
    broken, fine = ContactFactory(), ContactFactory()
    outbox_enqueue(mails=survey_invitation_mails([broken, fine]))

    def personalise(messages):
        if any(message.contact_id == broken.pk for message in messages):
            raise RuntimeError("a template or a link that cannot be made")
        return ["https://example.test/s/link/" for _message in messages]

    monkeypatch.setitem(
        registry.KINDS,
        SurveyMail.SURVEY_INVITATION,
        replace(registry.KINDS[SurveyMail.SURVEY_INVITATION], personaliser=personalise),
    )
    send_due()

    assert OutboxMessage.objects.get(contact=broken).status == OutboxStatus.FAILED
    assert "could not be prepared" in OutboxMessage.objects.get(contact=broken).last_error.lower()
    assert OutboxMessage.objects.get(contact=fine).status == OutboxStatus.SENT
    assert [message["To"] for message in smtp.messages] == [fine.email]


def test_a_refused_mail_does_not_spoil_the_next_one_on_the_same_connection(smtp):
    first, second = ContactFactory(), ContactFactory()
    outbox_enqueue(mails=survey_invitation_mails([first, second]))
    smtp.answer_next(PERMANENT_FAILURE)
    send_due()
    statuses = dict(OutboxMessage.objects.values_list("contact_id", "status"))
    assert sorted(statuses.values()) == [OutboxStatus.FAILED, OutboxStatus.SENT]
    assert len(smtp.messages) == 1


def test_a_mail_whose_recipient_changed_address_after_queueing_is_not_sent(smtp):
    contact = ContactFactory()
    outbox_enqueue(mails=[invitation_for(contact)])
    contact.email = "new.address@partner.example"
    contact.save()
    send_due()
    assert smtp.messages == []
    assert OutboxMessage.objects.get().status == OutboxStatus.SUPPRESSED


def test_a_refused_sender_is_the_installations_problem_and_is_retried(smtp):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    smtp.handler.refuse_sender = True
    send_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)


def test_a_database_fault_while_preparing_puts_the_mails_back_for_later(smtp, monkeypatch):
    outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(3)))

    def personalise(messages):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setitem(
        registry.KINDS,
        SurveyMail.SURVEY_INVITATION,
        replace(registry.KINDS[SurveyMail.SURVEY_INVITATION], personaliser=personalise),
    )
    send_due()

    assert smtp.messages == []
    for row in OutboxMessage.objects.all():
        assert (row.status, row.attempts, row.claim_token) == (OutboxStatus.PENDING, 0, None)
        assert row.next_attempt_at > timezone.now()
        assert "database" in row.last_error


def test_a_lost_database_connection_is_made_again_and_the_batch_goes_on(smtp, monkeypatch):
    outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(2)))
    personalise = registry.KINDS[SurveyMail.SURVEY_INVITATION].personaliser
    failures = iter([OperationalError("the connection is lost")])

    def once_lost(messages):
        if error := next(failures, None):
            raise error
        return personalise(messages)

    monkeypatch.setitem(
        registry.KINDS,
        SurveyMail.SURVEY_INVITATION,
        replace(registry.KINDS[SurveyMail.SURVEY_INVITATION], personaliser=once_lost),
    )
    send_due()

    assert len(smtp.messages) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_the_soft_time_limit_stops_the_batch_and_puts_the_unsent_mails_back(smtp, monkeypatch):
    outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(4)))
    envelope_answer = SmtpSession.envelope_answer
    calls = []

    def limited(session, to_address):
        calls.append(to_address)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()  # while the second mail waits for RCPT, after the first one's 250
        return envelope_answer(session, to_address)

    monkeypatch.setattr(SmtpSession, "envelope_answer", limited)
    send_due()

    statuses = sorted(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == [OutboxStatus.PENDING] * 3 + [OutboxStatus.SENT]
    assert len(smtp.messages) == 1
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING, claim_token__isnull=False).exists()


def test_a_connection_dropped_at_the_data_command_is_retried_and_never_uncertain(smtp):
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    smtp.handler.drops_at_data = 1
    send_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "Not handed over" in row.last_error
    make_due_again()
    send_due()
    assert len(smtp.messages) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_an_address_that_cannot_be_written_in_smtp_fails_that_mail_alone(smtp):
    unwritable, fine = ContactFactory(email="jöran@partner.example"), ContactFactory()
    outbox_enqueue(mails=survey_invitation_mails([unwritable, fine]))
    send_due()
    failed = OutboxMessage.objects.get(contact=unwritable)
    assert failed.status == OutboxStatus.FAILED
    assert "could not be prepared" in failed.last_error.lower()
    assert [message["To"] for message in smtp.messages] == [fine.email]


def test_with_pipelining_a_mail_costs_one_write_to_the_server_and_one_statement(settings, monkeypatch):
    writes = []
    write = smtplib.SMTP.send

    def recorded(connection, data):
        writes.append(data)
        write(connection, data)

    monkeypatch.setattr(smtplib.SMTP, "send", recorded)
    outbox_enqueue(mails=survey_invitation_mails(ContactFactory.create_batch(3)))
    claim_token, message_ids = outbox_claim_batch()
    with SmtpServer(pipelining=True) as server, CaptureQueriesContext(connection) as queries:
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
        outbox_send_batch(claim_token=claim_token, message_ids=message_ids)
        assert len(server.messages) == 3

    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    turns = [data for data in writes if isinstance(data, bytes)]  # smtplib writes its own commands (EHLO, QUIT) as str
    assert len(turns) == 4, "the first mail's commands, then each body with the next mail's commands, the last body"
    assert turns[0].startswith(b"MAIL FROM:") and turns[0].endswith(b"DATA\r\n")
    assert all(b"\r\n.\r\nMAIL FROM:" in turn and turn.endswith(b"DATA\r\n") for turn in turns[1:3])
    assert turns[3].endswith(b"\r\n.\r\n")
    outbox_writes = [query for query in queries.captured_queries if query["sql"].lstrip().startswith("UPDATE")]
    assert len(outbox_writes) == 4, "one write per turn: sending, sent and sending twice, sent"


def test_lines_that_start_with_a_dot_are_doubled_and_a_lone_dot_ends_the_body():
    assert data_payload(b"Hello\r\n.signature\r\n..\r\nend") == b"Hello\r\n..signature\r\n...\r\nend\r\n.\r\n"


def test_a_body_that_starts_with_a_dot_arrives_whole(smtp):
    contact = ContactFactory()
    outbox_enqueue(mails=[invitation_for(contact)])
    OutboxMessage.objects.update(body_text=".first line\n.\nlast line")
    send_due()
    [message] = smtp.messages
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain").get_payload(decode=True)
    assert text.decode().splitlines()[:2] == [".first line", "."]


def test_the_admin_outbox_shows_how_long_the_oldest_mail_has_waited(admin_client):
    assert "Er wacht geen mail op verzending" in admin_client.get("/admin/mail/outboxmessage/").content.decode()
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=42))
    page = admin_client.get("/admin/mail/outboxmessage/").content.decode()
    assert "De oudste mail die nog wacht op verzending staat er sinds 42" in page


def test_health_reports_the_outbox_degraded_when_a_mail_waits_too_long(client, settings):
    settings.OUTBOX_HEALTH_PENDING_SECONDS = 600
    outbox_enqueue(mails=[invitation_for(ContactFactory())])
    assert client.get("/healthz").json()["outbox"] == "ok"
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 200, "the web still works: a load balancer must keep it"
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "ok", "outbox": "degraded"}
