"""Dutch Excel splits a CSV line on `;`: a value with a `;`, a quote or a line break in it must stay one cell, or the
piece after it becomes a cell of its own that can be a formula. Every CSV the product writes (the API's lists, the
survey results, admin's export) is read back here as that spreadsheet reads it, with `;` between cells."""

import csv
import io

import pytest

from stakeholders.resources import OrganisationResource
from tests.factories import ContactFactory, OrganisationFactory, SurveyRoundFactory
from tests.security.test_hostile_exports import admin_export

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What the attacker types into a free-text field, and what the cell must read.
HOSTILE = {
    "separator then formula": ('Stichting;=HYPERLINK("http://evil.example","y")', None),
    "starts with the separator": (";=1+1", None),
    "quote and separator": ("Zeg \"hoi\";=cmd|' /C calc'!A0", None),
    "tab before a formula": ("\t=1+1", "'\t=1+1"),
    "carriage return before a formula": ("\r=1+1", "'\r=1+1"),
    "line break then formula": ("regel\n=1+1", None),
}


def cells_as_dutch_excel_reads_them(content: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))


def assert_one_cell_each(rows: list[list[str]], values: list[str]) -> None:
    width = len(rows[0])
    assert all(len(row) == width for row in rows), [len(row) for row in rows]
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell.startswith(TRIGGERS)]
    for value in values:
        assert value in cells, value


def expected(name: str) -> str:
    typed, shown = HOSTILE[name]
    return shown or typed


@pytest.mark.parametrize("name", HOSTILE)
def test_the_api_csv_keeps_every_hostile_value_in_its_own_cell(api, name):
    organisation = OrganisationFactory(name=HOSTILE[name][0][:200], notes=HOSTILE[name][0])
    ContactFactory(organisation=organisation, job_title=HOSTILE[name][0])

    for path in ("/api/v1/organisaties", "/api/v1/contactpersonen"):
        response = api.get(path, HTTP_ACCEPT="text/csv")
        rows = cells_as_dutch_excel_reads_them(b"".join(response.streaming_content).decode())
        assert_one_cell_each(rows, [expected(name)])


@pytest.mark.parametrize("name", HOSTILE)
def test_admins_csv_export_keeps_every_hostile_value_in_its_own_cell(admin_client, name):
    OrganisationFactory(name=HOSTILE[name][0][:200], notes=HOSTILE[name][0])

    response = admin_export(admin_client, "organisation", OrganisationResource, "0")

    assert_one_cell_each(cells_as_dutch_excel_reads_them(response.content.decode()), [expected(name)])


@pytest.mark.parametrize("name", HOSTILE)
def test_the_survey_results_csv_keeps_every_hostile_value_in_its_own_cell(client, researcher, name):
    survey_round = SurveyRoundFactory(status="closed")
    survey_round.questionnaire.questions.update(text_nl=HOSTILE[name][0], text_en=HOSTILE[name][0])
    client.force_login(researcher)

    response = client.get(f"/enquetes/{survey_round.pk}/resultaten.csv")

    assert_one_cell_each(cells_as_dutch_excel_reads_them(response.content.decode()), [expected(name)])


def test_a_file_admin_exported_imports_again(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stakeholders.models import Organisation

    OrganisationFactory(name="Stichting; met puntkomma", notes='Zei "ja"')
    exported = admin_export(admin_client, "organisation", OrganisationResource, "0").content
    Organisation.objects.update(notes="")

    preview = admin_client.post(
        "/admin/stakeholders/organisation/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("o.csv", exported)},
    )
    confirmed = admin_client.post(
        "/admin/stakeholders/organisation/process_import/", preview.context["confirm_form"].initial
    )

    assert confirmed.status_code == 302
    assert Organisation.objects.get(name="Stichting; met puntkomma").notes == 'Zei "ja"'
