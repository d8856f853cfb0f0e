"""Every cell of the permission matrix (crm/roles.py), tried through the web UI, the API and admin, as each role and
as an anonymous visitor: each answer must be exactly the matrix's."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from accounts import roles
from tests.api.clients import token_client
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    InvitationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
)
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Cell:
    record: str  # app_label.model
    action: str
    channel: str  # ui, api or admin
    method: str
    url: str
    # How the channel refuses: 403, except where refusing means the record does not exist for you.
    refused: int = 403

    def __str__(self):
        return f"{self.record}:{self.action}:{self.channel}:{self.method}"


def admin_cells(record: str, *, actions=roles.MODEL_ACTIONS) -> list[Cell]:
    app, model = record.split(".")
    base = f"/admin/{app}/{model}/"
    urls = {
        "view": base,
        "add": f"{base}add/",
        "change": f"{base}{{{model}}}/change/",
        "delete": f"{base}{{{model}}}/delete/",
    }
    return [Cell(record, action, "admin", "GET", urls[action]) for action in actions]


CELLS = [
    Cell("stakeholders.organisation", "view", "ui", "GET", "/organisaties/{organisation}/"),
    Cell("stakeholders.organisation", "view", "api", "GET", "/api/v1/organisaties/{organisation}"),
    Cell("stakeholders.organisation", "add", "ui", "GET", "/organisaties/nieuw/"),
    Cell("stakeholders.organisation", "add", "api", "POST", "/api/v1/organisaties"),
    Cell("stakeholders.organisation", "change", "ui", "GET", "/organisaties/{organisation}/bewerken/"),
    Cell("stakeholders.organisation", "change", "api", "PATCH", "/api/v1/organisaties/{organisation}"),
    *admin_cells("stakeholders.organisation"),
    Cell("stakeholders.organisationrelation", "view", "api", "GET", "/api/v1/relaties/{organisationrelation}"),
    Cell("stakeholders.organisationrelation", "add", "api", "POST", "/api/v1/relaties"),
    *admin_cells("stakeholders.organisationrelation"),
    Cell("stakeholders.contact", "view", "ui", "GET", "/contactpersonen/{contact}/"),
    Cell("stakeholders.contact", "view", "api", "GET", "/api/v1/contactpersonen/{contact}"),
    Cell("stakeholders.contact", "add", "ui", "GET", "/organisaties/{organisation}/contactpersonen/nieuw/"),
    Cell("stakeholders.contact", "add", "api", "POST", "/api/v1/contactpersonen"),
    Cell("stakeholders.contact", "change", "ui", "GET", "/contactpersonen/{contact}/bewerken/"),
    Cell("stakeholders.contact", "change", "api", "PATCH", "/api/v1/contactpersonen/{contact}"),
    Cell("stakeholders.contact", "export", "ui", "GET", "/contactpersonen/{contact}/gegevens.json"),
    Cell("stakeholders.contact", "erase", "ui", "GET", "/contactpersonen/{contact}/wissen/"),
    *admin_cells("stakeholders.contact"),
    Cell("stakeholders.interaction", "view", "api", "GET", "/api/v1/interacties/{interaction}"),
    Cell("stakeholders.interaction", "add", "ui", "GET", "/organisaties/{organisation}/contact-vastleggen/"),
    Cell("stakeholders.interaction", "add", "api", "POST", "/api/v1/interacties"),
    Cell("stakeholders.interaction", "view_confidential", "api", "GET", "/api/v1/interacties/{confidential}", 404),
    Cell("stakeholders.interaction", "view_confidential", "admin", "GET",
         "/admin/stakeholders/interaction/{confidential}/change/", 302),
    # The steering figures count every interaction, confidential ones included.
    Cell("stakeholders.interaction", "view_confidential", "ui", "GET", "/sturing/"),
    Cell("stakeholders.interaction", "view_confidential", "api", "GET", "/api/v1/sturing"),
    *admin_cells("stakeholders.interaction"),
    Cell("stakeholders.followupaction", "change", "ui", "POST", "/vervolgacties/{followupaction}/afronden/"),
    *admin_cells("stakeholders.followupaction"),
    *admin_cells("stakeholders.tier"),
    Cell("stakeholders.tag", "view", "api", "GET", "/api/v1/labels"),
    Cell("stakeholders.tag", "add", "api", "POST", "/api/v1/labels"),
    *admin_cells("stakeholders.tag"),
    *admin_cells("stakeholders.topic"),
    Cell("surveys.surveyround", "view", "ui", "GET", "/enquetes/{surveyround}/"),
    Cell("surveys.surveyround", "view", "ui", "GET", "/enquetes/{surveyround}/resultaten/"),
    Cell("surveys.surveyround", "view", "api", "GET", "/api/v1/enquete-rondes/{surveyround}"),
    Cell("surveys.surveyround", "add", "ui", "GET", "/enquetes/nieuw/"),
    Cell("surveys.surveyround", "change", "ui", "GET", "/enquetes/{surveyround}/bewerken/"),
    Cell("surveys.surveyround", "change", "ui", "POST", "/enquetes/{surveyround}/inplannen/"),
    Cell("surveys.surveyround", "change", "ui", "POST", "/enquetes/{surveyround}/herinneren/"),
    Cell("surveys.surveyround", "change", "ui", "GET", "/enquetes/{surveyround}/sluiten/"),
    *admin_cells("surveys.surveyround"),
    *admin_cells("surveys.questionnaire"),
    # Questions are edited inline on their questionnaire; invitations are made by the rounds job only, never by hand.
    *admin_cells("surveys.invitation", actions=("view", "change", "delete")),
]  # fmt: skip


@pytest.fixture
def records() -> dict[str, int]:
    """One record of every kind, none of them owned or logged by the users under test."""
    interaction = InteractionFactory()
    contact = ContactFactory(organisation=interaction.organisation)
    invitation = InvitationFactory(contact=contact, round=SurveyRoundFactory(status="draft"))
    return {
        "organisation": interaction.organisation_id,
        "contact": contact.pk,
        "interaction": interaction.pk,
        "confidential": InteractionFactory(organisation=interaction.organisation, confidential=True).pk,
        "followupaction": FollowUpActionFactory(interaction=interaction).pk,
        "organisationrelation": OrganisationRelationFactory().pk,
        "tier": interaction.organisation.tier_id,
        "tag": TagFactory().pk,
        "topic": TopicFactory().pk,
        "surveyround": invitation.round_id,
        "questionnaire": invitation.round.questionnaire_id,
        "question": invitation.round.questionnaire.questions.first().pk,
        "invitation": invitation.pk,
    }


def answer(cell: Cell, role: str, url: str) -> int:
    """The status of the cell's request as this role; admin's view-only change page counts as refusing a change."""
    if role == ANONYMOUS:
        from django.test import Client
        from rest_framework.test import APIClient

        client = APIClient() if cell.channel == "api" else Client()
    else:
        user = UserFactory(username=f"as-{role.lower().replace(' ', '-')}", role=role, is_staff=True)
        client = token_client(user) if cell.channel == "api" else _logged_in(user)
    response = getattr(client, cell.method.lower())(url, {}, format="json") if cell.channel == "api" else (
        getattr(client, cell.method.lower())(url)
    )  # fmt: skip
    if cell.channel == "admin" and cell.action == "change" and response.status_code == 200:
        return 200 if response.context["has_change_permission"] else 403
    return response.status_code


def _logged_in(user):
    client = SignedInClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("cell", CELLS, ids=str)
def test_every_role_gets_exactly_the_matrix_answer(cell, records):
    url = cell.url.format(**records)
    wrong = []
    for role in [*roles.ROLES, ANONYMOUS]:
        status = answer(cell, role, url)
        if role == ANONYMOUS:
            expected = {"ui": 302, "admin": 302, "api": 401}[cell.channel]
            allowed = status == expected
        elif roles.role_may(role, cell.record, cell.action):
            allowed = status not in (401, 403, cell.refused)
        else:
            allowed = status == cell.refused
        if not allowed:
            wrong.append(f"{role}: {status}")
    assert not wrong, f"{cell} {url}: {wrong}"


def test_the_matrix_in_the_security_docs_is_the_one_in_the_code():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()

    shown = docs.split("<!-- permission-matrix -->\n", 1)[1].split("<!-- /permission-matrix -->", 1)[0]
    assert shown == roles.permission_matrix_markdown()
