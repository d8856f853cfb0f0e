"""A survey round from opening to closing, with a real worker, a real Redis and a local SMTP server."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from surveys.models import Ballot, Invitation, Response, SurveyRound
from surveys.tasks import survey_reminders_send, survey_rounds_advance
from tests.factories import ContactFactory, SurveyRoundFactory
from tests.surveys.helpers import answer_form
from tests.workers.conftest import outbox_settled, sweep, wait_for

LINK = re.compile(r"https?://[^/\s]+(/s/[^/\s]+/)")


def link_in(message) -> str:
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return LINK.search(text.get_payload(decode=True).decode()).group(1)


def mails_to(smtp, address: str) -> list:
    return [message for message in smtp.messages if message["To"] == address]


def test_a_round_invites_once_reminds_only_who_did_not_answer_and_its_links_die_when_it_closes(start_worker, smtp):
    answering, silent = ContactFactory.create_batch(2, organisation__kind="ngo")
    opted_out = ContactFactory(organisation__kind="ngo", mail_opted_out_at=timezone.now())
    ContactFactory(organisation__kind="municipality")
    survey_round = SurveyRoundFactory(
        status="scheduled",
        opens_at=timezone.now() - timedelta(minutes=1),
        target_filter={"soort": "ngo"},
        reminder_after_days=3,
        max_reminders=1,
    )
    start_worker(concurrency=2)

    survey_rounds_advance.delay()
    survey_rounds_advance.delay()
    wait_for(lambda: len(smtp.messages) == 2 and outbox_settled(), timeout=60, what="the invitations", between=sweep)
    assert SurveyRound.objects.get().status == "open"
    assert sorted(message["To"] for message in smtp.messages) == sorted([answering.email, silent.email])
    assert not mails_to(smtp, opted_out.email)

    respondent = Client()
    assert respondent.post(link_in(mails_to(smtp, answering.email)[0])).status_code == 302
    respondent.post("/s/", answer_form(overall_grade="7"))
    assert Ballot.objects.count() == 1 and not Response.objects.exists(), "sealed in the ballot box until it moves"

    Invitation.objects.update(invited_at=timezone.now() - timedelta(days=4))
    survey_reminders_send.delay()
    survey_reminders_send.delay()
    wait_for(lambda: len(smtp.messages) == 3 and outbox_settled(), timeout=60, what="the reminder", between=sweep)
    [reminder] = [message for message in mails_to(smtp, silent.email) if "Herinnering" in message["Subject"]]

    Invitation.objects.update(last_reminded_at=timezone.now() - timedelta(days=4))
    survey_reminders_send.delay()
    survey_round.closes_at = timezone.now() - timedelta(seconds=1)
    survey_round.save()
    survey_rounds_advance.delay()
    wait_for(lambda: SurveyRound.objects.get().status == "closed" and outbox_settled(), timeout=60, what="closing")
    assert len(smtp.messages) == 3, "one reminder at most, as the round says"
    assert not Ballot.objects.exists() and Response.objects.get().answers.get().number == 7, "moved at the close"
    assert Client().post(link_in(reminder)).status_code == 404
