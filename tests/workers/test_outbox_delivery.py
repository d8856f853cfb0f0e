"""Mail leaves through a real worker and a real SMTP server: once, whatever fails in between."""

import os
import signal
from collections import Counter

from django.db import transaction
from django_celery_beat.models import PeriodicTask

from accounts import roles
from mail.models import OutboxMessage, OutboxStatus
from mail.outbox import outbox_enqueue
from stakeholders.models import Organisation
from stakeholders.tasks import outreach_digests_send
from tests.api.clients import token_client
from tests.factories import ContactFactory, OrganisationFactory, UserFactory, survey_invitation_mails
from tests.smtp_server import ACCEPT, PERMANENT_FAILURE, TEMPORARY_FAILURE
from tests.workers.conftest import kill_if_alive, outbox_settled, sweep, wait_for


def queue_invitations(count: int) -> list:
    contacts = ContactFactory.create_batch(count)
    with transaction.atomic():
        outbox_enqueue(mails=survey_invitation_mails(contacts))
    return contacts


def assert_sent_once_each(smtp) -> None:
    sent = OutboxMessage.objects.filter(status=OutboxStatus.SENT)
    assert Counter(smtp.message_ids).most_common(1)[0][1] == 1, "no Message-ID reaches the server twice"
    assert set(smtp.message_ids) >= set(sent.values_list("message_id", flat=True))


def test_two_digest_runs_at_once_send_each_officer_one_digest(start_worker, smtp):
    officers = [UserFactory(role=roles.LIAISON_OFFICERS) for _ in range(3)]
    for officer in officers:
        OrganisationFactory.create_batch(2, owner=officer, next_contact_due_on="2026-01-01")
    start_worker(concurrency=2)

    outreach_digests_send.delay()
    outreach_digests_send.delay()

    wait_for(lambda: len(smtp.messages) == 3 and outbox_settled(), timeout=60, what="the digests", between=sweep)
    assert sorted(message["To"] for message in smtp.messages) == sorted(officer.email for officer in officers)
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 3
    assert_sent_once_each(smtp)


def test_an_administrator_runs_a_periodic_job_from_admin(start_worker, smtp, admin_client, liaison_officer):
    OrganisationFactory(owner=liaison_officer, next_contact_due_on="2026-01-01")
    start_worker()
    digest_job = PeriodicTask.objects.get(name="outreach-digest")

    response = admin_client.post(
        "/admin/django_celery_beat/periodictask/", {"action": "run_tasks", "_selected_action": [digest_job.pk]}
    )

    assert response.status_code == 302
    wait_for(lambda: len(smtp.messages) == 1 and outbox_settled(), timeout=60, what="the digest", between=sweep)
    assert smtp.messages[0]["To"] == liaison_officer.email


def test_mail_refused_for_a_while_goes_out_once_the_server_accepts_again(start_worker, smtp):
    smtp.answer(TEMPORARY_FAILURE)
    start_worker()
    queue_invitations(30)
    wait_for(
        lambda: not OutboxMessage.objects.filter(attempts__lt=2).exists(),
        timeout=60,
        what="every mail to be refused twice",
        between=sweep,
    )
    assert smtp.messages == []
    smtp.answer(ACCEPT)
    wait_for(outbox_settled, timeout=60, what="the backlog to drain", between=sweep)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(smtp.messages) == 30
    assert_sent_once_each(smtp)


def test_a_permanent_refusal_fails_one_mail_after_one_attempt_and_the_rest_go_out(start_worker, smtp):
    start_worker()
    smtp.answer(PERMANENT_FAILURE)
    [refused] = queue_invitations(1)
    wait_for(outbox_settled, timeout=30, what="the refusal", between=sweep)
    smtp.answer(ACCEPT)
    queue_invitations(5)
    wait_for(outbox_settled, timeout=30, what="the rest", between=sweep)
    failed = OutboxMessage.objects.get(status=OutboxStatus.FAILED)
    assert failed.contact == refused and failed.attempts == 1
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 5
    assert_sent_once_each(smtp)


def test_with_redis_down_the_web_still_saves_and_queues_and_the_backlog_drains_later(
    start_worker, private_redis, smtp, liaison_officer, coordinator
):
    start_worker()
    organisation = OrganisationFactory(owner=None)
    private_redis.stop()

    response = token_client(coordinator, read_only=False).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": liaison_officer.username}, format="json"
    )

    assert response.status_code == 200, response.content
    assert Organisation.objects.get(pk=organisation.pk).owner == liaison_officer
    assert OutboxMessage.objects.get().status == OutboxStatus.PENDING
    private_redis.start()
    wait_for(lambda: len(smtp.messages) == 1 and outbox_settled(), timeout=90, what="the backlog", between=sweep)
    assert smtp.messages[0]["To"] == liaison_officer.email


def killed_in_the_middle_of_a_batch(start_worker, smtp, *, target: str) -> None:
    queue_invitations(1000)
    worker = start_worker(concurrency=2)
    wait_for(lambda: len(smtp.messages) >= 150, timeout=120, what="sending to be under way", between=sweep)
    children = worker.pool_children()
    victim = worker.process.pid if target == "main" else children[0]
    os.kill(victim, signal.SIGKILL)
    if target == "main":
        worker.process.wait()
        for child in children:  # orphaned pool processes would finish their batch; a crash takes them too
            kill_if_alive(child)
    start_worker(concurrency=2)
    wait_for(outbox_settled, timeout=240, what="every row to settle", every=0.5, between=sweep)

    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert set(statuses) <= {OutboxStatus.SENT, OutboxStatus.UNCERTAIN}, statuses
    assert statuses[OutboxStatus.SENT] + statuses[OutboxStatus.UNCERTAIN] == 1000
    assert statuses[OutboxStatus.UNCERTAIN] <= 2 * 2, "at most the mails being sent at the kill are in doubt"
    assert_sent_once_each(smtp)


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(start_worker, smtp):
    killed_in_the_middle_of_a_batch(start_worker, smtp, target="main")


def test_a_pool_process_killed_mid_batch_loses_nothing_and_sends_nothing_twice(start_worker, smtp):
    killed_in_the_middle_of_a_batch(start_worker, smtp, target="child")
