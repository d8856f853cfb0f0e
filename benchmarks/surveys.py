"""The results of a survey round with 5,000 and with 50,000 responses of 15 answers each: computed live (what every
view cost before), computed and stored at the close, and read back as the pages, CSV and API read them.

    .venv/bin/python benchmarks/surveys.py

Makes a fresh database (BENCHMARK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/crm_survey_benchmark;
it is dropped and created again), a questionnaire of 15 questions (a grade, 12 Likert items, a choice and an open
question) and per size an open round with that many responses spread over the kinds, levels and scopes, then times
the close (`survey_round_close`: generalising the segments and storing the figures), `round_results_freeze` alone,
the live `round_results` (every figure, breakdown, suppression and every open answer), `round_results_read` (the
stored figures, the trends and the first page of open answers) and the last page of open answers.
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
SIZES = (5_000, 50_000)
RUNS = 5


def seed(responses_count: int):
    from django.utils import timezone

    from stakeholders.models import ContactLevel, OrganisationKind, Scope
    from surveys.models import Answer, Question, Questionnaire, Response, SurveyRound

    rng = random.Random(5)
    questionnaire, _created = Questionnaire.objects.get_or_create(name="Benchmark")
    kinds = ["grade"] + ["likert"] * 12 + ["choice", "text"]
    choices = [{"value": "a", "nl": "A", "en": "A"}, {"value": "b", "nl": "B", "en": "B"}]
    questions = list(questionnaire.questions.all()) or Question.objects.bulk_create(
        Question(questionnaire=questionnaire, position=n, code=f"q{n}", kind=kind, text_nl=f"Vraag {n}",
                 text_en=f"Question {n}", choices=choices)
        for n, kind in enumerate(kinds, start=1)
    )  # fmt: skip
    survey_round = SurveyRound.objects.create(
        name=f"Benchmark {responses_count}", questionnaire=questionnaire, status="open",
        opens_at=timezone.now() - timezone.timedelta(days=30), closes_at=timezone.now(),
    )  # fmt: skip
    responses = [
        Response(round=survey_round,
                 organisation_kind=rng.choice(OrganisationKind.values), organisation_scope=rng.choice(Scope.values),
                 respondent_level=rng.choice(ContactLevel.values))
        for _ in range(responses_count)
    ]  # fmt: skip
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = []
    for response in responses:
        for question in questions:
            if question.kind == "grade":
                answers.append(Answer(response=response, question=question, number=rng.randint(1, 10)))
            elif question.kind == "likert":
                answers.append(Answer(response=response, question=question, number=rng.randint(1, 5)))
            elif question.kind == "choice":
                answers.append(Answer(response=response, question=question, text=rng.choice(["a", "b"])))
            else:
                answers.append(Answer(response=response, question=question, text=f"Open antwoord {rng.random()}"))
    Answer.objects.bulk_create(answers, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        # Statistics for the fresh rows, as autovacuum keeps them for answers that come in over weeks: without them
        # the planner takes the grouped scans for tiny tables (3.2 s instead of 0.7 s for the figures at 50,000).
        cursor.execute("ANALYZE")
    return survey_round


def main() -> None:
    env = {**os.environ, "DATABASE_URL": URL, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "crm.settings"}
    fresh_database(URL, env)
    os.environ.update(env)
    import django

    django.setup()

    def timed(function, runs=RUNS):
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            function()
            timings.append(time.perf_counter() - start)
        return f"median {statistics.median(timings) * 1000:.1f} ms (min {min(timings) * 1000:.1f}, {runs} runs)"

    for size in SIZES:
        measure(seed(size), size, timed)


def measure(survey_round, size, timed) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from surveys.results import round_open_answers, round_results_freeze, round_results_read
    from surveys.selectors import round_results
    from surveys.services import survey_round_close

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    start = time.perf_counter()
    survey_round_close(survey_round=survey_round, now=timezone.now())
    close = time.perf_counter() - start
    survey_round.refresh_from_db()
    wishes = survey_round.questionnaire.questions.get(code="q15")
    last = -(-size // 50)
    print(f"{size:,} responses x 15 answers")
    print(f"  close (move, generalise, compute and store): {close * 1000:.0f} ms")
    print(f"  round_results_freeze alone: {timed(lambda: round_results_freeze(survey_round=survey_round), 3)}")
    live = timed(lambda: round_results(survey_round=survey_round, with_trends=True), 3)
    print(f"  round_results live (before: every view): {live}")
    with CaptureQueriesContext(connection) as queries:
        round_results_read(survey_round=survey_round)
    read = timed(lambda: round_results_read(survey_round=survey_round), 20)
    print(f"  round_results_read ({len(queries)} queries): {read}")
    page = timed(lambda: round_open_answers(survey_round=survey_round, question_id=wishes.pk, page=last), 20)
    print(f"  open answers, page {last}: {page}")


if __name__ == "__main__":
    main()
