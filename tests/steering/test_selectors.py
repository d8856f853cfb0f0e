"""The steering figures against figures computed by hand for the network of tests/steering/network.py, the period
chosen, the suppression of the frozen survey results, and a query count that does not grow with the network."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steering.contact_figures import contact_figures_grouped, contact_figures_in_one_query
from steering.selectors import Period, steering_figures
from surveys.models import FrozenResults
from tests.factories import ContactFactory, InteractionFactory, OrganisationFactory, UserFactory
from tests.steering.network import build_network, days_ago

pytestmark = pytest.mark.django_db

CONTACT_COLUMNS = (
    "organisations",
    "contacts",
    "interactions_per_organisation",
    "contacted_share",
    "overdue_share",
    "median_days_since_contact",
    "follow_ups_due",
    "follow_ups_on_time",
    "on_time_share",
    "mean_sentiment",
)


def contact_figures(row) -> tuple:
    return tuple(getattr(row, column) for column in CONTACT_COLUMNS)


def survey_figures(row, code="overall_grade") -> tuple:
    """(latest mean, latest suppressed, previous mean, previous suppressed, change) of one question."""
    figures = next(figures for figures in row.survey if figures.code == code)
    return (
        figures.latest.mean,
        figures.latest.suppressed,
        figures.previous.mean,
        figures.previous.suppressed,
        figures.change,
    )


def table(steering, key):
    return {row.value: row for row in next(t for t in steering.tables if t.grouping.key == key).rows}


@pytest.fixture
def steering():
    build_network()
    return steering_figures()


def test_the_kinds_have_the_hand_computed_contact_figures(steering):
    kinds = table(steering, "kind")
    assert list(kinds) == ["ngo", "municipality", "judiciary", "private_partner", "government", "international",
                           "other"]  # fmt: skip
    assert contact_figures(kinds["ngo"]) == (2, 4, 2.0, 1.0, 0.5, 20.0, 4, 2, 0.5, 0.67)
    assert contact_figures(kinds["municipality"]) == (1, 1, 0.0, 0.0, 0.0, None, 0, 0, None, None)
    assert contact_figures(kinds["government"]) == (1, 0, 0.0, 0.0, 1.0, 100.0, 0, 0, None, None)
    assert contact_figures(kinds["judiciary"]) == (0, 0, None, None, None, None, 0, 0, None, None)


def test_a_level_group_is_the_organisations_with_an_active_contact_at_that_level_counted_once(steering):
    levels = table(steering, "level")
    assert list(levels) == ["operational", "policy", "executive"]
    # Noord has two active operational contacts (and an inactive one): one organisation, its interactions once.
    assert contact_figures(levels["operational"]) == (2, 3, 2.0, 1.0, 0.5, 20.0, 4, 2, 0.5, 0.67)
    assert contact_figures(levels["policy"]) == (1, 1, 0.0, 0.0, 0.0, None, 0, 0, None, None)
    assert contact_figures(levels["executive"]) == (1, 1, 3.0, 1.0, 1.0, 10.0, 3, 1, 0.333, 1.5)


def test_the_scopes_have_the_hand_computed_contact_figures(steering):
    scopes = table(steering, "scope")
    assert contact_figures(scopes["local"]) == (2, 4, 1.5, 0.5, 0.5, 10.0, 3, 1, 0.333, 1.5)
    assert contact_figures(scopes["national"]) == (1, 1, 1.0, 1.0, 0.0, 30.0, 1, 1, 1.0, -1.0)
    assert contact_figures(scopes["international"]) == (1, 0, 0.0, 0.0, 1.0, 100.0, 0, 0, None, None)


def test_the_officers_are_listed_by_name_with_the_organisations_without_one_last(steering):
    officers = table(steering, "officer")
    assert [(row.value, row.label) for row in officers.values()] == [
        ("olga", "Olga Officier"),
        ("tweede", "Tom Tweede"),
        ("", "zonder relatiebeheerder"),
    ]
    assert contact_figures(officers["olga"]) == (2, 4, 2.0, 1.0, 0.5, 20.0, 4, 2, 0.5, 0.67)
    assert contact_figures(officers["tweede"]) == (1, 1, 0.0, 0.0, 0.0, None, 0, 0, None, None)
    assert contact_figures(officers[""]) == (1, 0, 0.0, 0.0, 1.0, 100.0, 0, 0, None, None)
    assert officers[""].list_query == {"zonderRelatiebeheerder": "true", "status": "actief"}
    assert all(row.survey == [] for row in officers.values())


def test_the_survey_figures_are_the_last_two_closed_rounds_with_the_results_suppression(steering):
    assert [survey_round.name for survey_round in steering.rounds] == ["laatste", "vorige"]
    assert [(column.code, column.is_grade) for column in steering.columns] == [
        ("overall_grade", True),
        ("reliability", False),
    ]
    kinds, levels, scopes = table(steering, "kind"), table(steering, "level"), table(steering, "scope")
    assert survey_figures(kinds["ngo"]) == (6.5, False, 6.0, False, 0.5)
    # The judiciary's two answers are hidden, and the municipalities' five with them, so no subtraction tells.
    assert survey_figures(kinds["judiciary"]) == (None, True, None, False, None)
    assert survey_figures(kinds["municipality"]) == (None, True, 8.0, False, None)
    assert survey_figures(levels["executive"]) == (None, True, None, False, None)
    assert survey_figures(levels["policy"]) == (None, True, 8.0, False, None)
    assert survey_figures(levels["operational"]) == (6.5, False, 6.0, False, 0.5)
    assert survey_figures(scopes["national"]) == (8.29, False, 8.0, False, 0.29)
    assert survey_figures(scopes["local"]) == (6.5, False, 6.0, False, 0.5)
    assert survey_figures(kinds["government"]) == (None, False, None, False, None)
    # No answers to the reliability question: hidden for every group, as on the results page.
    assert survey_figures(kinds["ngo"], "reliability") == (None, True, None, True, None)


def test_where_to_act_first_is_the_lowest_grade_then_the_least_contact_without_hidden_groups(steering):
    assert [(row.grouping, row.value) for row in steering.ranking] == [
        ("scope", "local"),
        ("kind", "ngo"),
        ("level", "operational"),
        ("scope", "national"),
    ]
    assert steering.ranking[0].list_query == {"reikwijdte": "lokaal", "status": "actief"}


def test_the_period_chosen_sets_which_interactions_and_follow_ups_count():
    build_network()
    today = timezone.localdate()
    longer = steering_figures(period=Period(starts_on=today - timedelta(days=500), ends_on=today))
    ngo = table(longer, "kind")["ngo"]
    assert (ngo.interactions_per_organisation, ngo.mean_sentiment) == (2.5, 0.0)

    last_week = steering_figures(period=Period(starts_on=today - timedelta(days=6), ends_on=today))
    ngo = table(last_week, "kind")["ngo"]
    # Noord five days ago, Zuid three days ago; the follow-ups due five and three days ago.
    assert (ngo.interactions, ngo.contacted_share, ngo.follow_ups_due, ngo.follow_ups_on_time) == (2, 1.0, 4, 2)
    assert ngo.mean_sentiment == 0.5


def test_the_default_period_is_the_last_twelve_months():
    today = timezone.localdate()
    period = Period.last_twelve_months(today=today)
    assert period.ends_on == today
    assert period.starts_on == today.replace(year=today.year - 1) + timedelta(days=1)


def test_without_closed_rounds_there_are_no_survey_figures_and_no_ranking():
    OrganisationFactory(kind="ngo")
    steering = steering_figures()
    assert (steering.rounds, steering.columns, steering.ranking) == ([], [], [])
    assert table(steering, "kind")["ngo"].survey == []


def _network_of(size: int) -> None:
    for number in range(size):
        officer = UserFactory(username=f"officer-{number}")
        organisation = OrganisationFactory(owner=officer, kind=["ngo", "municipality"][number % 2])
        contact = ContactFactory(organisation=organisation, level=["operational", "policy", "executive"][number % 3])
        interaction = InteractionFactory(organisation=organisation, occurred_at=days_ago(number + 1), sentiment=1)
        interaction.contacts.add(contact)


def _queries_for(size: int) -> int:
    _network_of(size)
    with CaptureQueriesContext(connection) as queries:
        steering_figures()
    return len(queries)


def test_the_figures_cost_the_same_queries_for_two_organisations_as_for_twenty(db):
    two = _queries_for(2)
    twenty = _queries_for(18)  # on top of the two: twenty organisations and twenty officers
    # The closed rounds (none here; with one, one more for its questions' texts), the contact figures of every
    # grouping (one query, after setting its memory and compiling, within a savepoint), the officers' names.
    assert two == twenty == 1 + (2 + 1 + 2) + 1


def test_a_round_closed_before_figures_were_stored_gets_them_on_the_first_read():
    build_network()
    stored = survey_figures(table(steering_figures(), "kind")["ngo"])
    FrozenResults.objects.all().delete()

    assert survey_figures(table(steering_figures(), "kind")["ngo"]) == stored == (6.5, False, 6.0, False, 0.5)
    assert sorted(FrozenResults.objects.values_list("round__name", flat=True)) == ["laatste", "vorige"]


def test_the_grouped_queries_for_other_databases_give_the_figures_of_the_one_query(db):
    build_network()
    today = timezone.localdate()
    for period in (Period.last_twelve_months(), Period(starts_on=today - timedelta(days=6), ends_on=today)):
        one_query = contact_figures_in_one_query(period=period, today=today)
        grouped = contact_figures_grouped(period=period, today=today)
        for grouping, groups in one_query.items():
            assert set(groups) == set(grouped[grouping]), grouping
            for value, figures in groups.items():
                assert {name: _plain(number) for name, number in figures.items()} == {
                    name: _plain(grouped[grouping][value].get(name, 0 if name != "sentiment" else None))
                    for name in figures
                }, (grouping, value)


def _plain(number):
    return None if number is None else round(float(number), 3)
