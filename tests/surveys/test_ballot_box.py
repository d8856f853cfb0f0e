"""The attacker with the database: someone who reads it, a backup of it or its logs after the respondents answered
cannot tie a response to the invitation it came with (the sealed ballot box, surveys/ballot.py)."""

import logging
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from privacy.models import AccessRecord
from surveys.ballot import ballot_box_empty
from surveys.models import Ballot, Invitation, Response
from surveys.selectors import round_results
from surveys.services import survey_rounds_advance
from tests.factories import ContactFactory, InteractionFactory, InvitationFactory, SurveyRoundFactory
from tests.surveys.helpers import answer_form, personal_link

pytestmark = pytest.mark.django_db(transaction=True)

K = 4
# 20 respondents by segment (kind, level, scope); the order in which they answer is known to the attacker.
SEGMENTS = (
    [("ngo", "operational", "local")] * 8
    + [("municipality", "policy", "national")] * 5
    + [("municipality", "policy", "local")] * 3
    + [("judiciary", "executive", "national")] * 2
    + [("ngo", "policy", "local"), ("government", "executive", "international")]
)
# The segments shared by at least K respondents, which the close leaves as they are.
COMMON_SEGMENTS = {("ngo", "operational", "local"), ("municipality", "policy", "national")}
ANSWERING_ORDER = [7, 13, 0, 19, 8, 2, 16, 11, 4, 18, 1, 9, 14, 6, 17, 3, 10, 15, 5, 12]


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def xmin_of_invitation(invitation: Invitation) -> str:
    return sql("SELECT xmin::text FROM surveys_invitation WHERE id = %s", [invitation.pk])[0][0]


def respondent_of(response_rows: list[tuple]) -> list[int]:
    """The respondents, by their place in the answering order, of response rows whose last column is their open
    answer ("antwoord 07": the 8th to answer)."""
    return [int(text.split()[1]) for *_, text in response_rows]


@pytest.fixture
def invitations(settings):
    settings.SURVEY_LINK_ATTEMPTS_PER_MINUTE = 10_000
    survey_round = SurveyRoundFactory(min_group_size=K)
    yield [
        InvitationFactory(
            round=survey_round,
            contact=ContactFactory(organisation__kind=kind, organisation__scope=scope, level=level),
        )
        for kind, level, scope in SEGMENTS
    ]
    # The link attempts counted for this client address would throttle the next test's respondents.
    cache.clear()


def answer(invitation: Invitation, place: int) -> None:
    respondent = Client()
    assert respondent.post(personal_link(invitation)).status_code == 302
    done = respondent.post(
        "/s/", answer_form(overall_grade=str(1 + place % 10), reliability="4", directing_role="right",
                           wishes=f"antwoord {place:02d}"),
    )  # fmt: skip
    assert done.status_code == 302


def test_nothing_in_the_database_ties_a_response_to_the_invitation_it_came_with(invitations):
    survey_round = invitations[0].round
    moments_before = {row[0]: row[1:] for row in sql("SELECT id, invited_at, last_reminded_at FROM surveys_invitation")}
    answered_xmins = []
    for place, index in enumerate(ANSWERING_ORDER):
        answer(invitations[index], place)
        answered_xmins.append(xmin_of_invitation(invitations[index]))
        InteractionFactory()  # other writes in between, as in real life
        if place == 9:
            assert ballot_box_empty() == 10, "the daily job moves the first ten"
    survey_round.closes_at = timezone.now() - timedelta(seconds=1)
    survey_round.save()
    assert survey_rounds_advance()["closed"] == 1, "the close moves the other ten"

    assert not Ballot.objects.exists()
    # One row per response with its open answer, which tells the attacker (and this test) who gave it.
    rows = "FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id WHERE a.text LIKE 'antwoord %%'"
    responses = sql(f"SELECT r.xmin::text, a.xmin::text, r.id, a.text {rows}")  # noqa: S608
    assert len(responses) == 20

    # xmin: no response or answer row was written in the transaction that marked an invitation answered.
    written_in = {response_xmin for response_xmin, *_ in responses} | {answer_xmin for _, answer_xmin, *_ in responses}
    assert not written_in & set(answered_xmins)
    # What an xmin does tell: the batch a response moved in (respondents 0-9 by the daily job, 10-19 at the close),
    # or that its segment was generalised at the close; each of these groups holds at least K responses.
    first, second = set(range(10)), set(range(10, 20))
    generalised = {place for place, index in enumerate(ANSWERING_ORDER) if SEGMENTS[index] not in COMMON_SEGMENTS}
    groups: dict[str, set[int]] = {}
    for response_xmin, _, _, text in responses:
        groups.setdefault(response_xmin, set()).add(int(text.split()[1]))
    assert sorted(groups.values(), key=min) == sorted([first - generalised, second - generalised, generalised], key=min)
    assert min(len(group) for group in groups.values()) >= K

    # Physical order and id order: neither follows the answering order (nor its reverse), not even within a batch.
    for order in ("r.ctid", "r.id", "a.ctid", "a.id"):
        found = respondent_of(sql(f"SELECT r.xmin::text, a.text {rows} ORDER BY {order}"))  # noqa: S608
        assert found != sorted(found) and found != sorted(found, reverse=True), order
        for batch in (first, second):
            in_batch = [place for place in found if place in batch]
            assert in_batch != sorted(in_batch) and in_batch != sorted(in_batch, reverse=True), order

    # Moments: the responses have none; an invitation keeps only the day, the same day for all, and its other
    # moments (invited, reminded) did not move when it was answered.
    for table in ("surveys_response", "surveys_answer", "surveys_ballot"):
        kinds = {kind for (kind,) in sql("SELECT data_type FROM information_schema.columns WHERE table_name = %s",
                                          [table])}  # fmt: skip
        assert not {kind for kind in kinds if "time" in kind or "date" in kind}, table
    assert sql("SELECT DISTINCT answered_on, link_used_on FROM surveys_invitation") == [(timezone.localdate(),) * 2]
    assert {row[0]: row[1:] for row in sql("SELECT id, invited_at, last_reminded_at FROM surveys_invitation")} == (
        moments_before
    )

    # Record-level k-anonymity: no stored segment is shared by fewer than K responses.
    segments = sql(
        "SELECT organisation_kind, respondent_level, organisation_scope, count(*) FROM surveys_response "
        "WHERE round_id = %s GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1",
        [survey_round.pk],
    )
    assert segments == [("ngo", "operational", "local", 8), ("", "", "", 7), ("municipality", "policy", "national", 5)]

    results = round_results(survey_round=Response.objects.first().round)
    grade = next(result for result in results.questions if result.question.code == "overall_grade")
    assert (results.published, results.responses, grade.overall.n) == (True, 20, 20)


def test_a_dump_of_an_open_round_holds_sealed_ballots_that_say_nothing_and_look_alike(invitations):
    for place, invitation in enumerate(invitations[:3]):
        answer(invitation, place)

    sealed = [bytes(value) for (value,) in sql("SELECT sealed FROM surveys_ballot")]
    assert len(sealed) == 3
    assert not any(b"antwoord" in value or b"ngo" in value or b"overall" in value for value in sealed)
    assert len({len(value) for value in sealed}) == 1, "padded to the same size"
    assert not Response.objects.exists(), "nothing reaches the results before the job moves it"
    assert ballot_box_empty() == 0, f"three ballots wait: under the round's minimum of {K}"
    assert Ballot.objects.count() == 3


def test_answering_writes_no_security_log_line_and_no_access_record(invitations):
    lines = []
    handler = logging.Handler()
    handler.emit = lines.append
    security = logging.getLogger("crm.security")
    security.addHandler(handler)
    try:
        answer(invitations[0], 0)
    finally:
        security.removeHandler(handler)

    assert Invitation.objects.filter(answered_on__isnull=False).count() == 1
    assert lines == []
    assert not AccessRecord.objects.exists()
