"""The results page and CSV in the reader's language: one decimal for grades, headers and values alike."""

import csv
import io

import pytest
from django.utils import timezone

from surveys.models import Answer, Response
from tests.factories import InvitationFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


def closed_round(grades: list[int]):
    survey_round = SurveyRoundFactory(min_group_size=5, status="closed")
    grade_question = survey_round.questionnaire.questions.get(code="overall_grade")
    for grade in grades:
        response = Response.objects.create(
            round=survey_round, organisation_kind="ngo", respondent_level="policy", organisation_scope="local"
        )
        Answer.objects.create(response=response, question=grade_question, number=grade)
        InvitationFactory(round=survey_round, answered_on=timezone.localdate())
    return survey_round


def results_page(client, researcher, survey_round, language: str) -> str:
    client.force_login(researcher)
    return client.get(f"/enquetes/{survey_round.pk}/resultaten/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def results_csv(client, researcher, survey_round, language: str) -> list[list[str]]:
    client.force_login(researcher)
    response = client.get(f"/enquetes/{survey_round.pk}/resultaten.csv", HTTP_ACCEPT_LANGUAGE=language)
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nl", "gemiddelde 7,0, standaardafwijking 0,7"), ("en", "mean 7.0, standard deviation 0.7")],
)
def test_grades_show_one_decimal_with_the_languages_separator(client, researcher, language, shown):
    survey_round = closed_round([6, 7, 7, 7, 8])  # mean 7, standard deviation 0.71

    page = results_page(client, researcher, survey_round, language)

    assert shown in page
    assert "0,71" not in page and "0.71" not in page


def test_a_standard_deviation_of_zero_shows_as_zero(client, researcher):
    survey_round = closed_round([8, 8, 8, 8, 8])

    page = results_page(client, researcher, survey_round, "nl")

    assert "gemiddelde 8,0, standaardafwijking 0,0" in page
    assert '<td class="utrecht-table__cell">0,0</td>' in page


@pytest.mark.parametrize(
    ("language", "headers", "group", "mean"),
    [
        ("nl", ["vraag", "tekst", "uitsplitsing", "groep", "n", "gemiddelde", "standaardafwijking", "verborgen"],
         ["soort organisatie", "ngo"], "7,6"),
        ("en", ["question", "text", "breakdown", "group", "n", "mean", "standard deviation", "hidden"],
         ["kind of organisation", "NGO"], "7.6"),
    ],
)  # fmt: skip
def test_the_results_csv_speaks_the_readers_language(client, researcher, language, headers, group, mean):
    survey_round = closed_round([6, 7, 8, 8, 9])

    rows = results_csv(client, researcher, survey_round, language)

    assert rows[0] == headers
    overall = next(row for row in rows if row[0] == "overall_grade" and row[2] == "")
    assert overall[5] == mean
    ngos = next(row for row in rows if row[0] == "overall_grade" and row[2:4] == group)
    assert ngos[4:] == ["5", mean, overall[6], ""]
