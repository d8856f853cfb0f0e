import csv
import io

import pytest

from tests.factories import ContactFactory, OrganisationFactory, TagFactory

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()), delimiter=";"))


def test_filtered_list_comes_as_csv_with_every_matching_row(api):
    OrganisationFactory.create_batch(25, kind="ngo")
    OrganisationFactory(kind="municipality")

    exported = rows(api.get("/api/v1/organisaties?soort=ngo", HTTP_ACCEPT="text/csv"))

    assert len(exported) == 25
    assert {(row["soort"], row["status"]) for row in exported} == {("ngo", "actief")}
    assert "kvkNummer" in exported[0] and "volgendContactUiterlijkOp" in exported[0]
    assert not {"kind", "kvkNumber", "contactpersonen"} & set(exported[0])


def test_spreadsheet_formulas_are_neutralised(api):
    organisation = OrganisationFactory(name='=HYPERLINK("http://evil.example")', notes="+31 6 1234")
    organisation.tags.add(TagFactory(name="@risk"))

    (row,) = rows(api.get("/api/v1/organisaties", HTTP_ACCEPT="text/csv"))

    assert row["naam"] == '\'=HYPERLINK("http://evil.example")'
    assert row["notities"] == "'+31 6 1234"
    assert row["labels"] == "'@risk"


def test_contacts_of_an_organisation_export_as_csv(api):
    organisation = OrganisationFactory()
    ContactFactory.create_batch(3, organisation=organisation)
    ContactFactory()

    response = api.get(f"/api/v1/organisaties/{organisation.id}/contactpersonen", HTTP_ACCEPT="text/csv")

    assert len(rows(response)) == 3
    assert 'filename="contactpersonen.csv"' in response["Content-Disposition"]


def test_bad_filter_on_a_csv_request_is_still_a_problem(api):
    response = api.get("/api/v1/organisaties?soort=club", HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_single_record_is_not_offered_as_csv(api):
    organisation = OrganisationFactory()

    assert api.get(f"/api/v1/organisaties/{organisation.id}", HTTP_ACCEPT="text/csv").status_code == 406
