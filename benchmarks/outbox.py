"""Mails per second from the outbox to a local SMTP server, and database round trips per mail.

    .venv/bin/python benchmarks/outbox.py

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_outbox_benchmark;
it is dropped and created again) and queues 3,000 survey invitations (each gets its personal link made at sending
time). It times how long a worker with 1 and with 2 pool processes takes to hand them all to an aiosmtpd server on
127.0.0.1 that answers 250 at once, through Redis (BENCHMARK_BROKER_URL, default database 8; it is emptied), from
the first mail at the server to the last row marked sent. Then it sends 500 more in this process, counting every
statement and every transaction (BEGIN and COMMIT are a round trip each) from the sweep's claim to the last "sent",
and prints round trips per mail.
Write the figures to docs/performance.md.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import redis
from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_outbox_benchmark")
BROKER = os.environ.get("BENCHMARK_BROKER_URL", "redis://127.0.0.1:6379/8")
MAILS = 3_000
COUNTED_MAILS = 500


def queue_invitations(count: int, *, offset: int = 0) -> None:
    from django.db import transaction

    from mail.outbox import outbox_enqueue
    from stakeholders.models import Contact
    from tests.factories import OrganisationFactory, survey_invitation_mails

    organisation = OrganisationFactory()
    contacts = Contact.objects.bulk_create(
        Contact(organisation=organisation, first_name="Test", last_name=str(n), email=f"c{n}@partner.example")
        for n in range(offset, offset + count)
    )
    with transaction.atomic():
        outbox_enqueue(mails=survey_invitation_mails(contacts))


def delivery_figures(env: dict, smtp) -> None:
    from mail.models import OutboxMessage, OutboxStatus

    for processes in (1, 2):
        OutboxMessage.objects.all().delete()
        queue_invitations(MAILS, offset=processes * MAILS)
        seen = len(smtp.messages)
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "crm",
                "worker",
                "--concurrency",
                str(processes),
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
            ],  # fmt: skip
            cwd=ROOT,
            env={**env, "EMAIL_PORT": str(smtp.port), "EMAIL_HOST": "127.0.0.1"},
        )
        try:
            # The clock starts at the first mail, so the worker's start-up is not counted.
            while len(smtp.messages) == seen:
                time.sleep(0.005)
            start = time.perf_counter()
            while OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists():
                time.sleep(0.02)
            elapsed = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait()
        assert len(smtp.messages) - seen == MAILS
        print(f"{processes} worker process(es): {MAILS} mails in {elapsed:.2f} s = {MAILS / elapsed:.0f} mails/s")


def round_trip_figures(smtp) -> None:
    from django.conf import settings
    from django.db import connection

    from mail.delivery import outbox_send_batch
    from mail.models import OutboxMessage, OutboxStatus
    from mail.outbox import outbox_claim_batch

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    OutboxMessage.objects.all().delete()
    queue_invitations(COUNTED_MAILS, offset=10 * MAILS)
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    commits = 0
    commit = connection.commit

    def counted_commit():
        nonlocal commits
        commits += 1
        commit()

    connection.commit = counted_commit
    with connection.execute_wrapper(count):
        while claim := outbox_claim_batch():
            claim_token, message_ids = claim
            outbox_send_batch(claim_token=claim_token, message_ids=message_ids)
    connection.commit = commit
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == COUNTED_MAILS
    trips = statements + 2 * commits
    print(
        f"round trips: {statements} statements and {commits} transactions for {COUNTED_MAILS} mails"
        f" = {trips / COUNTED_MAILS:.2f} per mail"
    )


def main() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "CELERY_BROKER_URL": BROKER,
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "crm.settings",
    }
    fresh_database(URL, env)
    os.environ.update(env)
    import django

    django.setup()
    from tests.brokers import use_broker
    from tests.smtp_server import SmtpServer

    use_broker(BROKER)
    redis.Redis.from_url(BROKER).flushdb()
    with SmtpServer() as smtp:
        delivery_figures(env, smtp)
        round_trip_figures(smtp)


if __name__ == "__main__":
    main()
