"""A cell that starts with =, +, - or @ is a formula to a spreadsheet: every export neutralises it."""

import csv
import io

import pytest
from openpyxl import load_workbook

from stakeholders.resources import ContactResource, OrganisationResource
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    TagFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

FORMULAS = {
    "equals": '=HYPERLINK("http://evil.example","y")',
    "double-equals": '==HYPERLINK("http://evil.example","y")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def live_formulas(cells) -> list[str]:
    return [cell for cell in cells if isinstance(cell, str) and cell.startswith(TRIGGERS)]


def csv_cells(content: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    return [cell for row in rows[1:] for cell in row]


def hostile_records(formula: str, *, officer):
    """Every free-text field of every exported record starts with the formula."""
    organisation = OrganisationFactory(
        owner=officer, name=formula, short_name=formula[:50], street_address=formula, postal_code=formula[:12],
        city=formula, phone=formula[:30], notes=formula,
    )  # fmt: skip
    organisation.tags.add(TagFactory(name=formula))
    ContactFactory(
        organisation=organisation, first_name=formula, name_prefix=formula[:20], last_name=formula,
        job_title=formula, phone=formula[:30], notes=formula,
    )  # fmt: skip
    interaction = InteractionFactory(organisation=organisation, logged_by=officer, subject=formula, notes=formula)
    interaction.topics.add(TopicFactory(name=formula))
    OrganisationRelationFactory(source=organisation, description=formula)
    SurveyRoundFactory(name=formula)
    return organisation


API_LISTS = [
    "/api/v1/organisaties",
    "/api/v1/contactpersonen",
    "/api/v1/organisaties/{organisation}/contactpersonen",
    "/api/v1/interacties",
    "/api/v1/relaties",
    "/api/v1/labels",
    "/api/v1/enquete-rondes",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_api_csv_starts_every_formula_cell_with_an_apostrophe(api, liaison_officer, formula):
    organisation = hostile_records(FORMULAS[formula], officer=liaison_officer)

    for path in API_LISTS:
        response = api.get(path.format(organisation=organisation.pk), HTTP_ACCEPT="text/csv")
        assert response.status_code == 200, path
        cells = csv_cells(b"".join(response.streaming_content).decode())
        assert live_formulas(cells) == [], path
        assert "'" + FORMULAS[formula] in cells, path


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_survey_results_csv_starts_every_formula_cell_with_an_apostrophe(researcher, client, formula):
    survey_round = SurveyRoundFactory(status="closed")
    survey_round.questionnaire.questions.update(text_nl=FORMULAS[formula], text_en=FORMULAS[formula])
    client.force_login(researcher)

    response = client.get(f"/enquetes/{survey_round.pk}/resultaten.csv")

    assert response.status_code == 200
    cells = csv_cells(response.content.decode())
    assert live_formulas(cells) == []
    assert "'" + FORMULAS[formula] in cells


def admin_export(admin_client, model: str, resource, file_format: str):
    """The admin's export page as a person uses it: every field ticked, CSV ("0") or Excel ("1")."""
    prefix = resource.__name__.lower()
    fields = {f"{prefix}_{name}": "on" for name in resource._meta.fields}
    return admin_client.post(f"/admin/stakeholders/{model}/export/", {"resource": "0", "format": file_format, **fields})


EXPORTS = [("organisation", OrganisationResource), ("contact", ContactResource)]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_admin_csv_export_has_no_cell_that_starts_a_formula(admin_client, liaison_officer, formula):
    hostile_records(FORMULAS[formula], officer=liaison_officer)

    live = {}
    for model, resource in EXPORTS:
        response = admin_export(admin_client, model, resource, "0")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), model
        live[model] = live_formulas(csv_cells(response.content.decode()))
    assert live == {"organisation": [], "contact": []}


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_admin_excel_export_has_no_formula_cell(admin_client, liaison_officer, formula):
    hostile_records(FORMULAS[formula], officer=liaison_officer)

    formula_cells = {}
    for model, resource in EXPORTS:
        response = admin_export(admin_client, model, resource, "1")
        assert response.status_code == 200, model
        sheet = load_workbook(io.BytesIO(response.content)).active
        formula_cells[model] = [cell.value for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == {"organisation": [], "contact": []}
