"""The services of a round's set-up and its end, and admin, which saves and acts through the same services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mail.models import OutboxMessage
from surveys.admin import target_filter_help
from surveys.models import FrozenResults, Invitation, RoundStatus, SurveyRound
from surveys.selectors import target_filter_names
from surveys.services import (
    response_submit,
    survey_reminders_send,
    survey_round_close_early,
    survey_round_remind,
    survey_round_target_set,
    survey_round_update,
)
from surveys.workspace import target_filter_names_by_field
from tests.factories import InvitationFactory, SurveyRoundFactory, questionnaire_with_questions

pytestmark = pytest.mark.django_db

KIND = target_filter_names_by_field()["organisation__kind"]


def test_a_round_s_target_may_use_the_contact_list_s_filters_of_who_a_contact_is_and_nothing_else():
    assert len(target_filter_names()) == 6  # kind, scope, label, liaison officer, level, language
    survey_round = SurveyRoundFactory(status=RoundStatus.DRAFT)

    for refused in ({"sort": "lastName"}, {KIND: "nonsense"}, ["not", "filters"]):
        with pytest.raises(ValidationError) as error:
            survey_round_target_set(survey_round=survey_round, target_filter=refused)
        assert "target_filter" in error.value.error_dict

    assert SurveyRound.objects.get(pk=survey_round.pk).target_filter == {}


def test_a_scheduled_round_s_set_up_cannot_change():
    survey_round = SurveyRoundFactory(status=RoundStatus.SCHEDULED, name="Voorjaar")
    survey_round.name = "Najaar"

    with pytest.raises(ValidationError):
        survey_round_update(survey_round=survey_round)

    assert SurveyRound.objects.get(pk=survey_round.pk).name == "Voorjaar"


def test_after_reminding_now_the_reminder_job_waits_the_round_s_days_again():
    survey_round = SurveyRoundFactory(reminder_after_days=7)
    invitation = InvitationFactory(round=survey_round)
    Invitation.objects.filter(pk=invitation.pk).update(invited_at=timezone.now() - timedelta(days=8))

    assert survey_round_remind(survey_round=survey_round) == 1
    assert survey_reminders_send() == 0
    assert survey_reminders_send(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert Invitation.objects.get(pk=invitation.pk).reminders_sent == 2


def test_a_round_that_passed_its_closing_moment_sends_no_reminders_now():
    survey_round = SurveyRoundFactory(closes_at=timezone.now() + timedelta(hours=1))
    InvitationFactory(round=survey_round)

    with pytest.raises(ValidationError):
        survey_round_remind(survey_round=survey_round, now=timezone.now() + timedelta(hours=2))
    assert not OutboxMessage.objects.filter(kind="survey_reminder").exists()


def test_closing_early_ends_the_links_moves_the_ballots_and_refuses_later_answers():
    survey_round = SurveyRoundFactory(min_group_size=2)
    first, second = InvitationFactory.create_batch(2, round=survey_round)
    response_submit(invitation=first, answers={})

    closed = survey_round_close_early(survey_round=survey_round)

    assert closed.status == RoundStatus.CLOSED and closed.closes_at <= timezone.now()
    assert FrozenResults.objects.get(round=closed).figures["answered"] == 1
    assert survey_round.responses.count() == 1, "the waiting ballot moved into the results"
    with pytest.raises(ValidationError):
        response_submit(invitation=second, answers={})
    with pytest.raises(ValidationError):
        survey_round_close_early(survey_round=closed)


# Admin ---------------------------------------------------------------------------------------------------------------


def test_admin_s_target_field_names_every_allowed_key():
    help_text = target_filter_help()

    assert all(f"{name} (" in help_text for name in target_filter_names())
    assert "ngo" in help_text


def test_admin_adds_a_round_as_a_draft_through_the_service(admin_client, superuser):
    questionnaire = questionnaire_with_questions()
    opens_at = timezone.localtime(timezone.now() + timedelta(days=1))
    closes_at = opens_at + timedelta(days=14)

    response = admin_client.post("/admin/surveys/surveyround/add/", {
        "name": "Partnerpeiling", "questionnaire": questionnaire.pk,
        "opens_at_0": opens_at.date().isoformat(), "opens_at_1": "09:00",
        "closes_at_0": closes_at.date().isoformat(), "closes_at_1": "17:00",
        "target_filter": f'{{"{KIND}": "ngo"}}', "reminder_after_days": "7", "max_reminders": "2",
        "min_group_size": "5",
    })  # fmt: skip

    assert response.status_code == 302, response.context["adminform"].form.errors
    survey_round = SurveyRound.objects.get()
    assert (survey_round.status, survey_round.created_by, survey_round.target_filter) == (
        RoundStatus.DRAFT, superuser, {KIND: "ngo"}
    )  # fmt: skip


def test_admin_shows_a_scheduled_round_read_only(admin_client):
    survey_round = SurveyRoundFactory(status=RoundStatus.SCHEDULED)

    response = admin_client.get(f"/admin/surveys/surveyround/{survey_round.pk}/change/")

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert admin_client.post(f"/admin/surveys/surveyround/{survey_round.pk}/change/", {}).status_code == 403


def test_admin_reminds_and_closes_through_the_services(admin_client):
    survey_round = SurveyRoundFactory(min_group_size=2)
    invitation = InvitationFactory(round=survey_round)
    Invitation.objects.filter(pk=invitation.pk).update(invited_at=timezone.now() - timedelta(days=2))
    changelist = "/admin/surveys/surveyround/"

    admin_client.post(changelist, {"action": "remind", "_selected_action": [survey_round.pk]})
    admin_client.post(changelist, {"action": "close_early", "_selected_action": [survey_round.pk]})

    assert OutboxMessage.objects.filter(idempotency_key=f"survey-reminder:{invitation.pk}:1").exists()
    closed = SurveyRound.objects.get(pk=survey_round.pk)
    assert closed.status == RoundStatus.CLOSED
    assert FrozenResults.objects.filter(round=closed).exists()
