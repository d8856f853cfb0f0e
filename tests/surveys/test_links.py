"""The personal link: once, then a session at an address without the token; the same page for every dead link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.ballot import ballot_box_empty
from surveys.models import Answer, Ballot, Invitation, InvitationToken, Response, SurveyRound
from surveys.services import survey_rounds_advance
from tests.factories import ContactFactory, InvitationFactory
from tests.surveys.helpers import answer_form, personal_link

pytestmark = pytest.mark.django_db


def without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@pytest.fixture(autouse=True)
def fresh_throttle(settings):
    from django.core.cache import cache

    cache.clear()


def test_opening_the_link_only_asks_so_a_mail_scanner_does_not_use_it_up(client):
    link = personal_link(InvitationFactory())
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert Invitation.objects.get().link_used_on is None


def test_the_link_is_exchanged_for_a_session_and_the_token_leaves_the_address(client):
    invitation = InvitationFactory()
    link = personal_link(invitation)

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/s/"
    assert response["Referrer-Policy"] == "same-origin"
    form = client.get("/s/")
    assert form.status_code == 200
    assert link.split("/")[2] not in form.content.decode()
    assert form["Referrer-Policy"] == "same-origin"
    assert Invitation.objects.get().link_used_on == timezone.localdate()


def test_a_used_an_unknown_and_an_expired_link_get_the_same_page(client):
    used = personal_link(InvitationFactory())
    client.post(used)
    expired_invitation = InvitationFactory()
    expired = personal_link(expired_invitation)
    expired_invitation.round.closes_at = timezone.now() - timedelta(minutes=1)
    expired_invitation.round.opens_at = timezone.now() - timedelta(days=2)
    expired_invitation.round.save()

    pages = [client.post(link) for link in (used, "/s/ditbestaatniet/", expired)]
    pages += [client.get(link) for link in (used, "/s/ditbestaatniet/", expired)]

    assert {page.status_code for page in pages} == {404}
    assert len({without_csrf_token(page.content.decode()) for page in pages}) == 1
    assert "no longer works" in pages[0].content.decode() or "werkt niet meer" in pages[0].content.decode()


def test_closing_the_round_kills_its_links(client):
    invitation = InvitationFactory()
    link = personal_link(invitation)
    invitation.round.closes_at = timezone.now() - timedelta(seconds=1)
    invitation.round.opens_at = timezone.now() - timedelta(days=2)
    invitation.round.save()

    assert survey_rounds_advance()["closed"] == 1
    assert not InvitationToken.objects.exists()
    assert client.post(link).status_code == 404


def test_link_attempts_are_throttled_per_client(client, settings):
    settings.SURVEY_LINK_ATTEMPTS_PER_MINUTE = 3
    statuses = [client.get(f"/s/guess{n}/").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_form_is_in_the_invitees_language_and_refuses_incomplete_answers_without_saving(client):
    invitation = InvitationFactory(contact=ContactFactory(preferred_language="en"))
    client.post(personal_link(invitation))

    response = client.post("/s/", answer_form(reliability="4"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Overall grade" in page and 'lang="en"' in page
    assert 'id="q_overall_grade-error"' in page and 'aria-describedby="q_overall_grade-error"' in page
    assert not Ballot.objects.exists() and not Response.objects.exists() and not Answer.objects.exists()
    assert Invitation.objects.get().answered_on is None


def test_answers_can_be_saved_and_resumed_then_sent_once(client):
    invitation = InvitationFactory()
    client.post(personal_link(invitation))
    client.post("/s/", {"q_overall_grade": "8", "q_wishes": "Meer overleg", "save": ""})
    assert not Ballot.objects.exists()

    resumed = client.get("/s/").content.decode()
    assert "Meer overleg" in resumed
    assert re.search(r'value="8"[^>]* checked', resumed)

    done = client.post("/s/", answer_form(overall_grade="8", reliability="4", directing_role="right", wishes="Meer"))
    assert done.status_code == 302 and done["Location"] == "/s/bedankt/"
    assert client.get("/s/bedankt/").status_code == 200
    assert Ballot.objects.count() == 1 and not Response.objects.exists(), "the answers wait in the ballot box"
    assert Invitation.objects.get().answered_on == timezone.localdate()
    assert client.get("/s/").status_code == 404, "the session ends with the submission"
    invitation.round.closes_at = timezone.now() - timedelta(seconds=1)
    invitation.round.save()
    survey_rounds_advance()
    assert not Ballot.objects.exists()
    response = Response.objects.get()
    assert sorted((answer.question.code, answer.number, answer.text) for answer in response.answers.all()) == [
        ("directing_role", None, "right"), ("overall_grade", 8, ""), ("reliability", 4, ""), ("wishes", None, "Meer"),
    ]  # fmt: skip


def test_a_researcher_enters_an_interview_that_counts_only_on_the_round(client, researcher):
    invitation = InvitationFactory()
    client.force_login(researcher)

    response = client.post(f"/enquetes/uitnodigingen/{invitation.pk}/interview/", answer_form(overall_grade="6"))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_on is not None
    assert invitation.round.interview_responses == 1
    assert not Response.objects.exists(), "not before the ballot job moves it"
    assert ballot_box_empty() == 0, "under the round's minimum group size the ballots wait for more"
    SurveyRound.objects.filter(pk=invitation.round_id).update(min_group_size=2)
    second = InvitationFactory(round=invitation.round)
    client.post(f"/enquetes/uitnodigingen/{second.pk}/interview/", answer_form(overall_grade="9"))
    assert ballot_box_empty() == 2
    assert not Ballot.objects.exists()
    assert sorted(Answer.objects.values_list("number", flat=True)) == [6, 9]


def test_only_researchers_enter_interviews(client, liaison_officer):
    invitation = InvitationFactory()
    client.force_login(liaison_officer)
    response = client.post(f"/enquetes/uitnodigingen/{invitation.pk}/interview/", answer_form(overall_grade="6"))
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_admin_refuses_a_target_the_contact_filters_do_not_understand(admin_client):
    from surveys.models import Questionnaire, SurveyRound

    questionnaire = Questionnaire.objects.get(name="Reputatieonderzoek partners")
    response = admin_client.post(
        "/admin/surveys/surveyround/add/",
        {
            "name": "Ronde met tikfout",
            "questionnaire": questionnaire.pk,
            "opens_at_0": "2026-12-01",
            "opens_at_1": "09:00",
            "closes_at_0": "2026-12-31",
            "closes_at_1": "17:00",
            "target_filter": '{"soort": "gemeenten"}',
            "reminder_after_days": 7,
            "max_reminders": 2,
            "min_group_size": 5,
        },
    )
    assert response.status_code == 200
    assert "gemeenten" in response.content.decode()
    assert not SurveyRound.objects.filter(name="Ronde met tikfout").exists()
