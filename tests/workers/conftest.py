"""Background work for real: a private Redis on its own port, Celery workers as subprocesses, a local SMTP server.

These tests commit their data (transactional_db), because the worker reads it from its own connection.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from mail.models import OutboxMessage, OutboxStatus
from mail.tasks import outbox_sweep
from tests.brokers import use_broker
from tests.smtp_server import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


class PrivateRedis:
    """A redis-server of our own, so that stopping it hurts nobody else."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        wait_for(lambda: _answers(client), timeout=10, what="redis-server to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


class Worker:
    """`celery worker` in a subprocess, against the test database, the private Redis and the local SMTP server."""

    def __init__(self, *, broker_url: str, smtp_port: int, log: Path, concurrency: int = 2, env: dict | None = None):
        database = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_TIMEOUT": "5",
            # Short leases and backoff so that the tests see recovery in seconds, not minutes.
            "OUTBOX_BATCH_SIZE": "25",
            "OUTBOX_CLAIM_LEASE_SECONDS": "6",
            "OUTBOX_SENDING_LEASE_SECONDS": "3",
            "OUTBOX_RETRY_BASE_SECONDS": "1",
            "OUTBOX_RETRY_MAX_SECONDS": "2",
            "CELERY_VISIBILITY_TIMEOUT": "20",
            **(env or {}),
        }
        self.log = log
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "Worker":
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(CELERY),
                    "-A",
                    "crm",
                    "worker",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    str(self.concurrency),
                    "--loglevel",
                    "INFO",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "--hostname",
                    f"test-{time.monotonic_ns()}@%h",
                ],  # fmt: skip
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(lambda: "ready." in self.log.read_text(), timeout=60, what="the worker to be ready")
        return self

    def pool_children(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            children = self.pool_children()
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            for pid in children:
                kill_if_alive(pid)
        self.process = None


def kill_if_alive(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def terminate_database_connections() -> int:
    """What a PostgreSQL restart, a failover or a pooler restart does to every other connection of the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_for(condition, *, timeout: float, what: str, every: float = 0.1, between=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if between:
            between()
        time.sleep(every)
    raise AssertionError(f"Gave up waiting for {what} after {timeout} s.")


def sweep() -> None:
    """What beat does every minute; the tests ask for it more often."""
    with contextlib.suppress(Exception):  # the broker may be down in the test that stops it
        outbox_sweep.apply_async(retry=False)


def outbox_settled() -> bool:
    return not OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).exists()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    use_broker(server.url)
    yield server
    server.stop()
    use_broker("memory://")


@pytest.fixture
def smtp():
    # It offers PIPELINING, as Postfix and Exim do: the worker's usual way (tests/mail runs both ways in-process).
    with SmtpServer(pipelining=True) as server:
        yield server


@pytest.fixture
def start_worker(transactional_db, private_redis, smtp, tmp_path):
    workers = []

    def start(**options) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = Worker(broker_url=private_redis.url, smtp_port=smtp.port, log=log, **options)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
