"""Every list page downloads what it shows: all the rows its filters and sort select (not only the page), as CSV
(UTF-8 with a byte order mark, `;` in Dutch and `,` in English, formulas neutralised) or as an Excel workbook (text
as text, never a formula), with headers in the reader's language; a list of persons leaves an access record; what
a reader may not see stays out; the cost in queries does not grow with the rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_filters import OrderingFilter
from openpyxl import load_workbook

from privacy.models import AccessAction, AccessRecord
from stakeholders.filters import ContactFilterSet, InteractionFilterSet, OrganisationFilterSet
from stakeholders.models import Organisation, OrganisationKind
from surveys.filters import SurveyRoundFilterSet
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    InvitationFactory,
    OrganisationFactory,
    SurveyRoundFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BOM = "\ufeff"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every way a spreadsheet may take a cell for a formula.
FORMULAS = ['=HYPERLINK("http://evil.example","klik")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


# The FilterSets' query parameters are the API's and may be renamed; the tests find them by the field they filter.
def parameter(filterset_class, field_name: str) -> str:
    [name] = [name for name, declared in filterset_class.base_filters.items() if declared.field_name == field_name]
    return name


def sort(filterset_class, field: str, *, descending: bool = False) -> dict[str, str]:
    [(name, ordering)] = [
        (name, declared)
        for name, declared in filterset_class.base_filters.items()
        if isinstance(declared, OrderingFilter)
    ]
    [value] = [value for value, model_field in ordering.param_map.items() if model_field == field]
    return {name: f"-{value}" if descending else value}


def download(client, url: str, file_format: str, query: dict | None = None, language: str = "nl"):
    response = client.get(url, {**(query or {}), "format": file_format}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    return response, content


def csv_rows(content: bytes, *, delimiter: str = ";") -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=delimiter))


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def municipalities(liaison_officer) -> list[Organisation]:
    """More municipalities than a page holds, among other organisations, with labels."""
    label = TagFactory(name="Migratieketen")
    organisations = OrganisationFactory.create_batch(30, kind=OrganisationKind.MUNICIPALITY, owner=liaison_officer)
    for organisation in organisations[:3]:
        organisation.tags.add(label)
    OrganisationFactory.create_batch(5, kind=OrganisationKind.NGO)
    return organisations


# --- Exactly the rows of the list, in its order, in both formats.


def test_the_csv_holds_every_filtered_organisation_in_the_lists_order_not_only_the_page(
    client, liaison_officer, municipalities
):
    query = {parameter(OrganisationFilterSet, "kind"): "gemeente"} | sort(
        OrganisationFilterSet, "name", descending=True
    )

    response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv", query)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="organisaties-')
    header, *rows = csv_rows(content)
    assert header[:3] == ["id", "naam", "soort"]
    expected = sorted(municipalities, key=lambda organisation: organisation.name, reverse=True)
    assert [row[1] for row in rows] == [organisation.name for organisation in expected]
    assert [int(row[0]) for row in rows] == [organisation.pk for organisation in expected]
    assert len(rows) == 30  # more than the page's 25


def test_the_workbook_holds_the_same_rows_with_dates_as_dates(client, liaison_officer, municipalities):
    due = timezone.localdate() + timedelta(days=3)
    Organisation.objects.filter(pk=municipalities[0].pk).update(next_contact_due_on=due)
    query = {parameter(OrganisationFilterSet, "kind"): "gemeente"}

    response, content = download(signed_in(client, liaison_officer), "/organisaties/", "xlsx", query)

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    header, *rows = xlsx_rows(content)
    assert header[:3] == ["id", "naam", "soort"]
    expected = sorted(municipalities, key=lambda organisation: (organisation.name, organisation.pk))
    assert [row[0] for row in rows] == [organisation.pk for organisation in expected]
    first = rows[[row[0] for row in rows].index(municipalities[0].pk)]
    assert due in [value.date() for value in first if hasattr(value, "date")]
    assert "Migratieketen" in first


def test_english_readers_get_english_headers_and_commas(client, liaison_officer, municipalities):
    _response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv", language="en")

    text = content.decode()
    assert text.startswith(BOM + '"id","name","kind"')
    header, *rows = csv_rows(content, delimiter=",")
    assert header[5] == "liaison officer" and len(rows) == 35
    assert {row[2] for row in rows} == {"municipality", "NGO"}  # the kinds' labels, in English


def test_dutch_readers_get_semicolons_and_every_cell_quoted(client, liaison_officer, municipalities):
    _response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv", language="nl")

    first_line = content.decode().split("\r\n", 1)[0]
    assert first_line.startswith(BOM + '"id";"naam";"soort";')
    assert all(cell.startswith('"') and cell.endswith('"') for cell in first_line.removeprefix(BOM).split(";"))
    assert {row[2] for row in csv_rows(content)[1:]} == {"gemeente", "ngo"}  # the kinds' labels, in Dutch


def test_a_separator_quote_or_line_break_stays_inside_its_cell(client, liaison_officer):
    awkward = 'Stichting "Samen; Sterk",\nUtrecht'
    OrganisationFactory(name=awkward)

    _response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv")

    assert csv_rows(content)[1][1] == awkward


def test_formulas_are_neutralised_in_the_csv(client, liaison_officer):
    for name in FORMULAS:
        OrganisationFactory(name=name)

    _response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv")

    names = {row[1] for row in csv_rows(content)[1:]}
    assert names == {"'" + name for name in FORMULAS}


def test_formulas_are_text_in_the_workbook_never_formulas(client, liaison_officer):
    for name in FORMULAS:
        OrganisationFactory(name=name)

    _response, content = download(signed_in(client, liaison_officer), "/organisaties/", "xlsx")

    sheet = load_workbook(io.BytesIO(content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in names} == set(FORMULAS)
    assert {cell.data_type for cell in names} == {"s"}  # "f" would be a formula


def test_the_download_links_carry_the_pages_filter_and_sort_but_not_its_page(client, liaison_officer, municipalities):
    query = {parameter(OrganisationFilterSet, "kind"): "gemeente", "pagina": "2"} | sort(OrganisationFilterSet, "name")

    page = signed_in(client, liaison_officer).get("/organisaties/", query).content.decode()

    for file_format in ("csv", "xlsx"):
        link = next(line for line in page.splitlines() if f"format={file_format}" in line)
        assert f"{parameter(OrganisationFilterSet, 'kind')}=gemeente" in link
        assert "&amp;".join(f"{key}={value}" for key, value in sort(OrganisationFilterSet, "name").items()) in link
        assert "pagina=" not in link


def test_an_unknown_format_shows_the_page(client, liaison_officer):
    response = signed_in(client, liaison_officer).get("/organisaties/", {"format": "pdf"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


# --- The same doors as the page, what a role may not see, and the access audit.


@pytest.mark.parametrize("url", ["/organisaties/", "/contactpersonen/", "/enquetes/"])
def test_someone_who_may_not_see_the_list_cannot_download_it(client, outsider, url):
    assert signed_in(client, outsider).get(url, {"format": "csv"}).status_code == 403


def test_a_visitor_is_sent_to_log_in(client):
    assert client.get("/contactpersonen/", {"format": "csv"}).status_code == 302


@pytest.fixture
def timeline(liaison_officer, coordinator):
    """An organisation owned by a colleague, with an open interaction and a confidential one of that colleague."""
    colleague = UserFactory(username="colleague", role=liaison_officer.groups.first().name)
    organisation = OrganisationFactory(owner=colleague)
    contact = ContactFactory(organisation=organisation)
    for subject, confidential in (("Open overleg", False), ("Vertrouwelijk gesprek", True)):
        interaction = InteractionFactory(
            organisation=organisation, logged_by=colleague, subject=subject, confidential=confidential
        )
        interaction.contacts.add(contact)
    return organisation


@pytest.mark.parametrize("user", ["reader", "liaison_officer"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_reader_or_another_officer_downloads_no_confidential_interaction(
    client, request, timeline, user, file_format
):
    _response, content = download(signed_in(client, request.getfixturevalue(user)), f"/organisaties/{timeline.pk}/",
                                  file_format)  # fmt: skip

    rows = csv_rows(content) if file_format == "csv" else xlsx_rows(content)
    subjects = [row[3] for row in rows[1:]]
    assert subjects == ["Open overleg"]
    assert not any("Vertrouwelijk" in str(cell) for row in rows for cell in row)


def test_a_coordinator_downloads_the_confidential_interaction_too(client, coordinator, timeline):
    _response, content = download(signed_in(client, coordinator), f"/organisaties/{timeline.pk}/", "csv")

    assert sorted(row[3] for row in csv_rows(content)[1:]) == ["Open overleg", "Vertrouwelijk gesprek"]


@pytest.mark.parametrize(
    ("user", "subjects"), [("reader", ["Open overleg"]), ("coordinator", ["Open overleg", "Vertrouwelijk gesprek"])]
)
def test_the_interaction_list_downloads_its_filter_without_what_the_role_may_not_see(
    client, request, timeline, user, subjects
):
    InteractionFactory(organisation=OrganisationFactory(kind=OrganisationKind.MUNICIPALITY), subject="Andere soort")
    kind = parameter(InteractionFilterSet, "organisation__kind")

    _response, content = download(
        signed_in(client, request.getfixturevalue(user)), "/interacties/", "csv", {kind: "ngo"}
    )

    assert sorted(row[3] for row in csv_rows(content)[1:]) == subjects
    [record] = AccessRecord.objects.all()
    assert (record.action, record.persons) == (AccessAction.LIST, 1)


def test_the_contact_download_is_recorded_with_its_filter_and_every_person(client, reader):
    organisation = OrganisationFactory(kind=OrganisationKind.JUDICIARY)
    ContactFactory.create_batch(27, organisation=organisation)
    ContactFactory.create_batch(2)
    kind = parameter(ContactFilterSet, "organisation__kind")
    before = timezone.now()

    _response, content = download(signed_in(client, reader), "/contactpersonen/", "csv", {kind: "rechtspraak"})

    [record] = AccessRecord.objects.all()
    assert (record.actor_username, record.action, record.contact_id) == ("reader", AccessAction.LIST, None)
    assert record.persons == len(csv_rows(content)) - 1 == 27
    assert record.query == f"/contactpersonen/?{kind}=rechtspraak&format=csv"
    assert record.at >= before


def test_a_timeline_download_is_recorded_with_the_persons_in_it(client, coordinator, timeline):
    download(signed_in(client, coordinator), f"/organisaties/{timeline.pk}/", "xlsx")

    [record] = AccessRecord.objects.all()
    assert (record.action, record.persons) == (AccessAction.LIST, 1)


def test_the_people_of_a_round_download_is_recorded(client, researcher):
    survey_round = SurveyRoundFactory()
    InvitationFactory.create_batch(3, round=survey_round)

    _response, content = download(signed_in(client, researcher), f"/enquetes/{survey_round.pk}/", "csv")

    assert len(csv_rows(content)) == 4
    assert AccessRecord.objects.get().persons == 3


def test_a_round_with_a_long_name_full_of_odd_characters_still_makes_a_workbook(client, researcher):
    survey_round = SurveyRoundFactory(name="'Ronde 2026/2027: [voorjaar] *met* een heel lange naam?'")
    InvitationFactory(round=survey_round)

    response, content = download(signed_in(client, researcher), f"/enquetes/{survey_round.pk}/", "xlsx")

    assert load_workbook(io.BytesIO(content)).active.title == "Ronde 2026 2027   voorjaar   me"
    assert response["Content-Disposition"].startswith('attachment; filename="ronde-20262027-voorjaar-met-een-heel')


def test_an_organisation_download_names_no_contact_person_and_is_not_recorded(client, liaison_officer, municipalities):
    download(signed_in(client, liaison_officer), "/organisaties/", "csv")

    assert not AccessRecord.objects.exists()


def test_the_round_list_downloads_with_its_filter(client, researcher):
    SurveyRoundFactory(name="Open ronde", status="open")
    SurveyRoundFactory(name="Gesloten ronde", status="closed")
    status = parameter(SurveyRoundFilterSet, "status")

    _response, content = download(signed_in(client, researcher), "/enquetes/", "xlsx", {status: "gesloten"})

    assert [row[1] for row in xlsx_rows(content)[1:]] == ["Gesloten ronde"]


# --- The cost: the same number of queries for two rows as for twenty, and large lists come whole.


def queries(client, url: str, file_format: str) -> int:
    client.get(url, {"format": file_format})  # the first request reads the permissions into the cache
    with CaptureQueriesContext(connection) as captured:
        download(client, url, file_format)
    return len(captured)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("list_url", ["/organisaties/", "/contactpersonen/", "timeline", "round"])
def test_a_download_costs_the_same_queries_for_two_or_twenty_rows(client, coordinator, list_url, file_format):
    organisation = OrganisationFactory(owner=coordinator)
    survey_round = SurveyRoundFactory()
    url = {"timeline": f"/organisaties/{organisation.pk}/", "round": f"/enquetes/{survey_round.pk}/"}.get(
        list_url, list_url
    )
    signed_in(client, coordinator)

    def add(count: int) -> None:
        for _ in range(count):
            contact = ContactFactory(organisation=OrganisationFactory(owner=coordinator))
            contact.organisation.tags.add(TagFactory())
            interaction = InteractionFactory(organisation=organisation, logged_by=coordinator)
            interaction.contacts.add(contact)
            InvitationFactory(round=survey_round, contact=contact)

    add(2)
    two = queries(client, url, file_format)
    add(18)

    assert queries(client, url, file_format) == two


def test_ten_thousand_organisations_stream_completely(client, liaison_officer):
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisatie {number:05}", kind=OrganisationKind.NGO) for number in range(10_000)
    )

    response, content = download(signed_in(client, liaison_officer), "/organisaties/", "csv")

    assert response.streaming
    rows = csv_rows(content)
    assert len(rows) == 10_001
    assert rows[-1][1] == "Organisatie 09999"
