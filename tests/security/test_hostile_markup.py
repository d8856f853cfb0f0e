"""Markup typed into any free-text field comes out as text: escaped on every page and in every HTML mail."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mail.models import OutboxMessage
from mail.outbox import outbox_enqueue
from mail.smtp import build_email
from stakeholders import outreach, services
from stakeholders.mails import MailKind
from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation, Tag, Topic
from surveys.models import Answer, Response
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    TagFactory,
    TopicFactory,
    survey_invitation_mails,
)
from tests.security.payloads import JAVASCRIPT_URL, MARKUP

pytestmark = pytest.mark.django_db

PAYLOADS = ["script", "attribute-break"]

MODELS = {
    "organisation": Organisation,
    "contact": Contact,
    "interaction": Interaction,
    "follow_up": FollowUpAction,
    "tag": Tag,
    "topic": Topic,
}

# The pages that show each free-text field. Keys of PAGES; "admin …" pages are read by a superuser.
PAGES = {
    "dashboard": "/",
    "organisation list": "/organisaties/",
    "organisation page": "/organisaties/{organisation}/",
    "contact list": "/contactpersonen/",
    "contact page": "/contactpersonen/{contact}/",
    "map": "/kaart/",
    "log-a-contact picker": "/contact-vastleggen/",
    "log-a-contact form": "/organisaties/{organisation}/contact-vastleggen/",
    "admin organisations": "/admin/stakeholders/organisation/",
    "admin organisation": "/admin/stakeholders/organisation/{organisation}/change/",
    "admin contacts": "/admin/stakeholders/contact/",
    "admin interactions": "/admin/stakeholders/interaction/",
    "admin follow-ups": "/admin/stakeholders/followupaction/",
    "admin labels": "/admin/stakeholders/tag/",
    "admin topics": "/admin/stakeholders/topic/",
}
SHOWN_ON = {
    "organisation.name": ["dashboard", "organisation list", "organisation page", "contact list", "contact page", "map",
                          "log-a-contact picker", "log-a-contact form", "admin organisations", "admin contacts",
                          "admin interactions"],
    "organisation.short_name": ["map", "admin organisation"],
    "organisation.city": ["organisation page", "log-a-contact picker", "admin organisation"],
    "organisation.street_address": ["organisation page", "admin organisation"],
    "organisation.notes": ["organisation page", "admin organisation"],
    "contact.first_name": ["organisation page", "contact list", "contact page", "log-a-contact form", "admin contacts"],
    "contact.name_prefix": ["organisation page", "contact list", "contact page", "log-a-contact form",
                            "admin contacts"],
    "contact.last_name": ["organisation page", "contact list", "contact page", "log-a-contact form", "admin contacts"],
    "contact.job_title": ["organisation page", "contact list", "contact page", "admin contacts"],
    "contact.notes": ["contact page"],
    "interaction.subject": ["dashboard", "organisation page", "contact page", "admin interactions"],
    "interaction.notes": ["organisation page", "contact page"],
    "follow_up.description": ["dashboard", "organisation page", "contact page", "admin follow-ups"],
    "tag.name": ["organisation list", "organisation page", "admin labels"],
    "topic.name": ["organisation page", "contact page", "log-a-contact form", "admin topics"],
}  # fmt: skip


def fitted(field: str, payload: str) -> str:
    """The payload cut to the column's length, as a form would have to: a short field still gets its attack."""
    model, name = field.split(".")
    max_length = MODELS[model]._meta.get_field(name).max_length
    return payload[:max_length] if max_length else payload


@dataclass
class World:
    organisation: Organisation
    contact: Contact


def world_with(field: str, payload: str, *, officer) -> World:
    """One of everything the pages show, owned by the officer and due, with the payload in exactly one field."""
    hostile = {field: fitted(field, payload)}

    def value(name: str, default: str) -> str:
        return hostile.get(name, default)

    organisation = OrganisationFactory(
        owner=officer,
        name=value("organisation.name", "Stichting Doel"),
        short_name=value("organisation.short_name", "Doel"),
        city=value("organisation.city", "Utrecht"),
        street_address=value("organisation.street_address", "Stationsplein 1"),
        notes=value("organisation.notes", "Vaste partner."),
        next_contact_due_on=timezone.localdate() - timedelta(days=3),
    )
    organisation.tags.add(TagFactory(name=value("tag.name", "Pilot")))
    OrganisationRelationFactory(source=organisation, target=OrganisationFactory(name="Gemeente Partner"))
    contact = ContactFactory(
        organisation=organisation,
        first_name=value("contact.first_name", "Anna"),
        name_prefix=value("contact.name_prefix", "de"),
        last_name=value("contact.last_name", "Vries"),
        job_title=value("contact.job_title", "Directeur"),
        notes=value("contact.notes", "Liever telefonisch."),
    )
    interaction = InteractionFactory(
        organisation=organisation,
        logged_by=officer,
        subject=value("interaction.subject", "Overleg terugkeer"),
        notes=value("interaction.notes", "Afspraken gemaakt."),
    )
    interaction.contacts.add(contact)
    interaction.topics.add(TopicFactory(name=value("topic.name", "Terugkeer")))
    FollowUpActionFactory(
        interaction=interaction,
        assignee=officer,
        description=value("follow_up.description", "Verslag sturen"),
        due_on=timezone.localdate(),
    )
    return World(organisation=organisation, contact=contact)


def assert_escaped(html: str, markup: str, where: str) -> None:
    _payload, live, escaped = MARKUP[markup]
    assert live not in html, f"{where}: the payload is live markup"
    assert escaped in html, f"{where}: the escaped payload is missing, so the test saw nothing"


@pytest.mark.parametrize("field", SHOWN_ON)
def test_markup_in_a_free_text_field_is_escaped_on_every_page_that_shows_it(
    field, client_of, liaison_officer, superuser
):
    world = world_with(field, MARKUP["both"][0], officer=liaison_officer)
    officer, admin = client_of(liaison_officer), client_of(superuser)

    for page in SHOWN_ON[field]:
        url = PAGES[page].format(organisation=world.organisation.pk, contact=world.contact.pk)
        response = (admin if page.startswith("admin") else officer).get(url)
        assert response.status_code == 200, f"{page}: {response.status_code}"
        assert_escaped(response.content.decode(), "both", page)


@pytest.mark.parametrize("markup", PAYLOADS)
@pytest.mark.parametrize(
    ("path", "parameter"),
    [("/organisaties/", "zoek"), ("/contactpersonen/", "zoek"), ("/kaart/", "zoek"),
     ("/contact-vastleggen/", "zoek"), ("/organisaties/", "sorteer"), ("/enquetes/", "status")],
)  # fmt: skip
def test_markup_in_a_query_string_is_echoed_escaped(officer_client, path, parameter, markup):
    response = officer_client.get(path, {parameter: MARKUP[markup][0]})

    assert response.status_code in (200, 400)
    assert MARKUP[markup][1] not in response.content.decode()


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_an_admin_search_is_echoed_escaped(admin_client, markup):
    response = admin_client.get("/admin/stakeholders/organisation/", {"q": MARKUP[markup][0]})

    assert response.status_code == 200
    assert_escaped(response.content.decode(), markup, "admin search")


def closed_round_with_answers(*, wishes: str, name: str = "Reputatieonderzoek"):
    """A closed round with five responses, just enough for its open answers to be shown."""
    survey_round = SurveyRoundFactory(name=name, min_group_size=5, status="closed")
    questions = {question.code: question for question in survey_round.questionnaire.questions.all()}
    for grade in (6, 7, 7, 8, 9):
        response = Response.objects.create(
            round=survey_round, organisation_kind="ngo", respondent_level="operational", organisation_scope="local"
        )
        Answer.objects.create(response=response, question=questions["overall_grade"], number=grade)
        Answer.objects.create(response=response, question=questions["wishes"], text=wishes)
    return survey_round


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_an_open_survey_answer_is_escaped_on_the_results_page(client_of, researcher, markup):
    survey_round = closed_round_with_answers(wishes=MARKUP[markup][0])

    response = client_of(researcher).get(f"/enquetes/{survey_round.pk}/resultaten/")

    assert response.status_code == 200
    assert_escaped(response.content.decode(), markup, "results page")


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_a_round_name_and_question_text_is_escaped_on_the_survey_pages(client_of, researcher, markup):
    payload = MARKUP[markup][0]
    survey_round = closed_round_with_answers(wishes="Meer overleg", name=payload)
    survey_round.questionnaire.questions.filter(code="wishes").update(text_nl=payload, text_en=payload)
    researcher_client = client_of(researcher)

    for url in ["/enquetes/", f"/enquetes/{survey_round.pk}/", f"/enquetes/{survey_round.pk}/resultaten/"]:
        response = researcher_client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), markup, url)


# Mails: the HTML body must escape; the plain-text body may carry the name verbatim (text/plain is not parsed).


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_an_organisation_name_is_escaped_in_the_outreach_digest(liaison_officer, markup):
    OrganisationFactory(
        name=MARKUP[markup][0], owner=liaison_officer, next_contact_due_on=timezone.localdate() - timedelta(days=2)
    )

    assert outreach.outreach_digests_send() == 1

    digest = OutboxMessage.objects.get(user=liaison_officer, kind=MailKind.OUTREACH_DIGEST)
    assert_escaped(digest.body_html, markup, "digest html")
    assert MARKUP[markup][0] in digest.body_text


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_an_organisation_name_is_escaped_in_the_owner_assigned_mail(liaison_officer, markup):
    services.organisation_create(actor=None, name=MARKUP[markup][0], kind="ngo", scope="local", owner=liaison_officer)

    mail = OutboxMessage.objects.get(user=liaison_officer, kind=MailKind.OWNER_ASSIGNED)
    assert_escaped(mail.body_html, markup, "owner-assigned html")
    assert MARKUP[markup][0] in mail.body_text


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_a_follow_up_is_escaped_in_the_reminder(liaison_officer, markup):
    FollowUpActionFactory(description=MARKUP[markup][0], assignee=liaison_officer, due_on=timezone.localdate())

    assert outreach.follow_up_reminders_send() == 1

    reminder = OutboxMessage.objects.get(user=liaison_officer, kind=MailKind.FOLLOW_UP_REMINDER)
    assert_escaped(reminder.body_html, markup, "reminder html")


@pytest.mark.parametrize("markup", PAYLOADS)
def test_markup_in_a_contact_and_organisation_name_is_escaped_in_the_survey_invitation(markup):
    payload = MARKUP[markup][0]
    contact = ContactFactory(first_name=payload[:80], organisation=OrganisationFactory(name=payload))

    assert outbox_enqueue(mails=survey_invitation_mails([contact])) == 1

    invitation = OutboxMessage.objects.get(contact=contact)
    assert_escaped(invitation.body_html, markup, "invitation html")


def test_a_name_with_line_breaks_cannot_add_headers_to_a_mail(liaison_officer):
    services.organisation_create(
        actor=None,
        name="Stichting Doel\r\nBcc: attacker@evil.example\r\n\r\n<b>body</b>",
        kind="ngo",
        owner=liaison_officer,
    )

    mail = OutboxMessage.objects.get(kind=MailKind.OWNER_ASSIGNED)
    assert "\n" not in mail.subject and "\r" not in mail.subject
    message = build_email(mail).message()
    assert message["Bcc"] is None
    assert "attacker@evil.example" not in str(message["To"])


@pytest.mark.parametrize(
    ("make_mail", "name"),
    [("owner-assigned", "Vluchtelingen & Co <Noord>"), ("survey-invitation", 'Q&A "Noord" 2026')],
)
def test_a_mail_subject_is_plain_text_so_a_name_in_it_is_not_html_escaped(liaison_officer, make_mail, name):
    if make_mail == "owner-assigned":
        services.organisation_create(actor=None, name=name, kind="ngo", owner=liaison_officer)
    else:
        SurveyRoundFactory(name=name)
        outbox_enqueue(mails=survey_invitation_mails([ContactFactory()]))

    (mail,) = OutboxMessage.objects.all()
    assert name in mail.subject, f"the subject reads {mail.subject!r}"


# A javascript: website would be a live link on the organisation page: every way in must refuse it.

JAVASCRIPT_URLS = [JAVASCRIPT_URL, "JavaScript:alert(1)", " javascript:alert(1)", "javascript://x.example/%0aalert(1)",
                   "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"]  # fmt: skip


@pytest.mark.parametrize("website", JAVASCRIPT_URLS)
def test_the_organisation_form_refuses_a_script_website(officer_client, website):
    response = officer_client.post(
        "/organisaties/nieuw/",
        {"name": "Stichting Link", "kind": "ngo", "scope": "local", "status": "active", "country": "NL",
         "influence": "3", "interest": "3", "website": website},
    )  # fmt: skip

    assert response.status_code == 200
    assert "website" in response.context["form"].errors
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("website", JAVASCRIPT_URLS)
def test_the_api_refuses_a_script_website_on_create_and_change(api, website):
    organisation = OrganisationFactory(website="https://doel.example")
    new = {"naam": "Stichting Link", "soort": "ngo", "website": website}

    created = api.post("/api/v1/organisaties", new, format="json")
    changed = api.patch(f"/api/v1/organisaties/{organisation.pk}", {"website": website}, format="json")

    assert (created.status_code, changed.status_code) == (400, 400)
    assert Organisation.objects.count() == 1
    organisation.refresh_from_db()
    assert organisation.website == "https://doel.example"


@pytest.mark.parametrize("website", JAVASCRIPT_URLS)
def test_the_admin_import_refuses_a_script_website(admin_client, website):
    content = "name,kind,scope,country,influence,interest,status,website\n"
    content += f'Stichting Link,ngo,local,NL,3,3,active,"{website}"\n'

    response = admin_client.post(
        "/admin/stakeholders/organisation/import/",
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("o.csv", content.encode())},
    )

    assert response.status_code == 200
    assert "confirm_form" not in response.context, "the import offers to write the row"
    assert "Regel 2, website" in response.content.decode()
