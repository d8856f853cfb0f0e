"""The interactions list by group (kind and scope of the organisation, level of the participants, a period): one
FilterSet, the same Dutch keys and codes in the web UI and the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.clients import token_client
from tests.api.test_organisations import assert_problem
from tests.factories import ContactFactory, InteractionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/interacties"
PAGE = "/interacties/"


@pytest.fixture
def api(liaison_officer):
    return token_client(liaison_officer)


def moment(day: int, month: int = 1) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, tzinfo=datetime.UTC)


def with_participants(*levels: str, **organisation) -> object:
    """An interaction with an organisation of these attributes, in which contacts at these levels took part."""
    interaction = InteractionFactory(organisation=OrganisationFactory(**organisation), occurred_at=moment(15))
    interaction.contacts.add(*(ContactFactory(organisation=interaction.organisation, level=level) for level in levels))
    return interaction


def api_ids(api, query: str) -> list[int]:
    response = api.get(f"{API}?{query}")
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["resultaten"])


@pytest.fixture
def groups():
    return {
        "municipal_executives": with_participants("executive", "executive", kind="municipality", scope="local"),
        "municipal_policy": with_participants("policy", kind="municipality", scope="local"),
        "national_ngo": with_participants("operational", "executive", kind="ngo", scope="national"),
        "nobody_present": with_participants(kind="private_partner", scope="international"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soort=gemeente", ["municipal_executives", "municipal_policy"]),
        ("reikwijdte=landelijk", ["national_ngo"]),
        ("reikwijdte=internationaal", ["nobody_present"]),
        # An interaction with two executives is listed once.
        ("niveau=bestuurlijk", ["municipal_executives", "national_ngo"]),
        ("niveau=bestuurlijk&soort=gemeente", ["municipal_executives"]),
        ("niveau=operationeel&reikwijdte=lokaal", []),
    ],
)
def test_the_api_filters_interactions_by_group(api, groups, query, expected):
    assert api_ids(api, query) == sorted(groups[name].id for name in expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soort=gemeente", ["municipal_executives", "municipal_policy"]),
        ("niveau=bestuurlijk", ["municipal_executives", "national_ngo"]),
        ("reikwijdte=lokaal&niveau=beleid", ["municipal_policy"]),
    ],
)
def test_the_page_filters_interactions_by_group_with_the_same_keys(client, liaison_officer, groups, query, expected):
    client.force_login(liaison_officer)

    response = client.get(f"{PAGE}?{query}")

    assert response.status_code == 200
    assert sorted(interaction.id for interaction in response.context["page"]) == sorted(
        groups[name].id for name in expected
    )


def test_a_period_in_whole_days_counts_from_midnight_in_amsterdam_and_ends_before_the_last_day(api):
    # 23:30 UTC on 31 December is already 1 January in Amsterdam; 23:30 UTC on 31 January is 1 February there.
    new_year = InteractionFactory(occurred_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC))
    InteractionFactory(occurred_at=datetime.datetime(2025, 12, 31, 22, 30, tzinfo=datetime.UTC))
    InteractionFactory(occurred_at=datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC))
    january = InteractionFactory(occurred_at=datetime.datetime(2026, 1, 31, 22, 30, tzinfo=datetime.UTC))

    assert api_ids(api, "plaatsgevondenVanaf=2026-01-01&plaatsgevondenTot=2026-02-01") == sorted(
        [new_year.id, january.id]
    )


def test_the_page_offers_the_period_as_dates_and_keeps_what_was_chosen(client, liaison_officer):
    client.force_login(liaison_officer)
    inside = InteractionFactory(occurred_at=moment(15))
    InteractionFactory(occurred_at=moment(15, month=3))

    response = client.get(f"{PAGE}?plaatsgevondenVanaf=2026-01-01&plaatsgevondenTot=2026-02-01")
    page = response.content.decode()

    assert [interaction.id for interaction in response.context["page"]] == [inside.id]
    assert 'type="date" name="plaatsgevondenVanaf" value="2026-01-01"' in page
    assert 'type="date" name="plaatsgevondenTot" value="2026-02-01"' in page
    assert ">niveau van contactpersoon</label>" in page.lower()


@pytest.mark.parametrize(
    ("query", "invalid"),
    [("soort=municipality", "soort"), ("reikwijdte=local", "reikwijdte"), ("niveau=executive", "niveau"),
     ("niveau=", "niveau"), ("plaatsgevondenVanaf=gisteren", "plaatsgevondenVanaf")],
)  # fmt: skip
def test_the_api_refuses_an_english_or_unknown_value_with_a_problem(api, query, invalid):
    assert_problem(api.get(f"{API}?{query}"), 400, invalid)


def test_the_page_shows_an_unknown_value_beside_its_field_and_leaves_that_filter_out(client, liaison_officer, groups):
    client.force_login(liaison_officer)

    response = client.get(f"{PAGE}?niveau=executive&soort=gemeente")

    assert response.status_code == 200
    assert list(response.context["filter"].form.errors) == ["niveau"]
    assert "utrecht-select--invalid" in response.content.decode()
    assert sorted(interaction.id for interaction in response.context["page"]) == sorted(
        [groups["municipal_executives"].id, groups["municipal_policy"].id]
    )


def test_pages_of_a_level_filter_hold_each_interaction_once(api):
    interactions = [with_participants("executive", "executive", "executive") for _ in range(5)]

    seen = []
    for number in range(1, 6):
        response = api.get(f"{API}?niveau=bestuurlijk&paginaGrootte=2&pagina={number}")
        if number > 3:
            assert response.status_code == 400
            break
        assert response.json()["aantal"] == 5
        seen += [row["id"] for row in response.json()["resultaten"]]
    cursor_seen, url = [], f"{API}?niveau=bestuurlijk&paginaGrootte=2&cursor="
    while url:
        body = api.get(url).json()
        cursor_seen += [row["id"] for row in body["resultaten"]]
        url = body["volgende"]

    assert sorted(seen) == sorted(cursor_seen) == sorted(interaction.id for interaction in interactions)


def busy(count: int) -> None:
    officer = UserFactory()
    for _ in range(count):
        with_participants("executive", "policy", kind="municipality", scope="local").topics.add()
        InteractionFactory(logged_by=officer, organisation=OrganisationFactory(kind="municipality"))


QUERY = "soort=gemeente&reikwijdte=lokaal&niveau=bestuurlijk&plaatsgevondenVanaf=2026-01-01"


def test_the_filtered_api_list_costs_the_same_queries_for_two_or_twenty_rows(api):
    busy(2)
    api.get(API)  # the token's last use and the role's permissions are read once
    with CaptureQueriesContext(connection) as two:
        assert len(api.get(f"{API}?{QUERY}").json()["resultaten"]) == 2
    busy(18)
    api.get(API)
    with CaptureQueriesContext(connection) as twenty:
        assert len(api.get(f"{API}?{QUERY}").json()["resultaten"]) == 20

    assert len(two) == len(twenty)


def test_the_filtered_page_costs_the_same_queries_for_two_or_twenty_rows(client, liaison_officer):
    client.force_login(liaison_officer)
    busy(2)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(f"{PAGE}?{QUERY}").context["page"]) == 2
    busy(18)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get(f"{PAGE}?{QUERY}").context["page"]) == 20

    assert len(two) == len(twenty)
