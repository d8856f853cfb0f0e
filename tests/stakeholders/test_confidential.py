"""A confidential interaction is seen by its author, the organisation's liaison officer and coordinators only:
in pages, the API, its CSV, the JSON export, admin and its search. Guessing its id gives nothing."""

import pytest

from accounts import roles
from tests.api.clients import token_client
from tests.factories import ContactFactory, FollowUpActionFactory, InteractionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Vertrouwelijk gesprek over casus X"


@pytest.fixture
def secret_interaction(liaison_officer):
    organisation = OrganisationFactory(owner=liaison_officer)
    contact = ContactFactory(organisation=organisation)
    interaction = InteractionFactory(
        organisation=organisation, logged_by=liaison_officer, subject=SECRET, notes="Geheim", confidential=True
    )
    interaction.contacts.add(contact)
    FollowUpActionFactory(interaction=interaction, assignee=liaison_officer, description="Geheime vervolgactie")
    return interaction


@pytest.fixture
def colleague(db):
    """Another liaison officer, with admin access: the role may see interactions, but not this one."""
    return UserFactory(username="colleague", role=roles.LIAISON_OFFICERS, is_staff=True)


def everything_seen_by(client, api, interaction) -> str:
    organisation, contact = interaction.organisation, interaction.contacts.get()
    pages = [
        client.get(f"/organisaties/{organisation.pk}/"),
        client.get(f"/contactpersonen/{contact.pk}/"),
        client.get("/"),
        client.get(f"/admin/stakeholders/interaction/?q={SECRET[:12]}"),
        client.get(f"/admin/stakeholders/interaction/{interaction.pk}/change/"),
        client.get(f"/admin/stakeholders/interaction/{interaction.pk}/history/"),
        client.get("/admin/stakeholders/followupaction/"),
        client.get(
            "/admin/autocomplete/?app_label=stakeholders&model_name=followupaction&field_name=interaction&term=Vertr"
        ),
        api.get("/api/v1/interacties"),
        api.get(f"/api/v1/interacties/{interaction.pk}"),
        api.get("/api/v1/interacties", HTTP_ACCEPT="text/csv"),
    ]
    return "".join(
        b"".join(page.streaming_content).decode() if page.streaming else page.content.decode() for page in pages
    )


def test_a_colleague_who_guesses_the_id_gets_nothing_of_it_anywhere(client, colleague, secret_interaction):
    client.force_login(colleague)

    seen = everything_seen_by(client, token_client(colleague), secret_interaction)

    assert SECRET not in seen
    assert "Geheim" not in seen
    assert token_client(colleague).get(f"/api/v1/interacties/{secret_interaction.pk}").status_code == 404


@pytest.mark.parametrize("who", ["liaison_officer", "coordinator"])
def test_the_author_and_coordinators_see_it(client, who, secret_interaction, request):
    user = request.getfixturevalue(who)
    user.is_staff = True
    user.save()
    client.force_login(user)

    seen = everything_seen_by(client, token_client(user), secret_interaction)

    assert seen.count(SECRET) >= 5
    assert "Geheime vervolgactie" in seen


def test_the_organisations_liaison_officer_sees_it_though_a_colleague_logged_it(client, colleague, liaison_officer):
    organisation = OrganisationFactory(owner=liaison_officer)
    InteractionFactory(organisation=organisation, logged_by=colleague, subject=SECRET, confidential=True)
    client.force_login(liaison_officer)

    assert SECRET in client.get(f"/organisaties/{organisation.pk}/").content.decode()


def test_a_confidential_interaction_can_be_logged_in_the_ui_and_the_api(client, liaison_officer):
    organisation = OrganisationFactory(owner=liaison_officer)
    api = token_client(liaison_officer)

    response = api.post(
        "/api/v1/interacties",
        {"organisatie": organisation.pk, "kanaal": "telefoongesprek", "plaatsgevondenOp": "2026-01-05T10:00:00Z",
         "onderwerp": SECRET, "vertrouwelijk": True},
        format="json",
    )  # fmt: skip

    assert response.status_code == 201
    assert response.json()["vertrouwelijk"] is True


def test_a_colleague_cannot_complete_a_follow_up_of_it(client, colleague, secret_interaction):
    client.force_login(colleague)
    follow_up = secret_interaction.follow_ups.get()

    assert client.post(f"/vervolgacties/{follow_up.pk}/afronden/").status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
