"""The steering figures at 100,000 organisations and 400,000 interactions: the selector, the page and the API.

    .venv/bin/python benchmarks/steering.py [--organisations 100000] [--interactions 400000]

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_steering_benchmark;
it is dropped and created again) with the organisations spread over the seven kinds, three scopes and 60 liaison
officers (one in fifty without one, one in ten archived), two contact persons each at varying levels, the
interactions over the last two years with a sentiment on most, a follow-up action on every fourth, and two closed
survey rounds of 1,000 responses each with their figures frozen; all inserted with a few SQL statements. It times
the selector, the page (Django's test client: middleware, view, queries, template) and the API, five times each, as
a coordinator, and prints the median and the query count of each. Write the figures to docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg
from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_steering_benchmark")
OFFICERS = 60
RESPONSES = 1_000
RUNS = 5
KINDS = ["ngo", "municipality", "judiciary", "private_partner", "government", "international", "other"]
SCOPES = ["local", "national", "international"]
LEVELS = ["operational", "policy", "executive"]


def seed(organisations: int, interactions: int) -> None:
    from accounts import roles
    from tests.factories import UserFactory

    officers = [UserFactory(username=f"officer{n}", role=roles.LIAISON_OFFICERS) for n in range(OFFICERS)]
    UserFactory(username="coordinator", role=roles.COORDINATORS)
    values = {
        "ids": [officer.pk for officer in officers],
        "officers": OFFICERS,
        "organisations": organisations,
        "interactions": interactions,
        "kinds": KINDS,
        "scopes": SCOPES,
        "levels": LEVELS,
    }
    with psycopg.connect(URL, autocommit=True) as connection:
        connection.execute(
            """
            INSERT INTO stakeholders_organisation (name, short_name, kind, scope, kvk_number, cbs_municipality_code,
                country, street_address, postal_code, city, website, email, phone, owner_id, influence, interest,
                status, notes, last_contact_on, next_contact_due_on, created_at, updated_at)
            SELECT 'Organisatie ' || n, '', (%(kinds)s::text[])[1 + n %% 7], (%(scopes)s::text[])[1 + n %% 3], '',
                '', 'NL', '', '', '', '', '', '',
                CASE WHEN n %% 50 = 0 THEN NULL ELSE (%(ids)s::bigint[])[1 + n %% %(officers)s] END, 3, 3,
                CASE WHEN n %% 10 = 0 THEN 'archived' ELSE 'active' END, '',
                CASE WHEN n %% 9 = 0 THEN NULL ELSE current_date - (n * 7919 %% 700)::int END,
                current_date + (n * 7919 %% 730 - 365)::int, now(), now()
            FROM generate_series(1::bigint, %(organisations)s) AS n
            """,
            values,
        )
        first = connection.execute("SELECT min(id) FROM stakeholders_organisation").fetchone()[0]
        values["first"] = first
        connection.execute(
            """
            INSERT INTO stakeholders_contact (organisation_id, first_name, name_prefix, last_name, job_title, level,
                email, phone, preferred_language, is_active, notes, created_at, updated_at)
            SELECT %(first)s + n %% %(organisations)s, 'Test', '', 'Persoon ' || n, '',
                (%(levels)s::text[])[1 + (n * 31) %% 3], '', '', 'nl', n %% 20 <> 0, '', now(), now()
            FROM generate_series(0::bigint, 2 * %(organisations)s - 1) AS n
            """,
            values,
        )
        connection.execute(
            """
            INSERT INTO stakeholders_interaction (organisation_id, channel, occurred_at, subject, notes, sentiment,
                confidential, created_at, updated_at)
            SELECT %(first)s + (n * 7919) %% %(organisations)s, 'meeting',
                now() - make_interval(hours => ((n * 104729) %% (2 * 365 * 24))::int), 'Overleg ' || n, '',
                CASE WHEN n %% 4 = 0 THEN NULL ELSE (n %% 5 - 2)::smallint END, n %% 7 = 0, now(), now()
            FROM generate_series(1::bigint, %(interactions)s) AS n
            """,
            values,
        )
        connection.execute(
            """
            INSERT INTO stakeholders_followupaction (interaction_id, description, due_on, done_at, created_at,
                updated_at)
            SELECT id, 'Vervolg', occurred_at::date + 14,
                CASE WHEN id % 3 = 0 THEN NULL ELSE occurred_at + make_interval(days => (id % 20)::int) END,
                now(), now()
            FROM stakeholders_interaction WHERE id % 4 = 0
            """
        )
        connection.execute("ANALYZE")


def closed_rounds() -> None:
    from django.utils import timezone

    from surveys.models import Answer, Response
    from surveys.results import round_results_freeze
    from tests.factories import SurveyRoundFactory, questionnaire_with_questions

    questionnaire = questionnaire_with_questions()
    for age in (400, 30):
        closes_at = timezone.now() - timedelta(days=age)
        survey_round = SurveyRoundFactory(
            questionnaire=questionnaire, status="closed", opens_at=closes_at - timedelta(days=30), closes_at=closes_at
        )
        responses = Response.objects.bulk_create(
            Response(round=survey_round, organisation_kind=KINDS[n % 7], organisation_scope=SCOPES[n % 3],
                     respondent_level=LEVELS[n % 2])
            for n in range(RESPONSES)
        )  # fmt: skip
        grade, reliability = (
            questionnaire.questions.get(code="overall_grade"),
            questionnaire.questions.get(code="reliability"),
        )
        Answer.objects.bulk_create(
            [Answer(response=response, question=grade, number=1 + n * 7 % 10) for n, response in enumerate(responses)]
            + [
                Answer(response=response, question=reliability, number=1 + n % 5)
                for n, response in enumerate(responses)
            ]
        )
        round_results_freeze(survey_round=survey_round)


def counting(queries: list):
    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper


def measure(name: str, call) -> None:
    from django.db import connection

    queries: list[str] = []
    with connection.execute_wrapper(counting(queries)):
        call()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    print(f"| {name} | {statistics.median(timings) * 1000:.0f} ms | {min(timings) * 1000:.0f} ms | {len(queries)} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=400_000)
    sizes = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": URL, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    fresh_database(URL, env)
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from steering.selectors import steering_figures
    from tests.sessions import SignedInClient

    seed(sizes.organisations, sizes.interactions)
    closed_rounds()
    client = SignedInClient()  # a coordinator confirms the login with a second factor
    client.force_login(get_user_model().objects.get(username="coordinator"))

    def get(url: str):
        return lambda: client.get(url).status_code == 200 or sys.exit(f"{url} did not answer 200")

    print(f"{sizes.organisations:,} organisations, {sizes.interactions:,} interactions, {OFFICERS} officers")
    print("| what | median | min | queries |\n| --- | ---: | ---: | ---: |")
    measure("selector (steering_figures), last 12 months", steering_figures)
    measure("page /sturing/", get("/sturing/"))
    measure("API /api/v1/sturing", get("/api/v1/sturing"))
    measure("page, a period of five years", get("/sturing/?van=2022-01-01&tot=2026-12-31"))


if __name__ == "__main__":
    main()
