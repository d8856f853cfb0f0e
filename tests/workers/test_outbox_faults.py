"""Faults that need no person: a mail the server never received never ends failed or uncertain."""

import os
import time
from collections import Counter

from mail.models import OutboxMessage, OutboxStatus
from tests.smtp_server import TEMPORARY_FAILURE
from tests.workers.conftest import kill_if_alive, outbox_settled, sweep, terminate_database_connections, wait_for
from tests.workers.test_outbox_delivery import assert_sent_once_each, queue_invitations


def assert_nothing_in_doubt_that_the_server_never_had(smtp) -> None:
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses[OutboxStatus.FAILED] == 0, statuses
    received = set(smtp.message_ids)
    in_doubt = OutboxMessage.objects.filter(status=OutboxStatus.UNCERTAIN).values_list("message_id", flat=True)
    assert set(in_doubt) <= received, "only a mail the server received may be uncertain"
    assert_sent_once_each(smtp)


def test_database_connections_terminated_mid_run_fail_nothing_and_lose_nothing(start_worker, smtp):
    queue_invitations(400)
    start_worker(concurrency=2)
    wait_for(lambda: len(smtp.messages) >= 40, timeout=60, what="sending to be under way", between=sweep)
    terminated = 0
    for _ in range(8):
        terminated += terminate_database_connections()
        time.sleep(0.15)
    assert terminated, "the worker's connections were terminated"

    wait_for(outbox_settled, timeout=120, what="every row to settle", every=0.3, between=sweep)
    assert_nothing_in_doubt_that_the_server_never_had(smtp)
    assert len(set(smtp.message_ids)) == 400


def test_a_hang_past_the_soft_time_limit_puts_the_unsent_mails_back_and_they_go_out_later(start_worker, smtp):
    smtp.handler.hang_at_rcpt.set()
    # A soft limit of under three seconds, and an SMTP timeout far beyond it, so that the limit ends the hang.
    worker = start_worker(env={"OUTBOX_CLAIM_LEASE_SECONDS": "3", "EMAIL_TIMEOUT": "60"})
    queue_invitations(30)
    wait_for(lambda: "time limit" in worker.log.read_text(), timeout=30, what="the soft time limit", between=sweep)
    assert not OutboxMessage.objects.filter(status__in=[OutboxStatus.UNCERTAIN, OutboxStatus.FAILED]).exists()
    smtp.handler.hang_at_rcpt.clear()

    wait_for(outbox_settled, timeout=60, what="the mails put back to go out", between=sweep)
    # A batch that began in the hang and went on after it can meet its own limit while a body is out: that mail may
    # be uncertain, but only a mail the server received.
    assert_nothing_in_doubt_that_the_server_never_had(smtp)
    assert len(smtp.messages) == 30


def test_a_connection_closed_at_the_data_command_is_retried_and_delivered_once(start_worker, smtp):
    smtp.handler.drops_at_data = 3
    start_worker()
    queue_invitations(10)

    wait_for(outbox_settled, timeout=60, what="the mails to go out", between=sweep)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(smtp.messages) == 10
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [1] * 7 + [2] * 3
    assert_sent_once_each(smtp)


def test_a_crash_between_claim_and_rcpt_leaves_the_mail_pending_not_uncertain(start_worker, smtp):
    smtp.handler.hang_at_rcpt.set()
    worker = start_worker(concurrency=1)
    queue_invitations(5)
    wait_for(lambda: smtp.handler.rcpt_count >= 1, timeout=30, what="the worker to wait at RCPT", between=sweep)
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.PENDING).exists(), "nothing is sending before RCPT"
    children = worker.pool_children()
    os.kill(worker.process.pid, 9)
    worker.process.wait()
    for child in children:
        kill_if_alive(child)
    smtp.handler.hang_at_rcpt.clear()

    start_worker(concurrency=1)
    wait_for(outbox_settled, timeout=60, what="the claim to run out and the mails to go out", between=sweep)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(smtp.messages) == 5
    assert_sent_once_each(smtp)


def test_an_outage_is_a_warning_in_the_worker_log_with_its_counts_and_first_error(start_worker, smtp):
    smtp.answer(TEMPORARY_FAILURE)
    worker = start_worker(concurrency=1)
    queue_invitations(5)

    wait_for(lambda: "WARNING" in worker.log.read_text(), timeout=30, what="a warning in the worker log", between=sweep)
    [line] = [line for line in worker.log.read_text().splitlines() if "WARNING" in line][:1]
    assert "outbox: batch" in line
    assert "5 refused for now" in line
    assert "first error: 451" in line
