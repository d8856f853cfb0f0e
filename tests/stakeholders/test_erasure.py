"""Erasing one person: afterwards no table of the database, history and outbox included, holds their name, e-mail
address or phone number, and the survey results and interaction counts are what they were."""

import pytest
from django.db import connection

from mail.models import OutboxMessage
from mail.outbox import outbox_enqueue
from privacy.audit import access_record
from stakeholders.models import Contact, Interaction
from surveys.models import SurveyRound
from surveys.selectors import round_results
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    SurveyRoundFactory,
    survey_invitation_mails,
)
from tests.surveys.test_results import NGO, respond

pytestmark = pytest.mark.django_db(transaction=False)

NAME, EMAIL, PHONE = "Hostilova", "zoe.hostilova@partner.example", "+31 6 1234 5678"


def tables_holding(*values) -> dict[str, list[str]]:
    """Every table (a row cast to text) in which one of the values occurs, with the values found."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            for value in values:
                cursor.execute(f'SELECT count(*) FROM "{table}" AS row WHERE row::text ILIKE %s', [f"%{value}%"])  # noqa: S608 (table names come from the database itself)
                if cursor.fetchone()[0]:
                    found.setdefault(table, []).append(value)
    return found


@pytest.fixture
def person(admin_client, coordinator):
    """A contact known everywhere: in contacts logged and follow-ups, in mail, in admin's log and history, in the
    audit, and invited to a survey round that has results."""
    contact = ContactFactory(first_name="Zoë", last_name=NAME, email=EMAIL, phone=PHONE)
    colleague = ContactFactory(organisation=contact.organisation, last_name="Jansen")
    interaction = InteractionFactory(
        organisation=contact.organisation, subject=f"Overleg met Zoë {NAME}", notes=f"Bellen op {PHONE} of {EMAIL}"
    )
    interaction.contacts.add(contact, colleague)
    FollowUpActionFactory(interaction=interaction, description=f"Zoë {NAME} het verslag sturen")
    outbox_enqueue(mails=survey_invitation_mails([contact]))
    admin_client.post(
        f"/admin/stakeholders/contact/{contact.pk}/change/",
        {"organisation": contact.organisation_id, "first_name": "Zoë", "last_name": NAME, "email": EMAIL,
         "phone": PHONE, "level": "policy", "preferred_language": "nl", "is_active": "on",
         "job_title": "Coördinator terugkeer"},
    )  # fmt: skip
    closed = SurveyRoundFactory(min_group_size=2, status="closed")
    for grade in (6, 7, 8):
        respond(closed, NGO, grade)
    return contact


def test_after_erasure_no_table_holds_the_persons_name_address_or_phone(client, coordinator, person):
    spread = tables_holding(NAME, EMAIL, PHONE)
    assert {"stakeholders_contact", "stakeholders_historicalcontact", "stakeholders_interaction",
            "stakeholders_historicalinteraction", "stakeholders_followupaction", "crm_outboxmessage",
            "django_admin_log"} <= set(spread)  # fmt: skip
    client.force_login(coordinator)

    client.post(f"/contactpersonen/{person.pk}/wissen/")

    assert tables_holding(NAME, EMAIL, PHONE) == {}


def test_erasure_keeps_the_survey_results_and_every_count(client, coordinator, person):
    closed = SurveyRound.objects.get(status="closed")
    before = round_results(survey_round=closed)
    counts = (Interaction.objects.count(), Contact.objects.count(), person.interactions.count())
    client.force_login(coordinator)

    client.post(f"/contactpersonen/{person.pk}/wissen/")

    after = round_results(survey_round=closed)
    assert [question.overall for question in after.questions] == [question.overall for question in before.questions]
    assert (after.invitations, after.responses) == (before.invitations, before.responses)
    # The person stays a participant of the contacts logged, only nameless; nothing was deleted.
    assert (Interaction.objects.count(), Contact.objects.count()) == counts[:2]


def test_the_export_holds_the_person_everywhere_the_product_does(client, coordinator, person, rf):
    request = rf.get("/")
    request.user = coordinator
    access_record(request=request, action="view", contact=person)
    client.force_login(coordinator)

    data = client.get(f"/contactpersonen/{person.pk}/gegevens.json").json()

    assert data["contact"]["email"] == EMAIL
    assert [item["subject"] for item in data["interactions"]] == [f"Overleg met Zoë {NAME}"]
    assert data["interactions"][0]["follow_ups"][0]["description"].startswith("Zoë")
    assert [mail["to_address"] for mail in data["mails"]] == [EMAIL]
    assert len(data["history"]) >= 2
    assert len(data["survey_invitations"]) == 1
    assert [entry["action"] for entry in data["access_audit"]] == ["view", "export"]


def test_mentions_are_replaced_as_whole_words_in_any_case_also_in_mails_to_staff(client, coordinator, liaison_officer):
    contact = ContactFactory(first_name="Eva", last_name="Bos", phone="112", email="")
    interaction = InteractionFactory(
        organisation=contact.organisation, subject="EVA BOS belde", notes="Over Eva Bosch, Bosnië en 112 meldingen"
    )
    mail = OutboxMessage.objects.create(
        idempotency_key="reminder:test", kind="follow_up_reminder", user=liaison_officer, to_address="o@agency.example",
        language="nl", subject="Herinnering", body_text="Eva Bos terugbellen", body_html="<p>Eva Bos terugbellen</p>",
        opt_out_url="https://crm.example/stop", message_id="<reminder-test@crm>",
    )  # fmt: skip
    client.force_login(coordinator)

    client.post(f"/contactpersonen/{contact.pk}/wissen/")

    interaction.refresh_from_db()
    mail.refresh_from_db()
    assert interaction.subject == "(geanonimiseerd) belde"
    assert interaction.notes == "Over Eva Bosch, Bosnië en 112 meldingen"  # other words, and a number too short
    assert mail.body_text == "(geanonimiseerd) terugbellen"
