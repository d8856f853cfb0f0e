"""GET /api/v1/sturing: the page's figures under Dutch names, suppressed as the results are, for the roles that may
steer; a strict period."""

import pytest

from tests.api.clients import token_client
from tests.steering.network import build_network

pytestmark = pytest.mark.django_db
URL = "/api/v1/sturing"


@pytest.fixture
def figures(coordinator):
    build_network()
    response = token_client(coordinator, read_only=True).get(URL)
    assert response.status_code == 200
    return response.json()


def group(figures, grouping, code):
    table = next(table for table in figures["indelingen"] if table["indeling"] == grouping)
    return next(row for row in table["groepen"] if row["groep"] == code)


def test_the_figures_of_a_group_come_under_dutch_camel_case_names(figures):
    ngo = group(figures, "organisatiesoort", "ngo")
    assert {key: value for key, value in ngo.items() if key != "enquete"} == {
        "indeling": "organisatiesoort",
        "groep": "ngo",
        "naam": "ngo",
        "aantalOrganisaties": 2,
        "aantalContactpersonen": 4,
        "aantalInteracties": 4,
        "interactiesPerOrganisatie": 2.0,
        "aandeelGecontacteerd": 1.0,
        "aandeelTeLaat": 0.5,
        "mediaanDagenSindsLaatsteContact": 20.0,
        "aantalVervolgacties": 4,
        "aantalVervolgactiesOpTijd": 2,
        "aandeelVervolgactiesOpTijd": 0.5,
        "gemiddeldSentiment": 0.67,
    }
    assert ngo["enquete"][0] == {
        "vraag": "overall_grade",
        "laatsteRonde": {"n": 6, "gemiddelde": 6.5, "onderdrukt": False},
        "vorigeRonde": {"n": 5, "gemiddelde": 6.0, "onderdrukt": False},
        "verschil": 0.5,
    }
    assert [round_["naam"] for round_ in figures["enqueteRondes"]] == ["laatste", "vorige"]
    assert figures["vragen"][0] == {"code": "overall_grade", "tekst": "Rapportcijfer", "rapportcijfer": True}


def test_a_suppressed_group_has_no_count_and_no_mean(figures):
    for grouping, code in (("organisatiesoort", "rechtspraak"), ("organisatiesoort", "gemeente"),
                           ("contactniveau", "bestuurlijk"), ("contactniveau", "beleid")):  # fmt: skip
        latest = group(figures, grouping, code)["enquete"][0]["laatsteRonde"]
        assert latest == {"n": None, "gemiddelde": None, "onderdrukt": True}, (grouping, code)


def test_the_officers_have_no_survey_figures_and_a_group_for_the_organisations_without_one(figures):
    table = next(table for table in figures["indelingen"] if table["indeling"] == "relatiebeheerder")
    assert table["enquetecijfers"] is False
    assert [(row["groep"], row["enquete"]) for row in table["groepen"]] == [("olga", []), ("tweede", []), (None, [])]


def test_where_to_act_first_leaves_out_hidden_groups(figures):
    assert [(row["indeling"], row["groep"]) for row in figures["eerstAanpakken"]] == [
        ("reikwijdte", "lokaal"),
        ("organisatiesoort", "ngo"),
        ("contactniveau", "operationeel"),
        ("reikwijdte", "landelijk"),
    ]


def test_the_period_is_given_by_van_and_tot(coordinator):
    build_network()
    response = token_client(coordinator).get(URL, {"van": "2026-01-01", "tot": "2026-01-31"})
    assert (response.status_code, response.json()["van"], response.json()["tot"]) == (200, "2026-01-01", "2026-01-31")


@pytest.mark.parametrize(
    "query, name",
    [({"van": "2026-02-01", "tot": "2026-01-01"}, "tot"), ({"van": "gisteren"}, "van"), ({"tot": ""}, "tot"),
     ({"soort": "ngo"}, "soort"), ({"tot": "9999-12-31"}, "tot")],
)  # fmt: skip
def test_a_wrong_period_or_an_unknown_key_is_a_problem(coordinator, query, name):
    response = token_client(coordinator).get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [param["name"] for param in response.json()["invalidParams"]] == [name]


@pytest.mark.parametrize("role", ["liaison_officer", "researcher", "reader"])
def test_other_roles_get_403(request, role):
    assert token_client(request.getfixturevalue(role)).get(URL).status_code == 403


def test_an_anonymous_client_gets_401(client):
    assert client.get(URL).status_code == 401
