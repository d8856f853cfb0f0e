"""The attacker with a backup: after a coordinator erased a person, a full pg_dump of the database holds no form of
their name, e-mail address or phone number, wherever staff wrote it (stakeholders/retention.py)."""

import os
import re
import shutil
import subprocess

import pytest
from django.db import connection

from mail.models import OutboxMessage
from mail.outbox import outbox_enqueue
from stakeholders.models import Contact
from surveys.models import Answer, Response
from tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    survey_invitation_mails,
)

pytestmark = pytest.mark.django_db(transaction=True)

FIRST, PREFIX, LAST = "Zoë", "de", "Wildenborch"
EMAIL, PHONE = "zoe.wildenborch@partner.example", "+31 6 1234 5678"
# Every form the dump must no longer hold: the surname (so also every full name, with or without "de" or accents,
# and the address), the address in any case, and the phone number's digits in any notation.
FORBIDDEN = {
    "surname": re.compile(LAST, re.IGNORECASE),
    "first name and prefix": re.compile(r"zo[eë]\s+de\b", re.IGNORECASE),
    "e-mail address": re.compile(re.escape(EMAIL), re.IGNORECASE),
    "phone number": re.compile(r"6[\s.()/-]*" + r"[\s.()/-]*".join("12345678")),
}
PHONE_NOTATIONS = ["06-12345678", "0031 6 12 34 56 78", "+31 (0)6 1234 5678", "(06) 12345678", "+31612345678"]


def pg_dump() -> str:
    """A full dump (schema and data) of the test database, as a backup would hold it."""
    database = connection.settings_dict
    command = [shutil.which("pg_dump"), "--no-owner", "--dbname", database["NAME"], "--username", database["USER"]]
    if database["HOST"]:
        command += ["--host", database["HOST"]]
    if database["PORT"]:
        command += ["--port", str(database["PORT"])]
    environment = {**os.environ, "PGPASSWORD": database["PASSWORD"] or ""}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=environment, timeout=120).stdout


def found_in(dump: str) -> dict[str, list[str]]:
    """Each forbidden form with the dump lines that hold it."""
    found: dict[str, list[str]] = {}
    for name, pattern in FORBIDDEN.items():
        lines = [line[:200] for line in dump.splitlines() if pattern.search(line)]
        if lines:
            found[name] = lines
    return found


@pytest.fixture
def person(admin_client):
    """A person written about everywhere: in their own organisation (by surname alone too) and in others, in
    history, in relations, in mail to staff, in admin's log and in an open survey answer."""
    own = OrganisationFactory(name="Stichting Terugkeer")
    contact = ContactFactory(organisation=own, first_name=FIRST, name_prefix=PREFIX, last_name=LAST, email=EMAIL,
                             phone=PHONE)  # fmt: skip
    own.notes = f"{LAST} belt terug; vraag naar De {LAST}."
    own.save()
    colleague = ContactFactory(organisation=own, job_title=f"assistent van {LAST}", notes=f"Vervangt Zoë {LAST}")
    colleague.save()
    interaction = InteractionFactory(
        organisation=own, subject=f"Overleg met De {LAST}", notes=f"Bellen op {PHONE_NOTATIONS[0]} of {EMAIL.upper()}"
    )
    interaction.contacts.add(contact, colleague)
    interaction.notes += f"; anders {PHONE_NOTATIONS[1]}"
    interaction.save()
    FollowUpActionFactory(interaction=interaction, description=f"{LAST} het verslag sturen")

    other = OrganisationFactory(name="Gemeente Elders", notes=f"Loopt via Zoe de {LAST} ({PHONE_NOTATIONS[2]})")
    other.save()
    elsewhere = InteractionFactory(
        organisation=other, subject=f"Zoë  de  {LAST} sprak ook", notes=f"Zij is bereikbaar op {PHONE_NOTATIONS[3]}"
    )
    elsewhere.notes += f", mobiel {PHONE_NOTATIONS[4]}"
    elsewhere.save()
    FollowUpActionFactory(interaction=elsewhere, description=f"Mail naar {EMAIL}")
    OrganisationRelationFactory(source=own, target=other, description=f"Via {LAST}")
    OrganisationRelationFactory(source=other, target=OrganisationFactory(), description=f"Via {FIRST} {LAST}")

    outbox_enqueue(mails=survey_invitation_mails([contact]))
    OutboxMessage.objects.create(
        idempotency_key="reminder:dump", kind="follow_up_reminder", to_address="officer@agency.example",
        language="nl", subject=f"Herinnering: {FIRST} {PREFIX} {LAST}",
        body_text=f"{LAST}, {FIRST} {PREFIX} terugbellen op {PHONE}", body_html=f"<p>Bel {FIRST} {LAST}</p>",
        opt_out_url="https://crm.example/stop", message_id="<reminder-dump@crm>",
    )  # fmt: skip
    admin_client.post(
        f"/admin/stakeholders/contact/{contact.pk}/change/",
        {"organisation": own.pk, "first_name": FIRST, "name_prefix": PREFIX, "last_name": LAST, "email": EMAIL,
         "phone": PHONE, "level": "policy", "preferred_language": "nl", "is_active": "on",
         "job_title": "Coördinator terugkeer"},
    )  # fmt: skip
    closed = SurveyRoundFactory(status="closed", min_group_size=2)
    wishes = closed.questionnaire.questions.get(code="wishes")
    Answer.objects.create(
        response=Response.objects.create(round=closed, organisation_kind="ngo", respondent_level="policy",
                                         organisation_scope="local"),
        question=wishes, text=f"{FIRST} {PREFIX} {LAST} was erg behulpzaam",
    )  # fmt: skip
    return contact


def test_after_erasure_a_full_pg_dump_holds_no_form_of_the_person(client, coordinator, person):
    before = found_in(pg_dump())
    assert set(before) == set(FORBIDDEN), "the dump held every form before"
    assert len(before["phone number"]) >= 6, "in every notation"
    client.force_login(coordinator)

    response = client.post(f"/contactpersonen/{person.pk}/wissen/")

    assert response.status_code == 302
    assert Contact.objects.get(pk=person.pk).anonymised_at is not None
    assert found_in(pg_dump()) == {}


def test_the_surname_alone_is_kept_in_other_organisations_records_where_it_may_be_someone_else(
    client, coordinator, person
):
    namesake = InteractionFactory(subject=f"Gesprek met meneer {LAST}")
    client.force_login(coordinator)

    client.post(f"/contactpersonen/{person.pk}/wissen/")

    namesake.refresh_from_db()
    assert namesake.subject == f"Gesprek met meneer {LAST}"
