"""A small network whose every steering figure is computed by hand in the tests.

Active organisations (today is the day the test runs; the period is the last twelve months):

| organisation | kind | scope | officer | active contacts | last contact | next due | interactions (sentiment) |
| --- | --- | --- | --- | --- | --- | --- | --- |
| Noord | ngo | local | officer | 2 operational, 1 executive | 10 days ago | yesterday | 3 (2, 1, none) |
| Zuid | ngo | national | officer | 1 operational | 30 days ago | in 20 days | 1 (−1) |
| Gemeente | municipality | local | tweede | 1 policy | never | none | 0 |
| Rijk | government | international | none | none | 100 days ago | 50 days ago | 0 |

Also: Noord has an interaction 400 days ago (sentiment −2), outside the period, and an inactive operational contact;
an archived ngo (local, no officer) with a contact and an interaction in the period counts nowhere.

Follow-up actions: on Noord's interaction three are due five days ago (one done a day early, one done three days
late, one open) and one is due in five days (not counted yet); on Zuid's one is due three days ago and was done that
day. So ngo: 4 due, 2 on time.

Survey rounds (closed, minimum group size 5), only the last two count:
- "oudste": 5 ngo answers graded 1 (must not show anywhere);
- "vorige": 5 ngo/operational/local graded 6; 5 municipality/policy/national graded 8;
- "laatste": 6 ngo/operational/local graded 5, 6, 6, 7, 7, 8 (6.5); 5 municipality/policy/national graded 7, 8, 8,
  8, 9 (8.0); 2 judiciary/executive/national graded 9, 9. The judiciary's two are suppressed and so, as their
  complement, the municipalities (kind) and the policy level (level); by scope national holds 7 (8.29) and shows.
  The reliability question has no answers in either round, so it is hidden for every group.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from stakeholders.models import Organisation
from surveys.models import Answer, Response
from surveys.results import round_results_freeze
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    SurveyRoundFactory,
    UserFactory,
)


def days_ago(days: int, hour: int = 12) -> datetime:
    return datetime.combine(
        timezone.localdate() - timedelta(days=days), time(hour), tzinfo=timezone.get_current_timezone()
    )


def _organisation(*, last_contact_days: int | None, due_in_days: int | None, **fields) -> Organisation:
    organisation = OrganisationFactory(**fields)
    today = timezone.localdate()
    # Stored by the outreach service from interactions, cadences and plans; set here so the figures are exact.
    Organisation.objects.filter(pk=organisation.pk).update(
        last_contact_on=today - timedelta(days=last_contact_days) if last_contact_days is not None else None,
        next_contact_due_on=today + timedelta(days=due_in_days) if due_in_days is not None else None,
    )
    return organisation


def build_network() -> dict:
    officer = UserFactory(username="olga", first_name="Olga", last_name="Officier")
    second = UserFactory(username="tweede", first_name="Tom", last_name="Tweede")
    noord = _organisation(name="Noord", kind="ngo", scope="local", owner=officer, last_contact_days=10, due_in_days=-1)
    zuid = _organisation(name="Zuid", kind="ngo", scope="national", owner=officer, last_contact_days=30, due_in_days=20)
    gemeente = _organisation(
        name="Gemeente", kind="municipality", scope="local", owner=second, last_contact_days=None, due_in_days=None
    )
    _organisation(
        name="Rijk", kind="government", scope="international", owner=None, last_contact_days=100, due_in_days=-50
    )
    archived = _organisation(
        name="Oud", kind="ngo", scope="local", owner=None, status="archived", last_contact_days=1, due_in_days=-5
    )

    ContactFactory.create_batch(2, organisation=noord, level="operational")
    ContactFactory(organisation=noord, level="executive")
    ContactFactory(organisation=noord, level="operational", is_active=False)
    ContactFactory(organisation=zuid, level="operational")
    ContactFactory(organisation=gemeente, level="policy")
    ContactFactory(organisation=archived, level="operational")

    noord_interactions = [
        InteractionFactory(organisation=noord, occurred_at=days_ago(days), sentiment=sentiment)
        for days, sentiment in ((5, 2), (20, 1), (200, None))
    ]
    InteractionFactory(organisation=noord, occurred_at=days_ago(400), sentiment=-2)
    zuid_interaction = InteractionFactory(organisation=zuid, occurred_at=days_ago(3), sentiment=-1)
    InteractionFactory(organisation=archived, occurred_at=days_ago(2), sentiment=-2)

    today = timezone.localdate()
    for due_days, done in ((5, days_ago(6)), (5, days_ago(2)), (5, None), (-5, None)):
        FollowUpActionFactory(interaction=noord_interactions[0], due_on=today - timedelta(days=due_days), done_at=done)
    FollowUpActionFactory(interaction=zuid_interaction, due_on=today - timedelta(days=3), done_at=days_ago(3, 16))

    ngo, municipality, judiciary = (
        ("ngo", "operational", "local"),
        ("municipality", "policy", "national"),
        ("judiciary", "executive", "national"),
    )
    oldest = _closed_round("oudste", closed_days_ago=800, answers=[(ngo, grade) for grade in [1] * 5])
    previous = _closed_round("vorige", closed_days_ago=400, answers=[(ngo, 6)] * 5 + [(municipality, 8)] * 5)
    latest = _closed_round(
        "laatste",
        closed_days_ago=30,
        answers=[(ngo, grade) for grade in (5, 6, 6, 7, 7, 8)]
        + [(municipality, grade) for grade in (7, 8, 8, 8, 9)]
        + [(judiciary, 9)] * 2,
    )
    return {"officer": officer, "second": second, "rounds": (latest, previous, oldest), "noord": noord}


def _closed_round(name: str, *, closed_days_ago: int, answers):
    closes_at = days_ago(closed_days_ago)
    survey_round = SurveyRoundFactory(
        name=name, status="closed", min_group_size=5, opens_at=closes_at - timedelta(days=30), closes_at=closes_at
    )
    grade = survey_round.questionnaire.questions.get(code="overall_grade")
    for (kind, level, scope), number in answers:
        response = Response.objects.create(
            round=survey_round, organisation_kind=kind, respondent_level=level, organisation_scope=scope
        )
        Answer.objects.create(response=response, question=grade, number=number)
    round_results_freeze(survey_round=survey_round)
    return survey_round
