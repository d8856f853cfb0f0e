"""Latency of the organisations list with contacts embedded, beside a raw psycopg + json baseline.

    .venv/bin/python benchmarks/api.py

Seeds 10,000 organisations with 5 contacts each in a fresh database (BENCHMARK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/crm_api_benchmark; it is dropped and created again), serves the app with gunicorn
on 127.0.0.1, and asks for 100-row pages (`?pageSize=100&expand=contactpersonen`) at concurrency 1 and 8. The
baseline fetches the same rows with plain SQL and encodes them to JSON, on as many threads. Write the figures to
docs/performance.md.
"""

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
PORT = 8799
ORGANISATIONS = 10_000
CONTACTS_EACH = 5
PAGE_SIZE = 100
REQUESTS = {1: 200, 8: 400}
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_api_benchmark")
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "DEBUG": "false",
    "API_RATE_LIMIT": "1000000/minute",
    "CACHE_URL": "redis://127.0.0.1:6379/4",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def seed() -> str:
    """Organisations and contacts in bulk, and a token to read them with."""
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from accounts.tokens import api_token_create
    from stakeholders.models import Contact, Organisation, Tag, Tier
    from tests.factories import UserFactory

    officer = UserFactory(username="benchmark", role="Liaison officers")
    tiers = list(Tier.objects.all())
    tags = [Tag.objects.create(name=f"Label {n}") for n in range(10)]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisatie {n:05d}", kind="ngo", city="Utrecht", owner=officer, tier=tiers[n % 4])
        for n in range(ORGANISATIONS)
    )
    Organisation.tags.through.objects.bulk_create(
        Organisation.tags.through(organisation_id=o.id, tag_id=tags[o.id % 10].id) for o in organisations
    )
    Contact.objects.bulk_create(
        Contact(organisation=o, first_name="Anna", last_name=f"Jansen {n}", email=f"anna{n}@org{o.id}.example")
        for o in organisations
        for n in range(CONTACTS_EACH)
    )
    _, secret = api_token_create(user=officer, name="benchmark", read_only=True)
    return secret


def measure(call, concurrency: int, requests: int) -> list[float]:
    pages = list(range(1, ORGANISATIONS // PAGE_SIZE + 1))
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        state = {}
        for _ in range(count):
            page = random.choice(pages)
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


def api_call(secret: str):
    def call(state, page):
        connection = state.setdefault("http", http.client.HTTPConnection("127.0.0.1", PORT, timeout=60))
        connection.request(
            "GET",
            f"/api/v1/organisaties?page={page}&pageSize={PAGE_SIZE}&expand=contactpersonen",
            headers={"Authorization": f"Bearer {secret}", "Host": "127.0.0.1"},
        )
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]

    return call


ORGANISATIONS_SQL = """
    SELECT o.id, o.name, o.short_name, o.kind, o.scope, o.status, o.parent_id, o.kvk_number,
           o.cbs_municipality_code, o.country, o.street_address, o.postal_code, o.city, o.website, o.email, o.phone,
           u.username, t.code, o.contact_cadence_days, o.next_contact_planned_on, o.last_contact_on,
           o.next_contact_due_on, o.influence, o.interest, o.notes, o.created_at, o.updated_at,
           coalesce(array_agg(g.name) FILTER (WHERE g.name IS NOT NULL), '{}')
    FROM stakeholders_organisation o
    LEFT JOIN auth_user u ON u.id = o.owner_id
    LEFT JOIN stakeholders_tier t ON t.id = o.tier_id
    LEFT JOIN stakeholders_organisation_tags ot ON ot.organisation_id = o.id
    LEFT JOIN stakeholders_tag g ON g.id = ot.tag_id
    GROUP BY o.id, u.username, t.code
    ORDER BY o.name, o.id LIMIT %s OFFSET %s
"""
CONTACTS_SQL = """
    SELECT id, organisation_id, first_name, name_prefix, last_name, job_title, level, email, phone,
           preferred_language, is_active, mail_opted_out_at, created_at, updated_at
    FROM stakeholders_contact WHERE organisation_id = ANY(%s) ORDER BY last_name, first_name, id
"""


def baseline_call(state, page):
    connection = state.setdefault("db", psycopg.connect(URL))
    organisations = connection.execute(ORGANISATIONS_SQL, (PAGE_SIZE, (page - 1) * PAGE_SIZE)).fetchall()
    contacts = connection.execute(CONTACTS_SQL, ([row[0] for row in organisations],)).fetchall()
    by_organisation: dict[int, list] = {}
    for contact in contacts:
        by_organisation.setdefault(contact[1], []).append(list(contact))
    count = connection.execute("SELECT count(*) FROM stakeholders_organisation").fetchone()[0]
    json.dumps(
        {"count": count, "results": [[*row, by_organisation.get(row[0], [])] for row in organisations]}, default=str
    ).encode()


def summary(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def main() -> None:
    fresh_database(URL, ENV)
    secret = seed()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "crm.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=ENV,
    )  # fmt: skip
    try:
        time.sleep(3)
        measure(api_call(secret), 1, 10)  # warm up
        print(f"{ORGANISATIONS} organisations x {CONTACTS_EACH} contacts, pages of {PAGE_SIZE} with contacts embedded")
        print("| concurrency | API median | API p95 | baseline median | baseline p95 | API / baseline (median) |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for concurrency, requests in REQUESTS.items():
            api_median, api_p95 = summary(measure(api_call(secret), concurrency, requests))
            raw_median, raw_p95 = summary(measure(baseline_call, concurrency, requests))
            print(
                f"| {concurrency} | {api_median:.1f} ms | {api_p95:.1f} ms | {raw_median:.1f} ms | {raw_p95:.1f} ms "
                f"| {api_median / raw_median:.2f} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
