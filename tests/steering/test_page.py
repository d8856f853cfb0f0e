"""The steering page: for coordinators and administrators only, its figures in Dutch number formats, each group
linking to its organisations, and a period whose errors show beside its fields."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.steering.network import build_network

pytestmark = pytest.mark.django_db
URL = "/sturing/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def row_of(page: str, grouping: str, heading: str) -> str:
    """The rest of a group's row in a grouping's table."""
    return page.split(f'id="grouping-{grouping}"', 1)[1].split(heading, 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def page(client, coordinator):
    build_network()
    client.force_login(coordinator)
    return text_of(client.get(URL))


def test_a_coordinator_sees_every_grouping_with_its_figures_in_dutch(page):
    for caption in ("soort organisatie", "niveau van contactpersoon", "reikwijdte", "relatiebeheerder"):
        assert f"Contact- en enquêtecijfers per {caption}</caption>" in page
    ngo = row_of(page, "kind", ">ngo</a>")
    cells = re.findall(r'<td class="utrecht-table__cell[^"]*">(.*?)</td>', ngo)
    assert cells[:9] == ["2", "4", "2,0", "100%", "50%", "20,0", '50% <span class="steering-detail">(2 van 4)</span>',
                         "0,67", '6,5 <span class="steering-detail">(was 6,0, +0,5)</span>']  # fmt: skip
    assert cells[9] == "verborgen: groep te klein"  # reliability: too few answers in the round


def test_a_suppressed_group_and_its_complement_show_as_hidden(page):
    municipality = row_of(page, "kind", ">gemeente</a>")
    assert municipality.count("verborgen: groep te klein") == 2
    judiciary = row_of(page, "kind", '<th scope="row" class="utrecht-table__header-cell">rechtspraak</th>')
    assert judiciary.count("verborgen: groep te klein") == 2


def test_every_group_links_to_its_active_organisations_in_the_organisation_list(page):
    assert 'href="/organisaties/?soort=ngo&amp;status=actief">ngo</a>' in page
    assert 'href="/organisaties/?niveau=bestuurlijk&amp;status=actief">bestuurlijk</a>' in page
    assert 'href="/organisaties/?reikwijdte=landelijk&amp;status=actief">landelijk</a>' in page
    assert 'href="/organisaties/?relatiebeheerder=olga&amp;status=actief">Olga Officier</a>' in page
    assert 'href="/organisaties/?zonderRelatiebeheerder=true&amp;status=actief">zonder relatiebeheerder</a>' in page


def test_the_officer_table_says_it_has_no_survey_figures(page):
    assert "Enquêteantwoorden zeggen niet wie de relatiebeheerder is" in page


def test_the_ranking_has_a_chart_beside_its_table(page):
    ranking = page.split('id="ranking-title"', 1)[1].split("</section>", 1)[0]
    assert '<svg role="img" aria-labelledby="ranking-chart-title"' in ranking
    # Lokaal's 6,5 out of 10 as a bar of 195 units of 300, its grade written after it.
    assert '<rect x="0" y="16" width="195" height="18"' in ranking and ">6,5</text>" in ranking
    rows = re.findall(r'<a class="utrecht-link utrecht-link--html-a" href="([^"]+)">([^<]+)</a>', ranking)
    assert rows == [
        ("/organisaties/?reikwijdte=lokaal&amp;status=actief", "lokaal"),
        ("/organisaties/?soort=ngo&amp;status=actief", "ngo"),
        ("/organisaties/?niveau=operationeel&amp;status=actief", "operationeel"),
        ("/organisaties/?reikwijdte=landelijk&amp;status=actief", "landelijk"),
    ]


def test_the_period_chosen_changes_the_figures(client, coordinator):
    build_network()
    client.force_login(coordinator)
    today = timezone.localdate()
    page = text_of(client.get(URL, {"van": (today - timedelta(days=500)).isoformat(), "tot": today.isoformat()}))
    ngo = row_of(page, "kind", ">ngo</a>")
    assert re.findall(r'<td class="utrecht-table__cell[^"]*">(.*?)</td>', ngo)[2] == "2,5"


def test_a_period_that_ends_before_it_starts_is_refused_beside_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"van": "2026-06-01", "tot": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"tot": ["Het einde van de periode ligt vóór het begin."]}
    assert response.context["steering"].period.ends_on == timezone.localdate()
    assert "utrecht-textbox--invalid" in text_of(response)


@pytest.mark.parametrize("role", ["liaison_officer", "researcher", "reader", "outsider"])
def test_other_roles_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_an_administrator_sees_the_page_and_a_visitor_is_sent_to_log_in(client, superuser):
    assert client.get(URL).status_code == 302
    client.force_login(superuser)
    assert client.get(URL).status_code == 200


def test_the_navigation_shows_steering_to_coordinators_only(client, coordinator, liaison_officer):
    client.force_login(coordinator)
    assert 'href="/sturing/"' in text_of(client.get("/"))
    client.force_login(liaison_officer)
    assert 'href="/sturing/"' not in text_of(client.get("/"))


def test_in_english_the_page_and_its_numbers_follow_the_english_locale(client, coordinator):
    build_network()
    client.force_login(coordinator)
    page = text_of(client.get(URL, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Contact and survey figures by kind of organisation</caption>" in page
    cells = re.findall(r'<td class="utrecht-table__cell[^"]*">(.*?)</td>', row_of(page, "kind", ">NGO</a>"))
    assert cells[2] == "2.0" and cells[8] == '6.5 <span class="steering-detail">(was 6.0, +0.5)</span>'
