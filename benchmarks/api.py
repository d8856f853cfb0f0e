"""Latency of the organisations list with contacts embedded beside a fair baseline, and the speed of a CSV export.

    .venv/bin/python benchmarks/api.py [--organisations 10000] [--rounds 10]

Seeds organisations with 5 contacts each in a fresh database (BENCHMARK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/crm_api_benchmark; it is dropped and created again; Redis from BENCHMARK_CACHE_URL
and BENCHMARK_BROKER_URL). Two gunicorns run under the production settings (docker/gunicorn.conf.py, 2 workers each):
the app, and the bare WSGI app of benchmarks/baseline_wsgi.py, which pages first and encodes the same JSON from plain
psycopg. Both are asked for random 100-row pages (`?paginaGrootte=100&expand=contactpersonen`) at concurrency 1 and 8,
interleaved: each round sends a batch to one and then the same batch to the other, the order alternating by round. Then
every organisation is exported as CSV once through the app. Write the figures to docs/performance.md.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799
BASELINE_PORT = 8798
CONTACTS_EACH = 5
PAGE_SIZE = 100
BATCH = {1: 20, 8: 40}  # requests per round and side
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_api_benchmark")
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "DEBUG": "false",
    # Connections kept between requests, as production keeps them (crm/settings.py) and as the baseline does.
    "CONN_MAX_AGE": "60",
    "API_RATE_LIMIT": "1000000/minute",
    "CACHE_URL": os.environ.get("BENCHMARK_CACHE_URL", "redis://127.0.0.1:6379/4"),
    "CELERY_BROKER_URL": os.environ.get("BENCHMARK_BROKER_URL", "redis://127.0.0.1:6379/0"),
}


def seed(organisations_wanted: int) -> str:
    """Organisations with a label each and their contacts in bulk, and a token to read them with."""
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from accounts.tokens import api_token_create
    from stakeholders.models import Contact, Organisation, Tag, Tier
    from tests.factories import UserFactory

    officer = UserFactory(username="benchmark", role="Liaison officers")
    tiers = list(Tier.objects.all())
    tags = [Tag.objects.create(name=f"Label {n}") for n in range(10)]
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Organisatie {n:06d}", kind="ngo", city="Utrecht", owner=officer, tier=tiers[n % 4])
            for n in range(organisations_wanted)
        ],
        batch_size=5000,
    )
    Organisation.tags.through.objects.bulk_create(
        [Organisation.tags.through(organisation_id=o.id, tag_id=tags[o.id % 10].id) for o in organisations],
        batch_size=5000,
    )
    for start in range(0, len(organisations), 10_000):
        Contact.objects.bulk_create(
            [
                Contact(organisation=o, first_name="Anna", last_name=f"Jansen {n}", email=f"anna{n}@org{o.id}.example")
                for o in organisations[start : start + 10_000]
                for n in range(CONTACTS_EACH)
            ],
            batch_size=5000,
        )
    _, secret = api_token_create(user=officer, name="benchmark", read_only=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics of the fresh tables, for both sides alike
    return secret


def measure(call, pages: int, concurrency: int, requests: int) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        state: dict = {}
        for _ in range(count):
            page = random.randint(1, pages)
            started = time.perf_counter()
            call(state, page)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(requests // concurrency,)) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def http_call(port: int, path: str, headers: dict[str, str]):
    def call(state, page):
        connection = state.setdefault("http", http.client.HTTPConnection("127.0.0.1", port, timeout=120))
        connection.request("GET", path.format(page=page), headers={**headers, "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]

    return call


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000


def serve(application: str, port: int, *extra: str) -> subprocess.Popen:
    """gunicorn as the production image runs it (docker/gunicorn.conf.py), 2 workers, on 127.0.0.1."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "docker/gunicorn.conf.py", *extra,
         "--bind", f"127.0.0.1:{port}", "--workers", "2", application],
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def peak_memory_kib(server: subprocess.Popen) -> list[int]:
    """The highest resident memory each worker of a gunicorn has had (VmHWM)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for child in children:
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return peaks


def csv_export(secret: str) -> tuple[int, float]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    started = time.perf_counter()
    connection.request(
        "GET",
        "/api/v1/organisaties",
        headers={"Authorization": f"Bearer {secret}", "Accept": "text/csv", "Host": "127.0.0.1"},
    )
    response = connection.getresponse()
    lines = 0
    while chunk := response.read(1 << 16):
        lines += chunk.count(b"\n")
    assert response.status == 200
    return lines - 1, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    arguments = parser.parse_args()
    fresh_database(URL, ENV)
    secret = seed(arguments.organisations)
    pages = arguments.organisations // PAGE_SIZE
    app = serve("crm.wsgi:application", PORT)
    baseline = serve("baseline_wsgi:application", BASELINE_PORT, "--pythonpath", "benchmarks")
    api = http_call(
        PORT, f"/api/v1/organisaties?pagina={{page}}&paginaGrootte={PAGE_SIZE}&expand=contactpersonen",
        {"Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    raw = http_call(BASELINE_PORT, "/?pagina={page}", {})
    try:
        time.sleep(4)
        for call in (api, raw):  # warm up: connections, caches, the token's last use
            measure(call, pages, 2, 10)
        print(f"{arguments.organisations} organisations x {CONTACTS_EACH} contacts, pages of {PAGE_SIZE} with contacts")
        print("| concurrency | API median | API p95 | baseline median | baseline p95 | API / baseline (median) |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for concurrency, batch in BATCH.items():
            latencies: dict = {api: [], raw: []}
            for round_number in range(arguments.rounds):
                for call in (api, raw) if round_number % 2 == 0 else (raw, api):
                    latencies[call] += measure(call, pages, concurrency, batch)
            api_median, api_p95 = summary(latencies[api])
            raw_median, raw_p95 = summary(latencies[raw])
            print(
                f"| {concurrency} | {api_median:.1f} ms | {api_p95:.1f} ms | {raw_median:.1f} ms | {raw_p95:.1f} ms "
                f"| {api_median / raw_median:.2f} |"
            )
        before = peak_memory_kib(app)
        rows, seconds = csv_export(secret)
        after = peak_memory_kib(app)
        print(f"CSV export: {rows} rows in {seconds:.1f} s ({rows / seconds:.0f} rows/s)")
        print(f"worker peak memory before and after the export: {before} KiB, {after} KiB")
    finally:
        for server in (app, baseline):
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
