"""The time to compute the results of a survey round with 5,000 responses of 15 answers each.

    .venv/bin/python benchmarks/surveys.py

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_survey_benchmark;
it is dropped and created again), a questionnaire of 15 questions (a grade, 12 Likert items, a choice and an open
question) and a round with 5,000 responses spread over the kinds, levels and scopes, then times `round_results`
(every figure, breakdown and suppression of the round) and the trends of its 13 numeric questions, five times each.
Write the figures to docs/performance.md.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

from database import fresh_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCHMARK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crm_survey_benchmark")
RESPONSES = 5_000
RUNS = 5


def seed():
    from django.utils import timezone

    from stakeholders.models import ContactLevel, OrganisationKind, Scope
    from surveys.models import Answer, Question, Questionnaire, Response, SurveyRound

    rng = random.Random(5)
    questionnaire = Questionnaire.objects.create(name="Benchmark")
    kinds = ["grade"] + ["likert"] * 12 + ["choice", "text"]
    choices = [{"value": "a", "nl": "A", "en": "A"}, {"value": "b", "nl": "B", "en": "B"}]
    questions = Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=n, code=f"q{n}", kind=kind, text_nl=f"Vraag {n}",
                 text_en=f"Question {n}", choices=choices)
        for n, kind in enumerate(kinds, start=1)
    )  # fmt: skip
    survey_round = SurveyRound.objects.create(
        name="Benchmark", questionnaire=questionnaire, status="closed",
        opens_at=timezone.now() - timezone.timedelta(days=30), closes_at=timezone.now(),
    )  # fmt: skip
    responses = [
        Response(round=survey_round,
                 organisation_kind=rng.choice(OrganisationKind.values), organisation_scope=rng.choice(Scope.values),
                 respondent_level=rng.choice(ContactLevel.values))
        for _ in range(RESPONSES)
    ]  # fmt: skip
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response in responses:
        for question in questions:
            if question.kind == "grade":
                answers.append(Answer(response=response, question=question, number=rng.randint(1, 10)))
            elif question.kind == "likert":
                answers.append(Answer(response=response, question=question, number=rng.randint(1, 5)))
            else:
                answers.append(Answer(response=response, question=question, text=rng.choice(["a", "b"])))
    Answer.objects.bulk_create(answers, batch_size=5000)
    return survey_round


def main() -> None:
    env = {**os.environ, "DATABASE_URL": URL, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    fresh_database(URL, env)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.selectors import question_trends, round_results

    survey_round = seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as queries:
        round_results(survey_round=survey_round)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        round_results(survey_round=survey_round)
        timings.append(time.perf_counter() - start)
    trends = []
    for _ in range(RUNS):
        start = time.perf_counter()
        question_trends(codes=[f"q{n}" for n in range(1, 14)])
        trends.append(time.perf_counter() - start)
    print(f"{RESPONSES:,} responses x 15 answers; round_results in {len(queries)} queries")
    print(f"round_results: median {statistics.median(timings) * 1000:.0f} ms (min {min(timings) * 1000:.0f})")
    print(f"question_trends (13 codes): median {statistics.median(trends) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
