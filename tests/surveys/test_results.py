"""Results against figures computed by hand, with every small group suppressed, also where subtraction would tell."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.models import Answer, Response
from surveys.selectors import question_trends, round_results
from tests.api.clients import token_client
from tests.factories import ContactFactory, InvitationFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db

NGO = ("ngo", "operational", "local")
MUNICIPALITY = ("municipality", "policy", "national")
JUDICIARY = ("judiciary", "executive", "national")


def respond(survey_round, segment, grade, *, wishes=""):
    kind, level, scope = segment
    response = Response.objects.create(
        round=survey_round,
        organisation_kind=kind,
        respondent_level=level,
        organisation_scope=scope,
    )
    questions = {question.code: question for question in survey_round.questionnaire.questions.all()}
    Answer.objects.create(response=response, question=questions["overall_grade"], number=grade)
    if wishes:
        Answer.objects.create(response=response, question=questions["wishes"], text=wishes)


@pytest.fixture
def survey_round():
    """13 responses: 6 NGOs (grades 6,7,7,8,8,9), 5 municipalities (5–9), 2 from the judiciary (10, 10)."""
    survey_round = SurveyRoundFactory(min_group_size=5, status="closed")
    for grade in (6, 7, 7, 8, 8, 9):
        respond(survey_round, NGO, grade, wishes="Meer overleg")
    for grade in (5, 6, 7, 8, 9):
        respond(survey_round, MUNICIPALITY, grade)
    for grade in (10, 10):
        respond(survey_round, JUDICIARY, grade)
    for answered in [True] * 13 + [False] * 7:
        InvitationFactory(round=survey_round, answered_on=timezone.localdate() if answered else None)
    return survey_round


def grade_of(results):
    return next(result for result in results.questions if result.question.code == "overall_grade")


def test_the_overall_figures_are_the_hand_computed_ones(survey_round):
    results = round_results(survey_round=survey_round)
    grade = grade_of(results)
    assert (grade.overall.n, grade.overall.mean, grade.overall.sd) == (13, 7.69, 1.55)
    assert grade.distribution == [("1", 0), ("2", 0), ("3", 0), ("4", 0), ("5", 1), ("6", 2), ("7", 3), ("8", 3),
                                  ("9", 2), ("10", 2)]  # fmt: skip
    assert (results.invitations, results.answered, results.responses, results.response_rate) == (20, 13, 13, 0.65)


def test_a_small_group_is_hidden_and_so_is_the_next_smallest_so_subtraction_tells_nothing(survey_round):
    kinds = {
        cell.label: cell for cell in grade_of(round_results(survey_round=survey_round)).breakdowns["organisation_kind"]
    }
    assert (kinds["ngo"].n, kinds["ngo"].mean, kinds["ngo"].sd, kinds["ngo"].suppressed) == (6, 7.5, 1.05, False)
    assert kinds["rechtspraak"].suppressed and kinds["rechtspraak"].mean is None
    assert kinds["gemeente"].suppressed and kinds["gemeente"].mean is None, "else the total minus the NGOs gives it"
    assert kinds["overig"].n == 0 and not kinds["overig"].suppressed


def test_groups_large_enough_on_their_own_are_all_shown(survey_round):
    scopes = {
        cell.label: cell for cell in grade_of(round_results(survey_round=survey_round)).breakdowns["organisation_scope"]
    }
    assert (scopes["lokaal"].n, scopes["lokaal"].mean) == (6, 7.5)
    assert (scopes["landelijk"].n, scopes["landelijk"].mean) == (7, 7.86)


def test_a_round_under_the_minimum_shows_nothing_not_even_open_answers():
    survey_round = SurveyRoundFactory(min_group_size=5, status="closed")
    for grade in (6, 7, 8, 9):
        respond(survey_round, NGO, grade, wishes="Herkenbaar verhaal")
    results = round_results(survey_round=survey_round)
    assert results.suppressed
    assert all(result.overall.suppressed and not result.distribution for result in results.questions)
    assert all(not result.open_answers for result in results.questions)


def test_open_answers_are_shown_for_a_large_enough_round(survey_round):
    wishes = next(
        result for result in round_results(survey_round=survey_round).questions if result.question.code == "wishes"
    )
    assert wishes.open_answers == ["Meer overleg"] * 6


def test_the_trend_follows_a_question_code_across_rounds(survey_round):
    earlier = SurveyRoundFactory(min_group_size=5, status="closed", opens_at=survey_round.opens_at.replace(year=2025),
                                 closes_at=survey_round.opens_at.replace(year=2025, month=12))  # fmt: skip
    for grade in (7, 7, 7, 7, 8):
        respond(earlier, NGO, grade)
    trend = question_trends(codes=["overall_grade"])["overall_grade"]
    assert [(cell.label, cell.n, cell.mean) for cell in trend] == [
        (earlier.name, 5, 7.2),
        (survey_round.name, 13, 7.69),
    ]


def test_results_cost_the_same_queries_for_few_and_many_responses():
    def queries_for(count):
        survey_round = SurveyRoundFactory(status="closed")
        for index in range(count):
            respond(survey_round, NGO, 1 + index % 10, wishes="x")
        with CaptureQueriesContext(connection) as queries:
            round_results(survey_round=survey_round, with_trends=True)
        return len(queries)

    assert queries_for(5) == queries_for(50)


def test_the_results_page_shows_charts_with_tables_and_hides_small_groups(client, researcher, survey_round):
    client.force_login(researcher)
    page = client.get(f"/enquetes/{survey_round.pk}/resultaten/").content.decode()
    assert page.count("<svg") >= 1 and "<table class=" in page
    assert "gemiddelde 7,7, standaardafwijking 1,6" in page
    assert "10.0" not in page and "10,0" not in page, "the judiciary's mean of 10 never shows"


def test_the_csv_export_has_the_same_suppressed_figures(client, researcher, survey_round):
    client.force_login(researcher)
    response = client.get(f"/enquetes/{survey_round.pk}/resultaten.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert response["Content-Type"].startswith("text/csv")
    assert any(row[0] == "overall_grade" and "7,69" in row for row in rows)
    judiciary = next(row for row in rows if "rechtspraak" in ";".join(row) and row[0] == "overall_grade")
    assert judiciary[-4:] == ["", "", "", "ja"]


def test_people_without_a_survey_role_get_403_on_results(client, outsider, survey_round):
    client.force_login(outsider)
    assert client.get(f"/enquetes/{survey_round.pk}/resultaten/").status_code == 403


def test_the_api_lists_rounds_and_gives_their_results(reader, survey_round):
    api = token_client(reader, read_only=True)
    listing = api.get("/api/v1/enquete-rondes")
    assert listing.status_code == 200
    (listed,) = listing.json()["resultaten"]
    assert (listed["status"], listed["aantalRespondenten"]) == ("gesloten", 13)
    assert api.get("/api/v1/enquete-rondes?status=gesloten").json()["aantal"] == 1
    assert api.get("/api/v1/enquete-rondes?status=open").json()["aantal"] == 0
    results = api.get(f"/api/v1/enquete-rondes/{survey_round.pk}/resultaten").json()
    grade = next(question for question in results["vragen"] if question["code"] == "overall_grade")
    assert grade["soort"] == "rapportcijfer"
    assert grade["totaal"] == {"groep": grade["totaal"]["groep"], "n": 13, "gemiddelde": 7.69,
                               "standaardafwijking": 1.55, "onderdrukt": False}  # fmt: skip
    kinds = next(breakdown for breakdown in grade["uitsplitsingen"] if breakdown["dimensie"] == "organisatiesoort")
    judiciary = next(group for group in kinds["groepen"] if group["groep"] == "rechtspraak")
    assert judiciary == {"groep": "rechtspraak", "n": None, "gemiddelde": None, "standaardafwijking": None,
                         "onderdrukt": True}  # fmt: skip
    assert results["responspercentage"] == 0.65


def test_the_api_refuses_rounds_to_a_user_without_a_survey_role(outsider, survey_round):
    assert token_client(outsider, read_only=True).get("/api/v1/enquete-rondes").status_code == 403


def test_contacts_are_targeted_with_the_contact_list_filters():
    from surveys.selectors import round_targets

    municipal = ContactFactory(organisation__kind="municipality")
    ContactFactory(organisation__kind="ngo")
    ContactFactory(organisation__kind="municipality", mail_opted_out_at=timezone.now())
    survey_round = SurveyRoundFactory(target_filter={"soort": "gemeente"})
    assert list(round_targets(survey_round=survey_round)) == [municipal]


def test_an_open_round_shows_its_progress_but_no_figures(survey_round):
    survey_round.status = "open"
    survey_round.save()
    results = round_results(survey_round=survey_round)
    assert (results.responses, results.published, results.suppressed) == (13, False, True)
    assert all(result.overall.suppressed and not result.open_answers for result in results.questions)
    assert [cell.label for cell in question_trends(codes=["overall_grade"])["overall_grade"]] == []


def test_open_answers_of_a_question_with_few_answers_are_hidden_even_in_a_large_round(survey_round):
    wishes = survey_round.questionnaire.questions.get(code="wishes")
    Answer.objects.filter(question=wishes).exclude(
        pk__in=Answer.objects.filter(question=wishes).values("pk")[:2]
    ).delete()
    result = next(result for result in round_results(survey_round=survey_round).questions if result.question == wishes)
    assert result.overall.suppressed and result.open_answers == []


def test_the_daily_job_generalises_a_round_closed_before_the_rule_into_a_not_stated_group(survey_round):
    from surveys.ballot import ballot_box_empty

    ballot_box_empty()

    stored = Response.objects.filter(round=survey_round).values_list(
        "organisation_kind", "respondent_level", "organisation_scope"
    )
    assert sorted(set(stored)) == [("", "", ""), NGO]
    kinds = {
        cell.label: cell for cell in grade_of(round_results(survey_round=survey_round)).breakdowns["organisation_kind"]
    }
    assert (kinds["ngo"].n, kinds["niet vermeld"].n, kinds["niet vermeld"].mean) == (6, 7, 7.86)
    assert kinds["rechtspraak"].n == kinds["gemeente"].n == 0
