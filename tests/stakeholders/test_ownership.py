"""Who looks after an organisation sees its confidential interactions, so only coordinators and administrators
choose its liaison officer, at every door; both the previous and the new officer are told. The attack: a liaison
officer makes themselves the officer of a colleague's organisation, reads the colleague's confidential interaction
and hands the organisation back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from mail.models import OutboxMessage
from stakeholders.mails import MailKind
from stakeholders.models import Organisation
from tests.api.clients import token_client
from tests.factories import InteractionFactory, OrganisationFactory, UserFactory
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db

SECRET = "Vertrouwelijk gesprek over casus X"


@pytest.fixture
def organisation(liaison_officer):
    """The victim's organisation, with the victim's confidential interaction."""
    organisation = OrganisationFactory(owner=liaison_officer)
    InteractionFactory(organisation=organisation, logged_by=liaison_officer, subject=SECRET, confidential=True)
    return organisation


@pytest.fixture
def attacker(db):
    """Another liaison officer, with admin access: the role may change organisations, but not their officer."""
    return UserFactory(username="attacker", role=roles.LIAISON_OFFICERS, is_staff=True)


def signed_in(user) -> SignedInClient:
    client = SignedInClient()
    client.force_login(user)
    return client


def reads_the_secret(attacker, organisation) -> bool:
    interactions = token_client(attacker).get("/api/v1/interacties", {"organisatie": organisation.pk})
    page = signed_in(attacker).get(f"/organisaties/{organisation.pk}/")
    return SECRET in interactions.content.decode() or SECRET in page.content.decode()


def test_an_officer_who_patches_the_owner_to_themselves_through_the_api_is_refused(attacker, organisation):
    response = token_client(attacker).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": "attacker"}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Organisation.objects.get(pk=organisation.pk).owner.username == "officer"
    assert not reads_the_secret(attacker, organisation)
    assert not OutboxMessage.objects.exists()


def test_an_officer_cannot_take_an_unowned_organisation_either(attacker, liaison_officer):
    organisation = OrganisationFactory(owner=None)
    InteractionFactory(organisation=organisation, logged_by=liaison_officer, subject=SECRET, confidential=True)

    response = token_client(attacker).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": "attacker"}, format="json"
    )

    assert response.status_code == 400
    assert Organisation.objects.get(pk=organisation.pk).owner is None
    assert not reads_the_secret(attacker, organisation)


def test_an_officer_cannot_give_a_new_organisation_to_a_colleague(attacker, liaison_officer):
    response = token_client(attacker).post(
        "/api/v1/organisaties",
        {"naam": "Stichting Terug", "soort": "ngo", "relatiebeheerder": "officer"},
        format="json",
    )

    assert response.status_code == 400
    assert not Organisation.objects.filter(name="Stichting Terug").exists()


def test_an_officer_may_take_a_new_organisation_of_their_own(attacker):
    response = token_client(attacker).post(
        "/api/v1/organisaties",
        {"naam": "Stichting Terug", "soort": "ngo", "relatiebeheerder": "attacker"},
        format="json",
    )

    assert response.status_code == 201
    assert Organisation.objects.get(name="Stichting Terug").owner.username == "attacker"


def test_the_web_form_shows_officers_the_owner_but_ignores_one_they_post(attacker, organisation):
    client = signed_in(attacker)
    form = client.get(f"/organisaties/{organisation.pk}/bewerken/")
    assert form.context["form"].fields["owner"].disabled

    response = client.post(
        f"/organisaties/{organisation.pk}/bewerken/",
        {"name": organisation.name, "kind": organisation.kind, "scope": organisation.scope, "status": "active",
         "country": "NL", "influence": "3", "interest": "3", "owner": attacker.pk},
    )  # fmt: skip

    assert response.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).owner.username == "officer"
    assert not reads_the_secret(attacker, organisation)


def test_an_officer_who_changes_the_owner_in_admin_is_refused(attacker, organisation):
    client = signed_in(attacker)
    page = client.get(f"/admin/stakeholders/organisation/{organisation.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data |= {"owner": attacker.pk, "tags": [], "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
             "outgoing_relations-TOTAL_FORMS": "0", "outgoing_relations-INITIAL_FORMS": "0"}  # fmt: skip
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()

    response = client.post(f"/admin/stakeholders/organisation/{organisation.pk}/change/", data)

    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    assert Organisation.objects.get(pk=organisation.pk).owner.username == "officer"
    assert not reads_the_secret(attacker, organisation)
    changelist = client.get(f"/admin/stakeholders/interaction/?q={SECRET[:12]}")
    assert SECRET not in changelist.content.decode()


def test_an_officer_who_imports_themselves_as_owner_is_refused(attacker, organisation):
    client = signed_in(attacker)
    csv = (
        "id,name,kind,scope,kvk_number,country,tier,owner,influence,interest,status\n"
        f"{organisation.pk},{organisation.name},{organisation.kind},local,,NL,,attacker,3,3,active\n"
    )

    preview = client.post(
        "/admin/stakeholders/organisation/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("o.csv", csv.encode())},
    )

    result = preview.context["result"]
    assert result.has_validation_errors() or result.has_errors()
    assert "confirm_form" not in preview.context
    assert Organisation.objects.get(pk=organisation.pk).owner.username == "officer"


def test_a_coordinator_hands_an_organisation_over_and_both_officers_are_told(coordinator, organisation):
    successor = UserFactory(username="successor", role=roles.LIAISON_OFFICERS)

    response = token_client(coordinator).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": "successor"}, format="json"
    )

    assert response.status_code == 200
    assert Organisation.objects.get(pk=organisation.pk).owner == successor
    told = {(message.user.username, message.kind) for message in OutboxMessage.objects.all()}
    assert told == {("successor", MailKind.OWNER_ASSIGNED), ("officer", MailKind.OWNER_UNASSIGNED)}
    farewell = OutboxMessage.objects.get(kind=MailKind.OWNER_UNASSIGNED)
    assert organisation.name in farewell.subject
    assert successor.get_full_name() in farewell.body_text


def test_the_previous_officer_is_told_in_their_own_language(coordinator, organisation, liaison_officer):
    from mail.models import MailPreferences

    preferences = MailPreferences.of(liaison_officer)
    preferences.language = "en"
    preferences.save()

    token_client(coordinator).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": None}, format="json"
    )

    farewell = OutboxMessage.objects.get(kind=MailKind.OWNER_UNASSIGNED)
    assert farewell.subject == f"You are no longer the liaison officer of {organisation.name}"
    assert "It has no liaison officer now" in farewell.body_text


def test_the_previous_officer_is_told_in_dutch_by_default(coordinator, organisation):
    token_client(coordinator).patch(
        f"/api/v1/organisaties/{organisation.pk}", {"relatiebeheerder": None}, format="json"
    )

    farewell = OutboxMessage.objects.get(kind=MailKind.OWNER_UNASSIGNED)
    assert farewell.subject == f"U bent niet langer relatiebeheerder van {organisation.name}"
