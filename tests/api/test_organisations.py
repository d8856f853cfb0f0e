import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from stakeholders import services
from stakeholders.models import Organisation, Tier
from tests.api.clients import token_client
from tests.factories import ContactFactory, OrganisationFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisaties"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["naam"] for row in response.json()["resultaten"]]


def assert_problem(response, status: int, *invalid: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    if invalid:
        assert sorted(param["name"] for param in body["invalidParams"]) == sorted(invalid)


def test_anonymous_client_gets_401_problem():
    assert_problem(APIClient().get(URL), 401)


def test_list_speaks_dutch_in_camel_case_with_utc_times_and_keeps_archived_organisations(api):
    OrganisationFactory(name="Gemeente Ede", kind="municipality", kvk_number="12345678")
    OrganisationFactory(name="Oud Partner", status="archived", kind="private_partner", scope="international")

    body = api.get(URL).json()

    assert set(body) == {"aantal", "volgende", "vorige", "resultaten"}
    rows = {row["naam"]: row for row in body["resultaten"]}
    assert (rows["Oud Partner"]["status"], rows["Oud Partner"]["soort"]) == ("gearchiveerd", "particulierePartner")
    assert rows["Oud Partner"]["reikwijdte"] == "internationaal"
    assert (rows["Gemeente Ede"]["soort"], rows["Gemeente Ede"]["status"]) == ("gemeente", "actief")
    assert rows["Gemeente Ede"]["kvkNummer"] == "12345678"
    assert rows["Gemeente Ede"]["aangemaaktOp"].endswith("Z")
    assert "contactpersonen" not in rows["Gemeente Ede"]
    assert not {"name", "kind", "scope", "kvkNumber", "createdAt", "contacts"} & set(rows["Gemeente Ede"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("soort=gemeente", ["Gemeente Ede"]),
        ("reikwijdte=internationaal", ["IOM"]),
        ("prioriteit=strategic", ["IOM"]),
        ("status=gearchiveerd", ["Oud Partner"]),
        ("relatiebeheerder=officer", ["Gemeente Ede"]),
        ("zonderRelatiebeheerder=false", ["Gemeente Ede"]),
        ("label=Pilot", ["Stichting Noodopvang"]),
        ("niveau=bestuurlijk", ["IOM"]),
        ("invloed=5", ["IOM"]),
        ("zoek=ede", ["Gemeente Ede"]),
        ("zoek=12345678", ["Stichting Noodopvang"]),
        ("sorteer=-naam", ["Stichting Noodopvang", "Oud Partner", "IOM", "Gemeente Ede"]),
        ("prioriteit=platinum", []),
        ("relatiebeheerder=nobody", []),
        ("sorteer=naam", ["Gemeente Ede", "IOM", "Oud Partner", "Stichting Noodopvang"]),
    ],
)
def test_filter(api, liaison_officer, query, expected):
    OrganisationFactory(name="Gemeente Ede", kind="municipality", owner=liaison_officer)
    iom = OrganisationFactory(name="IOM", kind="international", scope="international", influence=5,
                              tier=Tier.objects.get(code="strategic"))  # fmt: skip
    ContactFactory(organisation=iom, level="executive")
    OrganisationFactory(name="Oud Partner", status="archived", kind="ngo")
    OrganisationFactory(name="Stichting Noodopvang", kind="ngo", kvk_number="12345678").tags.add(
        TagFactory(name="Pilot")
    )

    assert names(api.get(f"{URL}?{query}")) == expected


def test_outreach_filter_finds_overdue_and_due_soon(api):
    today = timezone.localdate()
    overdue = OrganisationFactory(name="Te laat")
    soon = OrganisationFactory(name="Binnenkort")
    later = OrganisationFactory(name="Later")
    archived = OrganisationFactory(name="Gearchiveerd", status="archived")
    for organisation, due in [(overdue, -3), (soon, 5), (later, 30), (archived, -3)]:
        Organisation.objects.filter(pk=organisation.pk).update(next_contact_due_on=today + datetime.timedelta(days=due))

    assert names(api.get(f"{URL}?contactplanning=teLaat")) == ["Te laat"]
    assert names(api.get(f"{URL}?contactplanning=binnenEenWeek")) == ["Binnenkort"]


def test_changed_since_gives_only_recent_changes(api):
    old = OrganisationFactory(name="Oud")
    Organisation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=2))
    OrganisationFactory(name="Nieuw")
    since = (timezone.now() - datetime.timedelta(days=1)).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert names(api.get(f"{URL}?gewijzigdSinds={since}")) == ["Nieuw"]


@pytest.mark.parametrize(
    ("query", "invalid"),
    [
        ("colour=red", "colour"),
        ("sorteer=colour", "sorteer"),
        ("sorteer=naam,,", "sorteer"),
        ("soort=club", "soort"),
        ("gewijzigdSinds=yesterday", "gewijzigdSinds"),
        ("contactplanning=never", "contactplanning"),
        ("pagina=0", "pagina"),
        ("pagina=abc", "pagina"),
        ("pagina=2", "pagina"),
        ("paginaGrootte=0", "paginaGrootte"),
        ("paginaGrootte=101", "paginaGrootte"),
        ("paginaGrootte=ten", "paginaGrootte"),
        ("expand=everything", "expand"),
        ("expand=contacts", "expand"),
        ("cursor=&sorteer=naam", "cursor"),
        # The English names and values of before are unknown now.
        ("kind=ngo", "kind"),
        ("soort=municipality", "soort"),
        ("sort=name", "sort"),
        ("sorteer=name", "sorteer"),
        ("page=1", "page"),
        ("pageSize=10", "pageSize"),
        ("search=ede", "search"),
    ],
)
def test_bad_query_is_a_400_problem_naming_the_parameter(api, query, invalid):
    OrganisationFactory()

    assert_problem(api.get(f"{URL}?{query}"), 400, invalid)


def test_trailing_slash_is_a_404_problem_not_a_redirect(api):
    assert_problem(api.get(f"{URL}/"), 404)


def test_pages_link_to_each_other(api):
    OrganisationFactory.create_batch(5)

    first = api.get(f"{URL}?paginaGrootte=2").json()
    second = api.get(first["volgende"]).json()

    assert first["aantal"] == 5 and first["vorige"] is None
    assert "pagina=2" in first["volgende"] and "paginaGrootte=2" in first["volgende"]
    assert second["vorige"] is not None
    assert not {row["id"] for row in first["resultaten"]} & {row["id"] for row in second["resultaten"]}


def test_cursor_walk_meets_a_row_changed_during_the_walk_again(api):
    organisations = OrganisationFactory.create_batch(4)

    first = api.get(f"{URL}?cursor=&paginaGrootte=2").json()
    changed = Organisation.objects.get(pk=first["resultaten"][0]["id"])
    changed.notes = "gewijzigd"
    changed.save()
    seen = [row["id"] for row in first["resultaten"]]
    page = first
    while page["volgende"]:
        page = api.get(page["volgende"]).json()
        seen += [row["id"] for row in page["resultaten"]]

    assert set(seen) == {organisation.id for organisation in organisations}
    assert seen.count(changed.id) == 2


def _utc(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_logging_a_contact_brings_the_organisation_into_the_next_changed_since_pull(api, liaison_officer):
    organisation = OrganisationFactory(name="Gemeente Ede")
    OrganisationFactory(name="Ongewijzigd")
    Organisation.objects.update(updated_at=timezone.now() - datetime.timedelta(days=2))
    last_pull = timezone.now()
    assert names(api.get(f"{URL}?gewijzigdSinds={_utc(last_pull)}")) == []

    services.interaction_log(
        organisation=organisation, logged_by=liaison_officer, channel="call", occurred_at=timezone.now(), subject="x"
    )

    rows = api.get(f"{URL}?gewijzigdSinds={_utc(last_pull)}").json()["resultaten"]
    assert [(row["naam"], row["laatsteContactOp"]) for row in rows] == [("Gemeente Ede", str(timezone.localdate()))]


def test_logging_a_contact_during_a_cursor_walk_brings_the_organisation_back_in_it(api, liaison_officer):
    organisations = OrganisationFactory.create_batch(3)
    for days, organisation in enumerate(organisations, 2):
        Organisation.objects.filter(pk=organisation.pk).update(updated_at=timezone.now() - datetime.timedelta(days))

    first = api.get(f"{URL}?cursor=&paginaGrootte=1").json()
    services.interaction_log(
        organisation=Organisation.objects.get(pk=first["resultaten"][0]["id"]),
        logged_by=liaison_officer,
        channel="call",
        occurred_at=timezone.now(),
        subject="x",
    )
    seen, page = [row["id"] for row in first["resultaten"]], first
    while page["volgende"]:
        page = api.get(page["volgende"]).json()
        seen += [row["id"] for row in page["resultaten"]]

    assert sorted(seen[1:]) == sorted(organisation.id for organisation in organisations)
    assert seen[-1] == seen[0]


def test_expand_embeds_the_contacts_under_the_name_it_asks_for(api):
    organisation = OrganisationFactory()
    ContactFactory(organisation=organisation, last_name="Jansen", level="policy", preferred_language="en")

    row = api.get(f"{URL}/{organisation.id}?expand=contactpersonen").json()

    assert [
        (contact["achternaam"], contact["niveau"], contact["voorkeurstaal"]) for contact in row["contactpersonen"]
    ] == [("Jansen", "beleid", "en")]
    assert "contacts" not in row


@pytest.mark.parametrize("query", ["", "&expand=contactpersonen"])
def test_list_costs_the_same_queries_for_ten_or_a_hundred_rows(api, query):
    for organisation in OrganisationFactory.create_batch(100, owner=UserFactory()):
        ContactFactory(organisation=organisation)
        organisation.tags.add(TagFactory())
    # The client's first request of the minute writes the token's last use, and the first after a role change
    # reads the role's permissions into the cache; every other request does neither.
    api.get(URL)

    with CaptureQueriesContext(connection) as ten:
        assert len(api.get(f"{URL}?paginaGrootte=10{query}").json()["resultaten"]) == 10
    with CaptureQueriesContext(connection) as hundred:
        assert len(api.get(f"{URL}?paginaGrootte=100{query}").json()["resultaten"]) == 100

    assert len(ten) == len(hundred)
    # The token (its last use was written by the first request), count, page with its joins and labels, and with
    # expand the contacts and the record of who read them: no query for the role's permissions.
    assert len(hundred) <= 5, [query["sql"][:120] for query in hundred.captured_queries]


def test_a_deep_page_takes_its_ids_on_the_index_before_joining_rows(api):
    OrganisationFactory.create_batch(25, owner=UserFactory())
    expected = list(Organisation.objects.order_by("name", "id").values_list("name", flat=True)[20:25])

    with CaptureQueriesContext(connection) as queries:
        assert names(api.get(f"{URL}?paginaGrootte=5&pagina=5")) == expected

    (page_query,) = [query["sql"] for query in queries.captured_queries if "OFFSET" in query["sql"]]
    # The OFFSET is taken in a subquery that selects only the id, with no join; the joins come outside it.
    subquery = r'IN \(SELECT (\w+)\."id" AS "pk" FROM "stakeholders_organisation" \1 ORDER BY [^()]*\)'
    inner = re.search(subquery, page_query)
    assert inner is not None, page_query
    assert inner.group(0).endswith("LIMIT 5 OFFSET 20)")


def test_pages_walk_every_organisation_once_in_order_also_when_filtered(api):
    OrganisationFactory.create_batch(7, kind="municipality")
    OrganisationFactory.create_batch(3, kind="ngo")
    expected = list(
        Organisation.objects.filter(kind="municipality").order_by("name", "id").values_list("name", flat=True)
    )

    walked = [
        name for page in (1, 2, 3) for name in names(api.get(f"{URL}?soort=gemeente&paginaGrootte=3&pagina={page}"))
    ]

    assert walked == expected


def test_officer_creates_an_organisation_with_labels_owner_and_tier(api, liaison_officer):
    TagFactory(name="Pilot")

    response = api.post(
        URL,
        {"naam": "Gemeente Ede", "soort": "gemeente", "cbsGemeentecode": "GM0228", "labels": ["Pilot"],
         "relatiebeheerder": "officer", "prioriteit": "key", "reikwijdte": "lokaal"},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(name="Gemeente Ede")
    assert response.json()["id"] == organisation.id
    assert organisation.owner == liaison_officer
    assert (organisation.kind, organisation.scope) == ("municipality", "local")
    assert response.json()["soort"] == "gemeente"
    assert organisation.next_contact_due_on == timezone.localdate()
    assert [tag.name for tag in organisation.tags.all()] == ["Pilot"]


@pytest.mark.parametrize(
    ("body", "invalid"),
    [
        ({"naam": "X", "soort": "ngo", "kvkNummer": "123"}, ["kvkNummer"]),
        ({"naam": "X", "soort": "club"}, ["soort"]),
        ({"naam": "X", "soort": "municipality"}, ["soort"]),
        ({"naam": "X", "soort": "ngo", "colour": "red"}, ["colour"]),
        ({"naam": "X", "soort": "ngo", "volgendContactUiterlijkOp": "2030-01-01"}, ["volgendContactUiterlijkOp"]),
        ({"soort": "ngo", "invloed": 9}, ["invloed", "naam"]),
        ({"naam": "X", "soort": "ngo", "cbsGemeentecode": "GM0228"}, ["nonFieldErrors"]),
        ({"name": "X", "kind": "ngo"}, ["kind", "name"]),
    ],
)
def test_invalid_organisation_is_refused_and_nothing_is_written(api, body, invalid):
    assert_problem(api.post(URL, body, format="json"), 400, *invalid)
    assert not Organisation.objects.exists()


def test_malformed_json_is_a_400_problem(api):
    assert_problem(api.post(URL, "{name", content_type="application/json"), 400)


def test_form_body_is_a_415_problem(api):
    assert_problem(api.post(URL, "naam=x", content_type="application/x-www-form-urlencoded"), 415)


def test_patch_changes_the_tier_and_moves_the_next_contact(api):
    organisation = OrganisationFactory()

    response = api.patch(f"{URL}/{organisation.id}", {"prioriteit": "strategic", "invloed": 5}, format="json")

    assert response.status_code == 200, response.content
    organisation.refresh_from_db()
    assert organisation.tier.code == "strategic" and organisation.influence == 5
    assert organisation.history.count() == 2


def test_put_and_delete_are_not_offered(api):
    organisation = OrganisationFactory()

    assert_problem(api.put(f"{URL}/{organisation.id}", {}, format="json"), 405)
    assert_problem(api.delete(f"{URL}/{organisation.id}"), 405)
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_read_only_token_may_read_but_not_write(reader_api):
    OrganisationFactory()

    assert reader_api.get(URL).status_code == 200
    assert_problem(reader_api.post(URL, {"naam": "X", "soort": "ngo"}, format="json"), 403)
    assert Organisation.objects.count() == 1


def test_role_without_write_permission_cannot_write_even_with_a_read_write_token(reader):
    client = token_client(reader, read_only=False)

    assert_problem(client.post(URL, {"naam": "X", "soort": "ngo"}, format="json"), 403)


def test_every_api_response_carries_version_and_security_headers(api):
    for response in (api.get(URL), api.get(f"{URL}/999999"), api.get(f"{URL}?colour=red")):
        assert response["API-Version"] == "1.0.0"
        assert response["Cache-Control"] == "no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


def test_an_empty_reference_is_refused_not_read_as_none(api):
    # DRF reads "" as null for a reference; the schema promises a name (or id) of at least one character, or null.
    organisation = OrganisationFactory(owner=UserFactory(), tier=Tier.objects.first(), parent=OrganisationFactory())

    response = api.patch(
        f"{URL}/{organisation.id}", {"relatiebeheerder": "", "prioriteit": "", "moederorganisatie": ""}, format="json"
    )

    assert_problem(response, 400, "relatiebeheerder", "prioriteit", "moederorganisatie")
    organisation.refresh_from_db()
    assert organisation.owner is not None and organisation.tier is not None and organisation.parent is not None
