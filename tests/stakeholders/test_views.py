"""The web UI's pages: who may do what, what a form writes, and what a list costs in queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mail.models import OutboxMessage
from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    TagFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    # The first request after a user is made or a role changes reads the permissions into the shared cache
    # (accounts/permission_cache.py); the count is of the requests after it.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def busy_organisations(count: int, *, owner) -> list[Organisation]:
    """Organisations with everything a list or page shows: labels, contacts, contacts logged, follow-ups, relations."""
    organisations = OrganisationFactory.create_batch(count, owner=owner)
    for organisation in organisations:
        organisation.tags.add(TagFactory())
        contact = ContactFactory(organisation=organisation)
        interaction = InteractionFactory(organisation=organisation, logged_by=owner)
        interaction.contacts.add(contact)
        interaction.topics.add(TopicFactory())
        FollowUpActionFactory(interaction=interaction, assignee=owner, due_on=timezone.localdate())
    for source, target in zip(organisations, organisations[1:], strict=False):
        OrganisationRelationFactory(source=source, target=target)
    return organisations


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/organisaties/",
        "/organisaties/?sorteer=-volgendContactUiterlijkOp",
        "/contactpersonen/",
        "/kaart/",
        "/enquetes/",
    ],
)
def test_list_pages_cost_the_same_queries_for_two_or_twenty_rows(client, liaison_officer, url):
    client.force_login(liaison_officer)
    busy_organisations(2, owner=liaison_officer)
    two = queries(client, url)
    busy_organisations(18, owner=liaison_officer)

    assert queries(client, url) == two


def test_an_organisation_page_costs_the_same_queries_for_a_short_or_long_history(client, liaison_officer):
    client.force_login(liaison_officer)
    organisation = busy_organisations(1, owner=liaison_officer)[0]
    url = f"/organisaties/{organisation.pk}/"
    short = queries(client, url)
    for _ in range(10):
        interaction = InteractionFactory(organisation=organisation, logged_by=liaison_officer)
        interaction.contacts.add(ContactFactory(organisation=organisation))
        FollowUpActionFactory(interaction=interaction, assignee=liaison_officer)

    assert queries(client, url) == short


def test_the_dashboard_puts_overdue_organisations_first(client, liaison_officer):
    client.force_login(liaison_officer)
    later = OrganisationFactory(owner=liaison_officer, name="Later")
    overdue = OrganisationFactory(owner=liaison_officer, name="Te laat")
    Organisation.objects.filter(pk=later.pk).update(next_contact_due_on=timezone.localdate() + timedelta(days=30))
    Organisation.objects.filter(pk=overdue.pk).update(next_contact_due_on=timezone.localdate() - timedelta(days=3))
    OrganisationFactory(name="Someone else's")

    shown = list(client.get("/").context["organisations"])

    assert shown == [overdue, later]


def log_form(organisation, contact, **changes) -> dict:
    data = {
        "contacts": [contact.pk],
        "channel": "call",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "subject": "Telefonisch overleg over terugkeer",
        "notes": "Afspraken gemaakt.",
        "vervolg-TOTAL_FORMS": "2",
        "vervolg-INITIAL_FORMS": "0",
        "vervolg-MIN_NUM_FORMS": "0",
        "vervolg-MAX_NUM_FORMS": "10",
        "vervolg-0-description": "Verslag sturen",
        "vervolg-0-assignee": str(organisation.owner_id),
        "vervolg-0-due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "vervolg-1-description": "",
        "vervolg-1-assignee": str(organisation.owner_id),
        "vervolg-1-due_on": "",
    }
    return data | changes


def test_an_officer_logs_a_contact_with_a_follow_up_in_one_form(client, liaison_officer):
    client.force_login(liaison_officer)
    organisation = OrganisationFactory(owner=liaison_officer)
    contact = ContactFactory(organisation=organisation)

    response = client.post(f"/organisaties/{organisation.pk}/contact-vastleggen/", log_form(organisation, contact))

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.logged_by == liaison_officer
    assert list(interaction.contacts.all()) == [contact]
    assert [(f.description, f.assignee) for f in interaction.follow_ups.all()] == [("Verslag sturen", liaison_officer)]
    organisation.refresh_from_db()
    assert organisation.last_contact_on == timezone.localdate()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"occurred_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}, "occurred_at"),
        ({"vervolg-0-description": ""}, "description"),
        ({"contacts": ["999999"]}, "contacts"),
    ],
)
def test_a_bad_contact_form_shows_the_error_beside_its_field_and_writes_nothing(
    client, liaison_officer, changes, field
):
    client.force_login(liaison_officer)
    organisation = OrganisationFactory(owner=liaison_officer)
    contact = ContactFactory(organisation=organisation)

    response = client.post(
        f"/organisaties/{organisation.pk}/contact-vastleggen/", log_form(organisation, contact, **changes)
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="utrecht-alert utrecht-alert--error error-summary" role="alert"' in page
    assert 'aria-invalid="true"' in page
    assert f'{field}_error"' in page
    assert not Interaction.objects.exists()
    assert not FollowUpAction.objects.exists()


def test_another_organisations_contact_cannot_be_ticked(client, liaison_officer):
    client.force_login(liaison_officer)
    organisation = OrganisationFactory(owner=liaison_officer)
    stranger = ContactFactory()

    client.post(f"/organisaties/{organisation.pk}/contact-vastleggen/", log_form(organisation, stranger))

    assert not Interaction.objects.exists()


def test_completing_a_follow_up_marks_it_done_once(client, liaison_officer):
    client.force_login(liaison_officer)
    follow_up = FollowUpActionFactory(assignee=liaison_officer)

    client.post(f"/vervolgacties/{follow_up.pk}/afronden/", {"next": "/"})
    follow_up.refresh_from_db()
    first = follow_up.done_at
    response = client.post(f"/vervolgacties/{follow_up.pk}/afronden/", {"next": "https://elsewhere.example/"})
    follow_up.refresh_from_db()

    assert first is not None
    assert follow_up.done_at == first
    assert response["Location"] == f"/organisaties/{follow_up.interaction.organisation_id}/"


def test_a_new_owner_of_an_organisation_edited_in_the_ui_is_told(client, coordinator, liaison_officer):
    client.force_login(coordinator)
    organisation = OrganisationFactory(owner=coordinator)
    form = client.get(f"/organisaties/{organisation.pk}/bewerken/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}

    response = client.post(f"/organisaties/{organisation.pk}/bewerken/", data | {"owner": liaison_officer.pk})

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(user=liaison_officer, kind="owner_assigned").count() == 1


def test_an_invalid_filter_is_shown_beside_its_field_and_the_page_still_answers(client, reader):
    client.force_login(reader)

    response = client.get("/organisaties/?soort=nonsense&sorteer=,")

    assert response.status_code == 200
    assert 'id="id_soort_error"' in response.content.decode()


EDIT_URLS = [
    "/organisaties/nieuw/",
    "/organisaties/{organisation}/bewerken/",
    "/organisaties/{organisation}/contact-vastleggen/",
    "/organisaties/{organisation}/contactpersonen/nieuw/",
    "/contactpersonen/{contact}/bewerken/",
    "/contactpersonen/{contact}/gegevens.json",
    "/contactpersonen/{contact}/wissen/",
    "/contact-vastleggen/",
]


@pytest.mark.parametrize("url", EDIT_URLS)
def test_a_reader_gets_403_on_every_page_that_changes_something(client, reader, url):
    client.force_login(reader)
    contact = ContactFactory()

    response = client.get(url.format(organisation=contact.organisation_id, contact=contact.pk))

    assert response.status_code == 403


def test_a_reader_sees_no_buttons_that_change_something(client, reader):
    client.force_login(reader)
    contact = ContactFactory()
    FollowUpActionFactory(interaction=InteractionFactory(organisation=contact.organisation))

    pages = [f"/organisaties/{contact.organisation_id}/", "/organisaties/", f"/contactpersonen/{contact.pk}/", "/"]
    html = "".join(client.get(page).content.decode() for page in pages)

    for marker in ["/bewerken/", "/nieuw/", "/contact-vastleggen/", "/afronden/", "/wissen/", "gegevens.json"]:
        assert marker not in html


def test_a_visitor_is_sent_to_log_in(client):
    assert client.get("/organisaties/")["Location"].startswith("/login/")


def test_a_coordinator_exports_one_persons_data_as_json(client, coordinator):
    client.force_login(coordinator)
    contact = ContactFactory(first_name="Fatima", last_name="El Amrani")
    InteractionFactory(organisation=contact.organisation, subject="Kennismaking").contacts.add(contact)

    response = client.get(f"/contactpersonen/{contact.pk}/gegevens.json")

    data = response.json()
    assert response["Content-Disposition"].startswith("attachment")
    assert data["contact"]["last_name"] == "El Amrani"
    assert [item["subject"] for item in data["interactions"]] == ["Kennismaking"]
    assert data["history"][0]["first_name"] == "Fatima"


def test_an_officer_may_not_export_or_erase(client, liaison_officer):
    client.force_login(liaison_officer)
    contact = ContactFactory()

    assert client.get(f"/contactpersonen/{contact.pk}/gegevens.json").status_code == 403
    assert client.post(f"/contactpersonen/{contact.pk}/wissen/").status_code == 403


def test_a_coordinator_erases_a_person_and_the_contact_moments_stay(client, coordinator):
    client.force_login(coordinator)
    contact = ContactFactory(first_name="Fatima", last_name="El Amrani", phone="0612345678")
    InteractionFactory(organisation=contact.organisation).contacts.add(contact)

    client.post(f"/contactpersonen/{contact.pk}/wissen/")

    contact.refresh_from_db()
    assert contact.anonymised_at is not None
    assert (contact.first_name, contact.phone, contact.email) == ("", "", "")
    assert not Contact.history.filter(id=contact.pk, first_name="Fatima").exists()
    assert Interaction.objects.filter(contacts=contact).count() == 1


def test_an_officer_switches_off_the_digest_on_the_settings_page(client, liaison_officer):
    client.force_login(liaison_officer)

    client.post(
        "/instellingen/",
        {"language": "en", "digest_frequency": "off", "follow_up_reminders": "on", "notifications": "on"},
    )

    preferences = liaison_officer.mail_preferences
    assert (preferences.language, preferences.digest_frequency) == ("en", "off")
    assert preferences.follow_up_reminders and not preferences.coordinator_summary


@pytest.mark.parametrize("url", ["/toegankelijkheid/", "/privacy/"])
def test_the_accessibility_statement_and_privacy_notice_are_public(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert f'href="{url}"' in response.content.decode()


def test_an_erased_person_cannot_be_edited_back(client, coordinator):
    client.force_login(coordinator)
    contact = ContactFactory()
    client.post(f"/contactpersonen/{contact.pk}/wissen/")

    response = client.post(
        f"/contactpersonen/{contact.pk}/bewerken/",
        {"first_name": "Terug", "last_name": "Gehaald", "level": "policy", "preferred_language": "nl",
         "email": "terug@partner.example"},
    )  # fmt: skip

    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.first_name, contact.email) == ("", "")


def test_completing_a_follow_up_says_so(client, liaison_officer):
    client.force_login(liaison_officer)
    follow_up = FollowUpActionFactory(assignee=liaison_officer, description="Cijfers opvragen")

    response = client.post(f"/vervolgacties/{follow_up.pk}/afronden/", {"next": "/"}, follow=True)

    assert "Vervolgactie afgerond: Cijfers opvragen" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "labels"),
    [
        ("/organisaties/", ["prioriteit", "relatiebeheerder"]),
        ("/kaart/", ["prioriteit", "relatiebeheerder"]),
        ("/contactpersonen/", ["relatiebeheerder"]),
    ],
)
def test_the_pickers_of_the_list_filters_read_as_words_not_codes(client, reader, url, labels):
    client.force_login(reader)

    page = client.get(url).content.decode()

    for label in labels:
        assert f">{label.capitalize()}</label>" in page or f">{label}</label>" in page
    assert "(code)" not in page and "(gebruikersnaam)" not in page
