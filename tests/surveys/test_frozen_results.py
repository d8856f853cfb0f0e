"""Results frozen at close: the figures stored in the close's transaction are the ones computed live, the pages,
CSV and API read them at a fixed cost, and open answers come a page at a time, still hidden under the minimum."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.models import FrozenResults, OpenAnswerPosition
from surveys.results import round_results_read
from surveys.selectors import question_trends, round_figures, round_results
from surveys.services import survey_round_close
from tests.api.clients import token_client
from tests.factories import InvitationFactory, SurveyRoundFactory
from tests.surveys.test_results import JUDICIARY, MUNICIPALITY, NGO, grade_of, respond

pytestmark = pytest.mark.django_db


def close(survey_round):
    survey_round_close(survey_round=survey_round, now=timezone.now())
    survey_round.refresh_from_db()
    return survey_round


@pytest.fixture
def survey_round():
    """13 responses (6 NGOs, 5 municipalities, 2 from the judiciary) of 20 invitations, closed by the service."""
    survey_round = SurveyRoundFactory(min_group_size=5, status="open")
    for grade in (6, 7, 7, 8, 8, 9):
        respond(survey_round, NGO, grade, wishes="Meer overleg")
    for grade in (5, 6, 7, 8, 9):
        respond(survey_round, MUNICIPALITY, grade)
    for grade in (10, 10):
        respond(survey_round, JUDICIARY, grade)
    for answered in [True] * 13 + [False] * 7:
        InvitationFactory(round=survey_round, answered_on=timezone.localdate() if answered else None)
    return close(survey_round)


def test_the_close_stores_the_figures_the_live_computation_gives(survey_round):
    stored = FrozenResults.objects.get(round=survey_round)
    assert stored.figures == round_figures(survey_round=survey_round)
    grade = grade_of(round_results_read(survey_round=survey_round))
    assert (grade.overall.n, grade.overall.mean, grade.overall.sd) == (13, 7.69, 1.55)
    assert grade.distribution == [("1", 0), ("2", 0), ("3", 0), ("4", 0), ("5", 1), ("6", 2), ("7", 3), ("8", 3),
                                  ("9", 2), ("10", 2)]  # fmt: skip


def test_the_stored_figures_read_the_same_as_the_live_ones_suppression_included(survey_round):
    def shown(results):
        return [
            (q.question.code, q.overall, q.distribution, q.breakdowns, q.open_answer_count, q.trend)
            for q in results.questions
        ]

    live, stored = (
        round_results(survey_round=survey_round, with_trends=True),
        round_results_read(survey_round=survey_round),
    )
    assert shown(stored) == shown(live)
    assert (stored.invitations, stored.answered, stored.responses, stored.response_rate) == (20, 13, 13, 0.65)
    kinds = {cell.label: cell for cell in grade_of(stored).breakdowns["organisation_kind"]}
    # The close generalised the judiciary's two and then the municipalities' five into "not stated".
    assert (kinds["ngo"].n, kinds["ngo"].mean, kinds["niet vermeld"].n, kinds["niet vermeld"].mean) == (6, 7.5, 7, 7.86)
    assert kinds["rechtspraak"].n == kinds["gemeente"].n == 0


def test_the_page_csv_and_api_read_the_stored_figures(client, researcher, reader, survey_round):
    frozen = FrozenResults.objects.get(round=survey_round)
    grade = next(question for question in frozen.figures["questions"] if question["code"] == "overall_grade")
    grade["overall"]["mean"] = 4.21
    frozen.save()

    client.force_login(researcher)
    assert "gemiddelde 4,2," in client.get(f"/enquetes/{survey_round.pk}/resultaten/").content.decode()
    rows = list(csv.reader(io.StringIO(client.get(f"/enquetes/{survey_round.pk}/resultaten.csv").content.decode()),
                           delimiter=";"))  # fmt: skip
    assert any(row[0] == "overall_grade" and "4,21" in row for row in rows)
    results = token_client(reader, read_only=True).get(f"/api/v1/enquete-rondes/{survey_round.pk}/resultaten").json()
    assert next(q for q in results["vragen"] if q["code"] == "overall_grade")["totaal"]["gemiddelde"] == 4.21


def test_the_results_page_of_a_closed_round_costs_the_same_few_queries_for_few_and_many_responses(client, researcher):
    client.force_login(researcher)
    client.get("/")

    def queries_for(count):
        survey_round = SurveyRoundFactory(status="open")
        for index in range(count):
            respond(survey_round, NGO, 1 + index % 10, wishes=f"Antwoord {index}")
        close(survey_round)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/enquetes/{survey_round.pk}/resultaten/").status_code == 200
        assert not any("AVG(" in query["sql"] or "STDDEV" in query["sql"] for query in queries.captured_queries)
        return len(queries)

    few, many = queries_for(5), queries_for(120)
    assert few == many <= 15


def test_open_answers_come_fifty_a_page_in_one_order_drawn_at_the_close(client, researcher, reader):
    survey_round = SurveyRoundFactory(min_group_size=5, status="open")
    for index in range(120):
        respond(survey_round, NGO, 7, wishes=f"Antwoord {index}")
    close(survey_round)

    wishes = next(q for q in round_results_read(survey_round=survey_round).questions if q.question.code == "wishes")
    assert (wishes.open_answer_count, wishes.open_answer_pages, len(wishes.open_answers)) == (120, 3, 50)
    api = token_client(reader, read_only=True)
    pages = [api.get(f"/api/v1/enquete-rondes/{survey_round.pk}/open-antwoorden/wishes?pagina={n}") for n in (1, 2, 3)]
    answers = [answer for page in pages for answer in page.json()["antwoorden"]]
    assert [len(page.json()["antwoorden"]) for page in pages] == [50, 50, 20]
    assert {key: pages[2].json()[key] for key in ("vraag", "aantal", "pagina", "paginas")} == {
        "vraag": "wishes", "aantal": 120, "pagina": 3, "paginas": 3,
    }  # fmt: skip
    assert sorted(answers) == sorted(f"Antwoord {index}" for index in range(120))
    assert pages[0].json()["antwoorden"] == wishes.open_answers
    assert api.get(f"/api/v1/enquete-rondes/{survey_round.pk}/open-antwoorden/wishes?pagina=4").status_code == 404
    assert api.get(f"/api/v1/enquete-rondes/{survey_round.pk}/open-antwoorden/wishes?pagina=x").status_code == 400
    results = api.get(f"/api/v1/enquete-rondes/{survey_round.pk}/resultaten").json()
    listed = next(q for q in results["vragen"] if q["code"] == "wishes")
    assert (listed["soort"], listed["aantalOpenAntwoorden"], len(listed["openAntwoorden"])) == ("openTekst", 120, 50)

    client.force_login(researcher)
    page = client.get(f"/enquetes/{survey_round.pk}/resultaten/?pagina-wishes=3").content.decode()
    assert page.count("<li>Antwoord ") == 20


def test_open_answers_of_a_question_under_the_minimum_stay_hidden_on_every_page(reader, survey_round):
    wishes = survey_round.questionnaire.questions.get(code="wishes")
    few = SurveyRoundFactory(min_group_size=5, status="open", questionnaire=survey_round.questionnaire)
    for index in range(8):
        respond(few, NGO, 7, wishes="Naam van een collega" if index < 2 else "")
    close(few)

    assert not OpenAnswerPosition.objects.filter(round=few).exists()
    page = token_client(reader, read_only=True).get(f"/api/v1/enquete-rondes/{few.pk}/open-antwoorden/wishes")
    assert page.json() == {"vraag": "wishes", "aantal": 0, "pagina": 1, "paginas": 0, "antwoorden": []}
    result = next(q for q in round_results_read(survey_round=few).questions if q.question == wishes)
    assert result.overall.suppressed and result.open_answers == []


def test_a_round_under_the_minimum_stores_nothing_to_show():
    survey_round = SurveyRoundFactory(min_group_size=5, status="open")
    for grade in (6, 7, 8, 9):
        respond(survey_round, NGO, grade, wishes="Herkenbaar verhaal")
    results = round_results_read(survey_round=close(survey_round))
    assert results.suppressed and all(q.overall.suppressed and not q.open_answers for q in results.questions)
    assert not OpenAnswerPosition.objects.filter(round=survey_round).exists()


def test_an_open_round_shows_its_progress_and_stores_nothing():
    survey_round = SurveyRoundFactory(min_group_size=5, status="open")
    for grade in (6, 7, 8, 9, 10, 10):
        respond(survey_round, NGO, grade, wishes="Nog open")
    results = round_results_read(survey_round=survey_round)
    assert (results.published, results.suppressed) == (False, True)
    assert all(q.overall.suppressed and not q.open_answers for q in results.questions)
    assert not FrozenResults.objects.filter(round=survey_round).exists()


def test_the_trend_is_read_from_the_stored_figures_of_every_closed_round(survey_round):
    earlier = SurveyRoundFactory(min_group_size=5, status="open", opens_at=survey_round.opens_at.replace(year=2025),
                                 closes_at=survey_round.opens_at.replace(year=2025, month=12))  # fmt: skip
    for grade in (7, 7, 7, 7, 8):
        respond(earlier, NGO, grade)
    close(earlier)
    trend = grade_of(round_results_read(survey_round=survey_round)).trend
    assert [(cell.label, cell.n, cell.mean) for cell in trend] == [
        (earlier.name, 5, 7.2),
        (survey_round.name, 13, 7.69),
    ]
    assert trend == question_trends(codes=["overall_grade"])["overall_grade"]


def test_a_round_closed_before_figures_were_stored_gets_them_on_first_read_or_from_the_command():
    rounds = []
    for _ in range(2):
        survey_round = SurveyRoundFactory(min_group_size=5, status="closed")
        for grade in (6, 7, 8, 9, 10):
            respond(survey_round, NGO, grade, wishes="Eerder gesloten")
        rounds.append(survey_round)

    assert grade_of(round_results_read(survey_round=rounds[0])).overall.mean == 8.0
    assert FrozenResults.objects.filter(round=rounds[0]).exists()
    call_command("survey_results_freeze", stdout=io.StringIO())
    assert FrozenResults.objects.get(round=rounds[1]).figures == round_figures(survey_round=rounds[1])
    assert OpenAnswerPosition.objects.filter(round=rounds[1]).count() == 5
