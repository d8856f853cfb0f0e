"""The research workspace's pages: a researcher sets up a round, chooses its contacts with the contact list's filters,
schedules, reminds and closes it; a coordinator follows it read-only; a liaison officer and a reader change nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail.models import OutboxMessage
from surveys.forms import RoundSetupForm
from surveys.models import FrozenResults, Invitation, RoundStatus, SurveyRound
from surveys.selectors import target_filter_names
from surveys.services import ROUND_SETUP_FIELDS, response_submit, survey_rounds_advance
from surveys.workspace import target_filter_names_by_field
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
    SurveyRoundFactory,
    TagFactory,
    questionnaire_with_questions,
)
from tests.security.payloads import HOSTILE
from tests.security.test_hostile_input import post_each_hostile_value, quiet
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db

# The contact list's filters, by the field each reads: their query parameter names may change.
KIND = target_filter_names_by_field()["organisation__kind"]
LEVEL = target_filter_names_by_field()["level"]
LABEL = target_filter_names_by_field()["organisation__tags__name"]


def client_of(user) -> SignedInClient:
    client = SignedInClient()
    client.force_login(user)
    return client


def moment(days: float) -> str:
    """A moment `days` from now as the browser's date-and-time field sends it."""
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def setup_form(questionnaire=None, **changes) -> dict:
    return {
        "name": "Partnerpeiling najaar",
        "questionnaire": questionnaire or questionnaire_with_questions().pk,
        "opens_at": moment(1),
        "closes_at": moment(30),
        "reminder_after_days": "7",
        "max_reminders": "2",
        "min_group_size": "5",
    } | changes


def draft(**fields) -> SurveyRound:
    return SurveyRoundFactory(status=RoundStatus.DRAFT, **fields)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Setting a round up ---------------------------------------------------------------------------------------------------


def test_a_researcher_creates_a_draft_round_and_goes_on_to_choose_its_contacts(researcher):
    response = client_of(researcher).post("/enquetes/nieuw/", setup_form())

    survey_round = SurveyRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/enquetes/{survey_round.pk}/doelgroep/"
    assert (survey_round.name, survey_round.status, survey_round.created_by) == (
        "Partnerpeiling najaar", RoundStatus.DRAFT, researcher
    )  # fmt: skip
    assert (survey_round.reminder_after_days, survey_round.max_reminders, survey_round.min_group_size) == (7, 2, 5)
    assert survey_round.target_filter == {}
    assert not Invitation.objects.exists()


def test_a_round_that_closes_before_it_opens_is_refused_beside_the_field_in_dutch_and_nothing_is_written(researcher):
    response = client_of(researcher).post(
        "/enquetes/nieuw/", setup_form(opens_at=moment(10), closes_at=moment(5), min_group_size="1")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["closes_at"] == ["Een ronde moet sluiten nadat hij opent."]
    assert "min_group_size" in form.errors
    assert 'id="id_closes_at_error"' in response.content.decode()
    assert not SurveyRound.objects.exists()


def test_an_empty_form_names_every_missing_field_and_writes_nothing(researcher):
    response = client_of(researcher).post("/enquetes/nieuw/", dict.fromkeys(setup_form(), ""))

    assert response.status_code == 200
    assert {"name", "questionnaire", "opens_at", "closes_at"} <= set(response.context["form"].errors)
    assert "error-summary" in response.content.decode()
    assert not SurveyRound.objects.exists()


def test_a_researcher_edits_a_draft(researcher):
    survey_round = draft(target_filter={KIND: "ngo"})

    response = client_of(researcher).post(
        f"/enquetes/{survey_round.pk}/bewerken/",
        setup_form(name="Partnerpeiling 2027", questionnaire=survey_round.questionnaire_id, max_reminders="3"),
    )

    assert response.status_code == 302
    survey_round.refresh_from_db()
    assert (survey_round.name, survey_round.max_reminders) == ("Partnerpeiling 2027", 3)
    assert survey_round.target_filter == {KIND: "ngo"}, "the set-up form leaves the target alone"


@pytest.mark.parametrize("status", [RoundStatus.SCHEDULED, RoundStatus.OPEN, RoundStatus.CLOSED])
def test_a_round_that_is_no_longer_a_draft_cannot_be_edited_or_retargeted(researcher, status):
    survey_round = SurveyRoundFactory(status=status, target_filter={KIND: "ngo"})
    client = client_of(researcher)

    for url in (f"/enquetes/{survey_round.pk}/bewerken/", f"/enquetes/{survey_round.pk}/doelgroep/"):
        assert client.get(url)["Location"] == f"/enquetes/{survey_round.pk}/"
    client.post(f"/enquetes/{survey_round.pk}/bewerken/", setup_form(questionnaire=survey_round.questionnaire_id))
    client.post(f"/enquetes/{survey_round.pk}/doelgroep/", {KIND: "gemeente"})

    unchanged = SurveyRound.objects.get(pk=survey_round.pk)
    assert (unchanged.name, unchanged.target_filter, unchanged.status) == (survey_round.name, {KIND: "ngo"}, status)


# Choosing the contacts ------------------------------------------------------------------------------------------------


@pytest.fixture
def network():
    """Three NGO contacts who may be invited, and four contacts a round never invites or that the filter leaves out."""
    ngo = OrganisationFactory(kind="ngo")
    invitable = ContactFactory.create_batch(3, organisation=ngo)
    ContactFactory(organisation=ngo, mail_opted_out_at=timezone.now())
    ContactFactory(organisation=ngo, is_active=False)
    ContactFactory(organisation=ngo, email="")
    ContactFactory(organisation=OrganisationFactory(kind="municipality"))
    return invitable


def test_the_target_page_opens_on_the_round_s_current_filters(researcher):
    survey_round = draft(target_filter={KIND: "ngo"})

    response = client_of(researcher).get(f"/enquetes/{survey_round.pk}/doelgroep/")

    assert response.status_code == 302
    assert response["Location"] == f"/enquetes/{survey_round.pk}/doelgroep/?{KIND}=ngo"


def test_the_preview_counts_and_lists_only_the_invitable_contacts_the_filters_select(researcher, network):
    survey_round = draft()

    response = client_of(researcher).get(f"/enquetes/{survey_round.pk}/doelgroep/", {KIND: "ngo"})

    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 3
    assert {contact.pk for contact in page} == {contact.pk for contact in network}
    content = response.content.decode()
    assert "3 contactpersonen zouden worden uitgenodigd" in content
    assert all(contact.full_name in content for contact in network)
    assert response.context["chosen"] == {KIND: "ngo"}


def test_the_previewed_contacts_are_exactly_the_ones_invited_when_the_round_opens(researcher, network):
    survey_round = draft(opens_at=timezone.now() + timedelta(hours=1), closes_at=timezone.now() + timedelta(days=9))
    client = client_of(researcher)
    preview = client.get(f"/enquetes/{survey_round.pk}/doelgroep/", {KIND: "ngo", LEVEL: "operationeel"})
    previewed = {contact.pk for contact in preview.context["page"]}

    saved = client.post(f"/enquetes/{survey_round.pk}/doelgroep/", preview.context["chosen"])
    scheduled = client.post(f"/enquetes/{survey_round.pk}/inplannen/")
    survey_rounds_advance(now=timezone.now() + timedelta(hours=2))

    assert saved["Location"] == scheduled["Location"] == f"/enquetes/{survey_round.pk}/"
    survey_round.refresh_from_db()
    assert survey_round.target_filter == {KIND: "ngo", LEVEL: "operationeel"}
    assert survey_round.status == RoundStatus.OPEN
    invited = set(Invitation.objects.filter(round=survey_round).values_list("contact_id", flat=True))
    assert invited == previewed and len(invited) == preview.context["page"].paginator.count == 3
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == 3


def test_a_refused_filter_value_shows_beside_its_field_and_leaves_the_target_as_it_was(researcher, network):
    survey_round = draft(target_filter={KIND: "ngo"})
    client = client_of(researcher)

    response = client.post(f"/enquetes/{survey_round.pk}/doelgroep/", {KIND: "nonsense"}, follow=True)

    assert response.redirect_chain[0][0] == f"/enquetes/{survey_round.pk}/doelgroep/?{KIND}=nonsense"
    assert KIND in response.context["filter"].form.errors
    assert response.context["chosen"] is None, "no filters to save while one is refused"
    assert SurveyRound.objects.get(pk=survey_round.pk).target_filter == {KIND: "ngo"}


def test_clearing_the_filters_selects_every_invitable_contact(researcher, network):
    survey_round = draft(target_filter={KIND: "ngo"})
    client = client_of(researcher)
    clear_url = client.get(f"/enquetes/{survey_round.pk}/doelgroep/", follow=True).context["clear_url"]

    response = client.get(clear_url)

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4  # the three NGO contacts and the municipality's
    assert response.context["chosen"] == {}


# Scheduling, progress, reminders and closing --------------------------------------------------------------------------


def test_a_researcher_schedules_a_draft(researcher):
    survey_round = draft()

    response = client_of(researcher).post(f"/enquetes/{survey_round.pk}/inplannen/", follow=True)

    assert SurveyRound.objects.get(pk=survey_round.pk).status == RoundStatus.SCHEDULED
    assert messages_of(response) == ["De ronde is ingepland; de uitnodigingen gaan uit zodra hij opent."]


@pytest.fixture
def open_round():
    """An open round of four invitations: one answered, one waiting for a reminder, one invited just now and one
    that had every reminder."""
    survey_round = SurveyRoundFactory(status=RoundStatus.OPEN, min_group_size=2, max_reminders=2)
    long_ago = timezone.now() - timedelta(days=3)
    answered, waiting, fresh, done = InvitationFactory.create_batch(4, round=survey_round)
    Invitation.objects.filter(pk__in=[answered.pk, waiting.pk, done.pk]).update(invited_at=long_ago)
    Invitation.objects.filter(pk=done.pk).update(reminders_sent=2, last_reminded_at=long_ago)
    response_submit(invitation=answered, answers={})
    return survey_round, {"answered": answered, "waiting": waiting, "fresh": fresh, "done": done}


def test_the_round_page_shows_its_progress_and_no_answer(researcher, open_round):
    survey_round, invitations = open_round

    response = client_of(researcher).get(f"/enquetes/{survey_round.pk}/")

    progress = response.context["progress"]
    assert (progress.invited, progress.answered, progress.started, progress.reminders) == (4, 1, 0, 2)
    assert [(row.label, row.invited, row.answered) for row in progress.segments["soort organisatie"]] == [("ngo", 4, 1)]
    content = response.content.decode()
    assert "Herinneringen nu versturen" in content and "Nu sluiten" in content


def test_sending_reminders_now_reminds_only_who_waited_and_a_second_press_sends_nothing(researcher, open_round):
    survey_round, invitations = open_round
    client = client_of(researcher)

    first = client.post(f"/enquetes/{survey_round.pk}/herinneren/", follow=True)
    second = client.post(f"/enquetes/{survey_round.pk}/herinneren/", follow=True)

    reminders = OutboxMessage.objects.filter(kind="survey_reminder")
    assert list(reminders.values_list("idempotency_key", flat=True)) == [
        f"survey-reminder:{invitations['waiting'].pk}:1"
    ]
    assert Invitation.objects.get(pk=invitations["waiting"].pk).reminders_sent == 1
    assert messages_of(first) == ["1 herinnering is onderweg."]
    assert "Nu niemand om te herinneren" in messages_of(second)[0]


def test_closing_now_asks_first_then_closes_the_round_with_its_results(researcher, open_round):
    survey_round, _invitations = open_round
    client = client_of(researcher)

    confirm = client.get(f"/enquetes/{survey_round.pk}/sluiten/")
    assert confirm.status_code == 200
    assert SurveyRound.objects.get(pk=survey_round.pk).status == RoundStatus.OPEN

    response = client.post(f"/enquetes/{survey_round.pk}/sluiten/")

    closed = SurveyRound.objects.get(pk=survey_round.pk)
    assert response["Location"] == f"/enquetes/{survey_round.pk}/"
    assert closed.status == RoundStatus.CLOSED
    assert closed.closes_at <= timezone.now()
    assert FrozenResults.objects.filter(round=closed).exists()
    assert client.get(f"/enquetes/{survey_round.pk}/resultaten/").status_code == 200


@pytest.mark.parametrize("action", ["herinneren", "sluiten"])
def test_a_draft_is_neither_reminded_nor_closed(researcher, action):
    survey_round = draft()

    response = client_of(researcher).post(f"/enquetes/{survey_round.pk}/{action}/", follow=True)

    assert SurveyRound.objects.get(pk=survey_round.pk).status == RoundStatus.DRAFT
    assert response.context["messages"]
    assert not OutboxMessage.objects.exists()


# Who may do what ------------------------------------------------------------------------------------------------------

WRITES = [
    ("get", "/enquetes/nieuw/"),
    ("post", "/enquetes/nieuw/"),
    ("get", "/enquetes/{draft}/bewerken/"),
    ("post", "/enquetes/{draft}/bewerken/"),
    ("get", "/enquetes/{draft}/doelgroep/"),
    ("post", "/enquetes/{draft}/doelgroep/"),
    ("post", "/enquetes/{draft}/inplannen/"),
    ("post", "/enquetes/{open}/herinneren/"),
    ("get", "/enquetes/{open}/sluiten/"),
    ("post", "/enquetes/{open}/sluiten/"),
]


@pytest.mark.parametrize("role", ["coordinator", "liaison_officer", "reader"])
@pytest.mark.parametrize(("method", "url"), WRITES)
def test_only_a_researcher_changes_rounds_the_other_roles_are_refused_and_nothing_changes(
    request, role, method, url, open_round
):
    survey_round, _invitations = open_round
    waiting = draft(target_filter={KIND: "ngo"})
    before = list(SurveyRound.objects.order_by("pk").values())

    response = getattr(client_of(request.getfixturevalue(role)), method)(
        url.format(draft=waiting.pk, open=survey_round.pk), setup_form() | {KIND: "gemeente"}
    )

    assert response.status_code == 403
    assert list(SurveyRound.objects.order_by("pk").values()) == before
    assert not OutboxMessage.objects.filter(kind="survey_reminder").exists()


def test_a_coordinator_follows_a_round_read_only_with_its_people(coordinator, open_round):
    survey_round, invitations = open_round
    client = client_of(coordinator)

    listed = client.get("/enquetes/")
    detail = client.get(f"/enquetes/{survey_round.pk}/")

    assert listed.status_code == detail.status_code == 200
    assert "/enquetes/nieuw/" not in listed.content.decode()
    content = detail.content.decode()
    assert invitations["waiting"].contact.full_name in content
    assert "herinneren" not in content and "sluiten" not in content and "bewerken" not in content


@pytest.mark.parametrize("role", ["liaison_officer", "reader"])
def test_an_officer_or_reader_sees_a_round_s_progress_but_not_whom_it_invited(request, role, open_round):
    survey_round, invitations = open_round

    response = client_of(request.getfixturevalue(role)).get(f"/enquetes/{survey_round.pk}/")

    assert response.status_code == 200
    assert response.context["progress"].invited == 4
    assert invitations["waiting"].contact.full_name not in response.content.decode()


def test_the_navigation_leads_a_researcher_to_the_rounds_and_a_new_one(researcher):
    client = client_of(researcher)

    assert 'href="/enquetes/"' in client.get("/").content.decode()
    assert 'href="/enquetes/nieuw/"' in client.get("/enquetes/").content.decode()


# Query counts ---------------------------------------------------------------------------------------------------------


def queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, data).status_code == 200
    return len(captured)


def test_the_round_list_costs_the_same_queries_for_two_rounds_or_twenty(researcher):
    client = client_of(researcher)

    def add(count):
        for survey_round in SurveyRoundFactory.create_batch(count):
            InvitationFactory.create_batch(2, round=survey_round)

    add(2)
    client.get("/enquetes/")  # a first call caches the user's permissions
    two = queries(client, "/enquetes/")
    add(18)
    assert queries(client, "/enquetes/") == two


def test_a_round_s_page_with_its_progress_costs_the_same_queries_for_two_invitations_or_twenty(researcher):
    client = client_of(researcher)
    survey_round = SurveyRoundFactory()
    url = f"/enquetes/{survey_round.pk}/"
    InvitationFactory.create_batch(2, round=survey_round)
    client.get(url)
    two = queries(client, url)
    InvitationFactory.create_batch(18, round=survey_round, contact__organisation__kind="municipality")
    assert queries(client, url) == two


def test_the_target_preview_costs_the_same_queries_for_two_contacts_or_twenty(researcher, liaison_officer):
    client = client_of(researcher)
    survey_round = draft()
    tag = TagFactory(name="Opvang")

    def add(count):
        for contact in ContactFactory.create_batch(count, organisation__owner=liaison_officer):
            contact.organisation.tags.add(tag)

    url = f"/enquetes/{survey_round.pk}/doelgroep/"
    add(2)
    client.get(url, {KIND: "ngo"})
    two = queries(client, url, {KIND: "ngo", LABEL: "Opvang"})
    add(18)
    assert queries(client, url, {KIND: "ngo", LABEL: "Opvang"}) == two


# Hostile input --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ROUND_SETUP_FIELDS)
def test_a_hostile_value_in_the_round_form_is_refused_beside_the_field_or_saved_as_text(researcher, field):
    questionnaire = questionnaire_with_questions().pk
    wrong = post_each_hostile_value(
        client_of(researcher),
        "/enquetes/nieuw/",
        lambda **changes: setup_form(**({"questionnaire": questionnaire} | changes)),
        field,
        form_class=RoundSetupForm,
        written=[SurveyRound],
        error_shown=lambda context, name: name in context["form"].errors,
    )
    assert not wrong


@pytest.mark.parametrize("name", target_filter_names())
def test_a_hostile_filter_value_on_the_target_page_is_shown_or_refused_never_saved_as_a_crash(researcher, name):
    survey_round = draft(target_filter={KIND: "ngo"})
    client = quiet(client_of(researcher))
    url = f"/enquetes/{survey_round.pk}/doelgroep/"
    wrong = {}
    for label, value in HOSTILE.items():
        shown = client.get(url, {name: value})
        saved = client.post(url, {name: value})
        if shown.status_code != 200 or saved.status_code != 302:
            wrong[label] = (shown.status_code, saved.status_code)
    assert not wrong
    stored = SurveyRound.objects.get(pk=survey_round.pk).target_filter
    assert stored == {KIND: "ngo"} or set(stored) == {name}, "a value is refused, or saved as the one filter sent"
