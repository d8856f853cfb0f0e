"""The time the web UI's pages take to render, on the demo data of 20,000 organisations.

    .venv/bin/python benchmarks/web.py

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_web_benchmark; it
is dropped and created again), seeds it with `seed_demo --organisations 20000`, gives one liaison officer exactly
200 organisations, and requests each page through Django's test client (the whole stack but the HTTP server:
middleware, views, queries, templates) ten times, as that officer. Prints the median and the query count of each.
Write the figures to docs/performance.md.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_web_benchmark")
ORGANISATIONS = 20_000
OFFICER_ORGANISATIONS = 200
RUNS = 10


def counting(queries: list):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def main() -> None:
    env = {**os.environ, "DATABASE_URL": URL, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    fresh_database(URL, env)
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo", f"--organisations={ORGANISATIONS}"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from stakeholders.models import Organisation

    officer = get_user_model().objects.filter(groups__name="Liaison officers").order_by("username").first()
    others = Organisation.objects.exclude(owner=officer).values("id")
    Organisation.objects.filter(owner=officer).update(owner=None)
    Organisation.objects.filter(id__in=others[:OFFICER_ORGANISATIONS]).update(owner=officer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    organisation = Organisation.objects.filter(owner=officer).order_by("-last_contact_on").first()
    client = Client()
    client.force_login(officer)
    pages = {
        f"dashboard ({OFFICER_ORGANISATIONS} organisations)": "/",
        "organisation list, page 1": "/organisaties/",
        "organisation list, search 'gemeente', overdue": "/organisaties/?zoek=gemeente&contactplanning=teLaat",
        "organisation page": f"/organisaties/{organisation.pk}/",
        "log-a-contact form": f"/organisaties/{organisation.pk}/contact-vastleggen/",
        "contact list, page 1": "/contactpersonen/",
        f"stakeholder map (all {ORGANISATIONS:,})": "/kaart/",
        "stakeholder map, municipalities": "/kaart/?soort=gemeente",
    }
    print(f"{ORGANISATIONS:,} organisations; as {officer.username} with {OFFICER_ORGANISATIONS} of them")
    print("| page | median | queries |\n| --- | ---: | ---: |")
    for name, url in pages.items():
        queries = []
        with connection.execute_wrapper(counting(queries)):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - start)
        print(f"| {name} | {statistics.median(timings) * 1000:.0f} ms | {len(queries)} |")


if __name__ == "__main__":
    main()
