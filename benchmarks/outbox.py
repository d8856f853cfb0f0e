"""Mails per second from the outbox to a local SMTP server, the worker's CPU per mail, and round trips per mail.

    .venv/bin/python benchmarks/outbox.py [--runs 3]

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_outbox_benchmark;
it is dropped and created again) and queues 3,000 survey invitations (each gets its personal link made at sending
time). It times how long a worker with 1 and with 2 pool processes takes to hand them all to a local SMTP server
that answers at once and offers PIPELINING (benchmarks/smtp_sink.py), through Redis (BENCHMARK_BROKER_URL, default
database 8; it is emptied), from the first mail at the server to the last row marked sent, and reads the worker's
CPU time (main process and pool, from /proc) over the same span: CPU per mail does not depend on what else runs on
the machine, mails per second does, so the load average is printed beside it. With --runs N each is measured N
times, alternating, and the best and the median are printed. Then it sends 500 more in this process, counting every
statement and every transaction (BEGIN and COMMIT are a round trip each) from the sweep's claim to the last "sent",
and prints round trips per mail.
Write the figures to docs/performance.md.
"""

import argparse
import os
import statistics
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


def cpu_seconds(pid: int) -> float:
    """User and system CPU time used so far by a process and its children (a worker's pool processes)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, the 14th and 15th fields of stat
    return total / os.sysconf("SC_CLK_TCK")


def delivery_run(env: dict, smtp, *, processes: int, offset: int) -> tuple[float, float, float]:
    """Mails per second, worker CPU milliseconds per mail, and the 1-minute load average at the end."""
    from mail.models import OutboxMessage, OutboxStatus

    OutboxMessage.objects.all().delete()
    queue_invitations(MAILS, offset=offset)
    seen = smtp.count
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
        while smtp.count == seen:
            time.sleep(0.005)
        start, cpu_start = time.perf_counter(), cpu_seconds(worker.pid)
        while OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists():
            time.sleep(0.02)
        elapsed, cpu = time.perf_counter() - start, cpu_seconds(worker.pid) - cpu_start
        load = os.getloadavg()[0]
    finally:
        worker.terminate()
        worker.wait()
    assert smtp.count - seen == MAILS
    assert len(set(smtp.message_ids)) == smtp.count, "no mail reached the server twice"
    # The first mail's share of CPU came before the clock started: count the mails sent while it ran.
    return (MAILS - 1) / elapsed, cpu * 1000 / (MAILS - 1), load


def delivery_figures(env: dict, smtp, *, runs: int) -> None:
    figures: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
    for run in range(runs):
        for processes in (1, 2):
            rate, cpu, load = delivery_run(env, smtp, processes=processes, offset=(2 * run + processes) * MAILS)
            figures[processes].append((rate, cpu, load))
            print(
                f"run {run + 1}, {processes} worker process(es): {rate:.0f} mails/s,"
                f" worker CPU {cpu:.2f} ms/mail, load average {load:.2f}"
            )
    for processes, measured in figures.items():
        rates, cpus, loads = zip(*measured, strict=True)
        print(
            f"{processes} worker process(es), {runs} run(s): best {max(rates):.0f} mails/s,"
            f" median {statistics.median(rates):.0f}; worker CPU best {min(cpus):.2f} ms/mail,"
            f" median {statistics.median(cpus):.2f}; load average {min(loads):.2f}-{max(loads):.2f}"
        )


def round_trip_figures(smtp) -> None:
    from django.conf import settings
    from django.db import connection

    from mail.delivery import outbox_send_batch
    from mail.models import OutboxMessage, OutboxStatus
    from mail.outbox import outbox_claim_batch

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    OutboxMessage.objects.all().delete()
    queue_invitations(COUNTED_MAILS, offset=-COUNTED_MAILS)
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
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1, help="measure each worker size this many times")
    runs = parser.parse_args().runs
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
    from smtp_sink import SmtpSink

    from tests.brokers import use_broker

    use_broker(BROKER)
    redis.Redis.from_url(BROKER).flushdb()
    with SmtpSink() as smtp:
        delivery_figures(env, smtp, runs=runs)
        round_trip_figures(smtp)


if __name__ == "__main__":
    main()
