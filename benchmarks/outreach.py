"""The daily outreach scan at 100,000 organisations, and mails per second from the outbox to a local SMTP server.

    .venv/bin/python benchmarks/outreach.py

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_outreach_benchmark;
it is dropped and created again) with 100,000 organisations spread over 60 liaison officers and due dates from a
year ago to a year ahead, inserted with one SQL statement. It times the scan query alone and the whole digest job
(scan, grouping, rendering, outbox insert), five times each. Then it queues 2,000 survey invitations (each gets its
personal link made at sending time) and times how long workers with 1 and 2 processes take to hand them all to an
aiosmtpd server on 127.0.0.1, through Redis (database 5).
Write the figures to docs/performance.md.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_outreach_benchmark")
BROKER = "redis://127.0.0.1:6379/5"
ORGANISATIONS = 100_000
OFFICERS = 60
MAILS = 2_000
RUNS = 5


def seed() -> None:
    from accounts import roles
    from tests.factories import UserFactory

    officers = [UserFactory(username=f"officer{n}", role=roles.LIAISON_OFFICERS) for n in range(OFFICERS)]
    UserFactory(username="coordinator", role=roles.COORDINATORS)
    ids = [officer.pk for officer in officers]
    with psycopg.connect(URL, autocommit=True) as connection:
        connection.execute(
            """
            INSERT INTO stakeholders_organisation (name, short_name, kind, scope, kvk_number, cbs_municipality_code,
                country, street_address, postal_code, city, website, email, phone, owner_id, influence, interest,
                status, notes, next_contact_due_on, created_at, updated_at)
            SELECT 'Organisatie ' || n, '', 'ngo', 'local', '', '', 'NL', '', '', '', '', '', '',
                CASE WHEN n %% 50 = 0 THEN NULL ELSE (%(ids)s::bigint[])[1 + n %% %(officers)s] END, 3, 3,
                CASE WHEN n %% 10 = 0 THEN 'archived' ELSE 'active' END, '',
                current_date + (n * 7919 %% 730 - 365), now(), now()
            FROM generate_series(1, %(count)s) AS n
            """,
            {"ids": ids, "officers": OFFICERS, "count": ORGANISATIONS},
        )
        connection.execute("ANALYZE stakeholders_organisation")


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def scan_figures() -> None:
    from mail.models import OutboxMessage
    from stakeholders.outreach import outreach_digests_send
    from stakeholders.selectors import organisations_due_for_outreach

    due = len(organisations_due_for_outreach())
    scans = [timed(organisations_due_for_outreach) for _ in range(RUNS)]
    jobs = []
    for _ in range(RUNS):
        OutboxMessage.objects.all().delete()
        jobs.append(timed(outreach_digests_send))
    rerun = timed(outreach_digests_send)
    print(f"{ORGANISATIONS:,} organisations, {due:,} due or overdue, {OutboxMessage.objects.count()} digests")
    print(f"scan query: median {statistics.median(scans) * 1000:.0f} ms (min {min(scans) * 1000:.0f})")
    print(f"digest job: median {statistics.median(jobs) * 1000:.0f} ms (min {min(jobs) * 1000:.0f})")
    print(f"digest job run again (writes nothing): {rerun * 1000:.0f} ms")


def delivery_figures(env: dict) -> None:
    from django.db import transaction

    from mail.models import OutboxMessage, OutboxStatus
    from mail.outbox import outbox_enqueue
    from stakeholders.models import Contact, Organisation
    from tests.factories import survey_invitation_mails
    from tests.smtp_server import SmtpServer

    organisation = Organisation.objects.first()
    contacts = Contact.objects.bulk_create(
        Contact(organisation=organisation, first_name="Test", last_name=str(n), email=f"c{n}@partner.example")
        for n in range(MAILS)
    )
    with SmtpServer() as smtp:
        for processes in (1, 2):
            OutboxMessage.objects.all().delete()
            with transaction.atomic():
                outbox_enqueue(mails=survey_invitation_mails(contacts))
            worker_env = {**env, "EMAIL_PORT": str(smtp.port), "EMAIL_HOST": "127.0.0.1"}
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
                env=worker_env,
            )
            try:
                seen = len(smtp.messages)
                start = time.perf_counter()
                while OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists():
                    time.sleep(0.05)
                elapsed = time.perf_counter() - start
            finally:
                worker.terminate()
                worker.wait()
            assert len(smtp.messages) - seen == MAILS
            print(f"{processes} worker process(es): {MAILS} mails in {elapsed:.1f} s = {MAILS / elapsed:.0f} mails/s")


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

    use_broker(BROKER)
    redis.Redis.from_url(BROKER).flushdb()
    seed()
    scan_figures()
    delivery_figures(env)


if __name__ == "__main__":
    main()
