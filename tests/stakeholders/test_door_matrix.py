"""The door matrix: every write that more than one door makes (the web UI, the API, Django admin, the CSV/Excel
import) goes through one service, so each rule refuses at every door with the same message and nothing written, and
each derived effect follows at every door. A new door or a new rule is one more row below."""

import datetime
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import roles
from mail.models import OutboxMessage
from privacy.models import AccessRecord
from stakeholders import services
from stakeholders.mails import MailKind
from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation, Tag, Tier
from tests.api.clients import token_client
from tests.factories import ContactFactory, InteractionFactory, OrganisationFactory, TagFactory, UserFactory
from tests.sessions import SignedInClient

pytestmark = pytest.mark.django_db
LONG_AGO = timezone.now() - datetime.timedelta(days=30)


@dataclass
class Cast:
    """Who knocks at each door: a liaison officer in the web UI and through the API, a superuser in admin, and a
    coordinator where only a coordinator may make the write (choosing an organisation's liaison officer)."""

    officer: Model
    superuser: Model
    web: SignedInClient
    api: object
    admin: SignedInClient
    coordinator_web: SignedInClient
    coordinator_api: object
    coordinator: Model


@pytest.fixture
def cast(liaison_officer, superuser, coordinator) -> Cast:
    web, admin, coordinator_web = SignedInClient(), SignedInClient(), SignedInClient()
    web.force_login(liaison_officer)
    admin.force_login(superuser)
    coordinator_web.force_login(coordinator)
    return Cast(
        liaison_officer, superuser, web, token_client(liaison_officer), admin, coordinator_web,
        token_client(coordinator), coordinator,
    )  # fmt: skip


# How each door answers, and whether that answer is a refusal.


def _page(response) -> str:
    return html.unescape(response.content.decode())


def web_refused(response) -> bool:
    return response.status_code == 200 and bool(response.context["form"].errors)


def api_refused(response) -> bool:
    return response.status_code == 400 and response["Content-Type"] == "application/problem+json"


def admin_refused(response) -> bool:
    return response.status_code == 200 and bool(response.context["errors"])


def import_refused(response) -> bool:
    result = response.context["result"]
    return response.status_code == 200 and (result.has_validation_errors() or result.has_errors())


# Admin forms: post back what the page shows, with some fields changed.


def _form_value(name: str, value, field) -> dict:
    if value is None and isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return {}
    if value is None:
        return {name: ""}
    if isinstance(value, bool):
        return {name: "on"} if value else {}
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value)
        return {f"{name}_0": local.date().isoformat(), f"{name}_1": local.strftime("%H:%M:%S")}
    if isinstance(value, (list, tuple)):
        return {name: [str(item) for item in value]}
    return {name: str(value)}


def admin_post(client, url: str, changes: dict | None = None, inline_changes: dict | None = None):
    """Open the admin page at `url`, change fields (and fields of the first row of inlines: {prefix: {field: value}})
    and submit it, as an administrator would."""
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        data.update(_form_value(name, (changes or {}).get(name, form[name].value()), form.fields[name]))
    for formset in (inline.formset for inline in page.context["inline_admin_formsets"]):
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for number, row in enumerate(formset.forms):
            row_changes = (inline_changes or {}).get(formset.prefix, {}) if number == 0 else {}
            for name in row.fields:
                value = row_changes.get(name, row[name].value())
                data.update(_form_value(row.add_prefix(name), value, row.fields[name]))
    return client.post(url, data)


def admin_import(client, model: str, csv: str):
    """Upload a CSV file in admin's import page and confirm it when the preview has no errors."""
    base = f"/admin/stakeholders/{model}/"
    file = SimpleUploadedFile(f"{model}.csv", csv.encode())
    preview = client.post(f"{base}import/", {"resource": "0", "format": "0", "import_file": file})
    if import_refused(preview):
        return preview
    confirmed = client.post(f"{base}process_import/", preview.context["confirm_form"].initial)
    assert confirmed.status_code == 302, _page(confirmed)
    return confirmed


def contact_web_fields(**changes) -> dict:
    fields = {"first_name": "Zoë", "last_name": "Hostilova", "level": "policy", "preferred_language": "nl"}
    return {**fields, "is_active": "on", **changes}


def interaction_web_fields(moment: datetime.datetime, **changes) -> dict:
    local = timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
    management = {"vervolg-TOTAL_FORMS": "0", "vervolg-INITIAL_FORMS": "0"}
    return {"channel": "call", "occurred_at": local, "subject": "Gebeld", **management, **changes}


def interaction_admin_add(cast, organisation, moment, contacts=()):
    return admin_post(
        cast.admin,
        "/admin/stakeholders/interaction/add/",
        {"organisation": organisation.pk, "contacts": [c.pk for c in contacts], "channel": "call",
         "occurred_at": moment, "subject": "Gebeld"},
    )  # fmt: skip


ORGANISATION_CSV = "id,name,kind,scope,kvk_number,country,tier,owner,influence,interest,status\n"


def organisation_web_fields(**changes) -> dict:
    fields = {"name": "Gemeente Ede", "kind": "municipality", "scope": "local", "status": "active", "country": "NL"}
    return {**fields, "influence": "3", "interest": "3", **changes}


def organisation_admin_add(cast, **changes):
    fields = {"name": "Gemeente Ede", "kind": "municipality", "scope": "local", "status": "active", "country": "NL"}
    return admin_post(cast.admin, "/admin/stakeholders/organisation/add/", {**fields, **changes})


# What "nothing written" means: every row of these tables, history and outbox included, is what it was.
WATCHED = [Organisation, Contact, Interaction, FollowUpAction, Tag, OutboxMessage]


def database_state() -> dict:
    state = {}
    for model in WATCHED:
        state[model._meta.label] = list(model._default_manager.order_by("pk").values())
        if hasattr(model, "history"):
            state[f"{model._meta.label} history"] = list(model.history.order_by("pk").values())
    state["contacts of interactions"] = list(Interaction.contacts.through.objects.order_by("pk").values())
    return state


# Rules × doors


@dataclass(frozen=True)
class Rule:
    name: str
    message: str  # the service's message, untranslated
    setup: Callable[[Cast], dict]


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    door: str
    attempt: Callable[[Cast, dict], object]  # makes the violating write, returns the door's answer
    refused: Callable[[object], bool]
    # False where the door cannot even offer the violating choice, and so refuses in its own words.
    same_message: bool = True

    def __str__(self):
        return f"{self.rule.name}:{self.door}"


def _erased(cast) -> dict:
    contact = ContactFactory(first_name="Zoë", last_name="Hostilova")
    services.contact_erase(contact=contact)
    return {"contact": Contact.objects.get(pk=contact.pk)}


def _contact_and_other_organisation(cast) -> dict:
    return {"contact": ContactFactory(), "other": OrganisationFactory()}


def _organisation(cast) -> dict:
    return {"organisation": OrganisationFactory(), "interaction": InteractionFactory(occurred_at=LONG_AGO)}


def _organisation_and_stranger(cast) -> dict:
    interaction = InteractionFactory(occurred_at=LONG_AGO)
    interaction.contacts.add(ContactFactory(organisation=interaction.organisation))
    return {"organisation": OrganisationFactory(), "stranger": ContactFactory(), "interaction": interaction}


ERASED = Rule("an erased person stays erased", "This person's data has been erased; add a new contact person "
              "instead.", _erased)  # fmt: skip
NO_MOVE = Rule("a contact stays with its organisation", "A contact cannot move to another organisation.",
               _contact_and_other_organisation)  # fmt: skip
NOT_FUTURE = Rule("an interaction is not in the future", "An interaction cannot take place in the future.",
                  _organisation)  # fmt: skip
OWN_CONTACTS = Rule("only the organisation's contacts take part", "Every participating contact must belong to the "
                    "organisation.", _organisation_and_stranger)  # fmt: skip
KVK = Rule("a KvK number has eight digits", "A KvK number has exactly eight digits.", lambda cast: {})


def _colleagues_organisation(cast) -> dict:
    """A colleague's organisation, and the officer in admin too (staff, with the role's rights there)."""
    colleague = UserFactory(username="colleague", role=roles.LIAISON_OFFICERS)
    cast.officer.is_staff = True
    cast.officer.save()
    officer_admin = SignedInClient()
    officer_admin.force_login(cast.officer)
    return {"organisation": OrganisationFactory(owner=colleague), "colleague": colleague, "admin": officer_admin}


OWNER = Rule("only a coordinator chooses the liaison officer", "Only a coordinator can assign or change the liaison "
             "officer.", _colleagues_organisation)  # fmt: skip

TOMORROW = timezone.now() + datetime.timedelta(days=1)

REFUSALS = [
    Refusal(ERASED, "web", lambda cast, w: cast.web.post(
        f"/contactpersonen/{w['contact'].pk}/bewerken/", contact_web_fields()), web_refused),
    Refusal(ERASED, "api", lambda cast, w: cast.api.patch(
        f"/api/v1/contactpersonen/{w['contact'].pk}", {"voornaam": "Zoë"}, format="json"), api_refused),
    Refusal(ERASED, "admin", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/contact/{w['contact'].pk}/change/", {"first_name": "Zoë"}), admin_refused),
    Refusal(ERASED, "admin inline", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/organisation/{w['contact'].organisation_id}/change/",
        inline_changes={"contacts": {"first_name": "Zoë"}}), admin_refused),
    Refusal(ERASED, "import", lambda cast, w: admin_import(
        cast.admin, "contact", "id,organisation,first_name,last_name,level,preferred_language\n"
        f"{w['contact'].pk},{w['contact'].organisation_id},Zoë,Hostilova,policy,nl\n"), import_refused),
    Refusal(NO_MOVE, "api", lambda cast, w: cast.api.patch(
        f"/api/v1/contactpersonen/{w['contact'].pk}", {"organisatie": w["other"].pk}, format="json"), api_refused),
    Refusal(NO_MOVE, "admin", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/contact/{w['contact'].pk}/change/", {"organisation": w["other"].pk}),
        admin_refused),
    Refusal(NO_MOVE, "import", lambda cast, w: admin_import(
        cast.admin, "contact", "id,organisation,first_name,last_name,level,preferred_language\n"
        f"{w['contact'].pk},{w['other'].pk},Anna,Jansen,policy,nl\n"), import_refused),
    Refusal(NOT_FUTURE, "web", lambda cast, w: cast.web.post(
        f"/organisaties/{w['organisation'].pk}/contact-vastleggen/", interaction_web_fields(TOMORROW)), web_refused),
    Refusal(NOT_FUTURE, "api", lambda cast, w: cast.api.post(
        "/api/v1/interacties", {"organisatie": w["organisation"].pk, "kanaal": "telefoongesprek",
                                "plaatsgevondenOp": TOMORROW.isoformat(), "onderwerp": "Gebeld"}, format="json"),
        api_refused),
    Refusal(NOT_FUTURE, "admin add", lambda cast, w: interaction_admin_add(cast, w["organisation"], TOMORROW),
            admin_refused),
    Refusal(NOT_FUTURE, "admin change", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/interaction/{w['interaction'].pk}/change/", {"occurred_at": TOMORROW}),
        admin_refused),
    # The web form offers only the organisation's own contacts to tick.
    Refusal(OWN_CONTACTS, "web", lambda cast, w: cast.web.post(
        f"/organisaties/{w['organisation'].pk}/contact-vastleggen/",
        interaction_web_fields(LONG_AGO, contacts=[w["stranger"].pk])), web_refused, same_message=False),
    Refusal(OWN_CONTACTS, "api", lambda cast, w: cast.api.post(
        "/api/v1/interacties", {"organisatie": w["organisation"].pk, "contactpersonen": [w["stranger"].pk],
                                "kanaal": "telefoongesprek", "plaatsgevondenOp": LONG_AGO.isoformat(),
                                "onderwerp": "Gebeld"},
        format="json"), api_refused),
    Refusal(OWN_CONTACTS, "admin add", lambda cast, w: interaction_admin_add(
        cast, w["organisation"], LONG_AGO, contacts=[w["stranger"]]), admin_refused),
    # Moving an interaction to another organisation takes its contacts along, who belong to the first one.
    Refusal(OWN_CONTACTS, "admin change", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/interaction/{w['interaction'].pk}/change/",
        {"organisation": w["organisation"].pk}), admin_refused),
    Refusal(KVK, "web", lambda cast, w: cast.web.post(
        "/organisaties/nieuw/", organisation_web_fields(kvk_number="1234")), web_refused),
    Refusal(KVK, "api", lambda cast, w: cast.api.post(
        "/api/v1/organisaties", {"naam": "Gemeente Ede", "soort": "gemeente", "kvkNummer": "1234"},
        format="json"), api_refused),
    Refusal(KVK, "admin", lambda cast, w: organisation_admin_add(cast, kvk_number="1234"), admin_refused),
    Refusal(KVK, "import", lambda cast, w: admin_import(
        cast.admin, "organisation", ORGANISATION_CSV + ",Gemeente Ede,municipality,local,1234,NL,,,3,3,active\n"),
        import_refused),
    # The web form shows a liaison officer the owner field disabled, so a posted owner is ignored
    # (tests/stakeholders/test_ownership.py); every other door refuses it in the service's words.
    Refusal(OWNER, "api change", lambda cast, w: cast.api.patch(
        f"/api/v1/organisaties/{w['organisation'].pk}", {"relatiebeheerder": "officer"}, format="json"), api_refused),
    Refusal(OWNER, "api add", lambda cast, w: cast.api.post(
        "/api/v1/organisaties", {"naam": "Gemeente Ede", "soort": "gemeente", "relatiebeheerder": "colleague"},
        format="json"), api_refused),
    Refusal(OWNER, "admin change", lambda cast, w: admin_post(
        w["admin"], f"/admin/stakeholders/organisation/{w['organisation'].pk}/change/", {"owner": cast.officer.pk}),
        admin_refused),
    Refusal(OWNER, "admin add", lambda cast, w: admin_post(
        w["admin"], "/admin/stakeholders/organisation/add/", {"name": "Gemeente Ede", "kind": "municipality",
        "scope": "local", "status": "active", "country": "NL", "owner": w["colleague"].pk}), admin_refused),
    Refusal(OWNER, "import change", lambda cast, w: admin_import(
        w["admin"], "organisation", ORGANISATION_CSV +
        f"{w['organisation'].pk},{w['organisation'].name},ngo,local,,NL,regular,officer,3,3,active\n"),
        import_refused),
    Refusal(OWNER, "import add", lambda cast, w: admin_import(
        w["admin"], "organisation", ORGANISATION_CSV + ",Gemeente Ede,municipality,local,,NL,,colleague,3,3,active\n"),
        import_refused),
]  # fmt: skip


@pytest.mark.parametrize("cell", REFUSALS, ids=str)
def test_every_door_refuses_what_the_rule_refuses_and_writes_nothing(cell, cast):
    world = cell.rule.setup(cast)
    before = database_state()

    response = cell.attempt(cast, world)

    assert cell.refused(response), (response.status_code, _page(response)[:3000])
    if cell.same_message:
        with translation.override(response.get("Content-Language", "nl")):
            assert gettext(cell.rule.message) in _page(response)
    assert database_state() == before


# Derived effects × doors


@dataclass(frozen=True)
class Effect:
    name: str
    setup: Callable[[Cast], dict]
    holds: Callable[[Cast, dict], bool]  # after the write: is the effect there?


@dataclass(frozen=True)
class Consequence:
    effect: Effect
    door: str
    write: Callable[[Cast, dict], object]  # makes the write, returns the door's answer

    def __str__(self):
        return f"{self.effect.name}:{self.door}"


def _new_organisation(cast) -> Organisation:
    return Organisation.objects.get(name="Gemeente Ede")


def _owner_told(cast, world) -> bool:
    organisation = _new_organisation(cast) if "organisation" not in world else world["organisation"]
    return OutboxMessage.objects.filter(
        kind=MailKind.OWNER_ASSIGNED,
        user=cast.officer,
        idempotency_key__startswith=f"owner-assigned:{organisation.pk}:",
    ).exists()


def _handed_over(cast) -> dict:
    colleague = UserFactory(username="colleague", role=roles.LIAISON_OFFICERS)
    return {"organisation": OrganisationFactory(name="Gemeente Ede", kind="municipality", owner=colleague)}


def _previous_owner_told(cast, world) -> bool:
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    return organisation.owner == cast.officer and OutboxMessage.objects.filter(
        kind=MailKind.OWNER_UNASSIGNED, user__username="colleague",
        idempotency_key__startswith=f"owner-unassigned:{organisation.pk}:",
    ).exists()  # fmt: skip


def _unowned(cast) -> dict:
    organisation = OrganisationFactory(name="Gemeente Ede", kind="municipality", owner=None)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=LONG_AGO)
    return {"organisation": organisation}


def _logged_moment(cast, world) -> bool:
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    return (
        organisation.last_contact_on == timezone.localdate()
        and organisation.next_contact_due_on == timezone.localdate() + datetime.timedelta(days=180)
        and organisation.updated_at > LONG_AGO + datetime.timedelta(days=1)
    )


def _moved_interaction(cast) -> dict:
    interaction = InteractionFactory(occurred_at=LONG_AGO)
    other = OrganisationFactory()
    services.organisation_outreach_refresh(organisation_ids=[interaction.organisation_id, other.pk])
    Organisation.objects.update(updated_at=LONG_AGO)
    return {"interaction": interaction, "from": interaction.organisation, "to": other}


def _both_organisations_follow(cast, world) -> bool:
    before, after = (Organisation.objects.get(pk=world[key].pk) for key in ("from", "to"))
    moved = Interaction.objects.filter(pk=world["interaction"].pk, organisation=world["to"]).exists()
    return (
        moved
        and before.last_contact_on is None
        and after.last_contact_on == timezone.localdate(LONG_AGO)
        and before.updated_at > LONG_AGO + datetime.timedelta(days=1) < after.updated_at
    )


def _first_organisation_falls_back(cast, world) -> bool:
    organisation = Organisation.objects.get(pk=world["from"].pk)
    return (
        not Interaction.objects.filter(pk=world["interaction"].pk).exists()
        and organisation.last_contact_on is None
        and organisation.next_contact_due_on == timezone.localdate(organisation.created_at)
        and organisation.updated_at > LONG_AGO + datetime.timedelta(days=1)
    )


def _contact(cast) -> dict:
    return {"contact": ContactFactory()}


def _viewed(cast, world) -> bool:
    return AccessRecord.objects.filter(contact_id=world["contact"].pk, action="view").count() == 1


def _tier_organisation(cast) -> dict:
    interaction = InteractionFactory(occurred_at=LONG_AGO)
    services.organisation_outreach_refresh(organisation_ids=[interaction.organisation_id])
    Organisation.objects.update(updated_at=LONG_AGO)
    return {"organisation": interaction.organisation, "tier": interaction.organisation.tier}


def _due_with_the_new_cadence(cast, world) -> bool:
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    return organisation.next_contact_due_on == timezone.localdate(LONG_AGO) + datetime.timedelta(days=1) and _touched(
        cast, world
    )


def _labelled(cast) -> dict:
    organisation = OrganisationFactory()
    tag = TagFactory(name="Pilot")
    organisation.tags.add(tag)
    Organisation.objects.filter(pk=organisation.pk).update(updated_at=LONG_AGO)
    return {"organisation": organisation, "tag": tag}


def _touched(cast, world) -> bool:
    return Organisation.objects.get(pk=world["organisation"].pk).updated_at > LONG_AGO + datetime.timedelta(days=1)


DUE = Effect("a new organisation is due for a first contact", lambda cast: {},
             lambda cast, w: _new_organisation(cast).next_contact_due_on == timezone.localdate())  # fmt: skip
OWNER_TOLD = Effect("a new owner is told", lambda cast: {}, _owner_told)
OWNER_TOLD_ON_CHANGE = Effect("a new owner is told of a change", _unowned, _owner_told)
PREVIOUS_OWNER_TOLD = Effect("the previous owner is told of a change", _handed_over, _previous_owner_told)
HISTORY = Effect("the history names who added it", lambda cast: {}, lambda cast, w: (
    _new_organisation(cast).history.earliest().history_user in (cast.officer, cast.superuser)))  # fmt: skip
LOGGED = Effect("logging a contact moves the organisation's dates and updatedAt", _unowned, _logged_moment)
MOVED = Effect("moving an interaction moves both organisations' dates", _moved_interaction, _both_organisations_follow)
DELETED = Effect("deleting an interaction moves its organisation's dates", _moved_interaction,
                 _first_organisation_falls_back)  # fmt: skip
VIEWED = Effect("viewing a person's data is recorded", _contact, _viewed)
CADENCE = Effect("a tier's new cadence moves its organisations' dates", _tier_organisation, _due_with_the_new_cadence)


def _planned(cast, world) -> bool:
    """Planning a segment: the officer is set with a history record naming who planned it, and told in one mail."""
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    return (
        organisation.owner == cast.officer
        and organisation.history.latest().history_user in (cast.superuser, cast.coordinator)
        and OutboxMessage.objects.filter(kind=MailKind.OWNER_ASSIGNED, user=cast.officer,
                                         idempotency_key__startswith="owner-assigned-plan:").count() == 1
    )  # fmt: skip


PLANNED = Effect("planning a segment keeps history and tells the new officer", _unowned, _planned)
RENAMED = Effect("a renamed label moves its organisations' updatedAt", _labelled, _touched)

CREATE_CSV = ORGANISATION_CSV + ",Gemeente Ede,municipality,local,,NL,regular,officer,3,3,active\n"

CONSEQUENCES = [
    *(Consequence(effect, door, write) for effect in (DUE, OWNER_TOLD, HISTORY) for door, write in [
        ("web", lambda cast, w: cast.web.post(
            "/organisaties/nieuw/", organisation_web_fields(tier=Tier.objects.get(code="regular").pk,
                                                            owner=cast.officer.pk))),
        ("api", lambda cast, w: cast.api.post(
            "/api/v1/organisaties", {"naam": "Gemeente Ede", "soort": "gemeente", "prioriteit": "regular",
                                     "relatiebeheerder": "officer"}, format="json")),
        ("admin", lambda cast, w: organisation_admin_add(
            cast, tier=Tier.objects.get(code="regular").pk, owner=cast.officer.pk)),
        ("import", lambda cast, w: admin_import(cast.admin, "organisation", CREATE_CSV)),
    ]),
    # Only a coordinator (or an administrator, in admin and its import) chooses the liaison officer.
    *(Consequence(effect, door, write) for effect in (OWNER_TOLD_ON_CHANGE, PREVIOUS_OWNER_TOLD) for door, write in [
        ("web", lambda cast, w: cast.coordinator_web.post(
            f"/organisaties/{w['organisation'].pk}/bewerken/",
            organisation_web_fields(tier=w["organisation"].tier_id, owner=cast.officer.pk))),
        ("api", lambda cast, w: cast.coordinator_api.patch(
            f"/api/v1/organisaties/{w['organisation'].pk}", {"relatiebeheerder": "officer"}, format="json")),
        ("admin", lambda cast, w: admin_post(
            cast.admin, f"/admin/stakeholders/organisation/{w['organisation'].pk}/change/",
            {"owner": cast.officer.pk})),
        ("import", lambda cast, w: admin_import(
            cast.admin, "organisation", ORGANISATION_CSV +
            f"{w['organisation'].pk},Gemeente Ede,municipality,local,,NL,regular,officer,3,3,active\n")),
    ]),
    Consequence(LOGGED, "web", lambda cast, w: cast.web.post(
        f"/organisaties/{w['organisation'].pk}/contact-vastleggen/", interaction_web_fields(timezone.now()))),
    Consequence(LOGGED, "api", lambda cast, w: cast.api.post(
        "/api/v1/interacties", {"organisatie": w["organisation"].pk, "kanaal": "telefoongesprek",
                                "plaatsgevondenOp": timezone.now().isoformat(), "onderwerp": "Gebeld"},
        format="json")),
    Consequence(LOGGED, "admin", lambda cast, w: interaction_admin_add(cast, w["organisation"], timezone.now())),
    Consequence(MOVED, "admin", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/interaction/{w['interaction'].pk}/change/", {"organisation": w["to"].pk})),
    Consequence(DELETED, "admin", lambda cast, w: cast.admin.post(
        f"/admin/stakeholders/interaction/{w['interaction'].pk}/delete/", {"post": "yes"})),
    Consequence(DELETED, "admin bulk action", lambda cast, w: cast.admin.post(
        "/admin/stakeholders/interaction/", {"action": "delete_selected", "post": "yes",
                                             "_selected_action": [w["interaction"].pk]})),
    Consequence(VIEWED, "web page", lambda cast, w: cast.web.get(f"/contactpersonen/{w['contact'].pk}/")),
    Consequence(VIEWED, "web edit form", lambda cast, w: cast.web.get(f"/contactpersonen/{w['contact'].pk}/bewerken/")),
    Consequence(VIEWED, "api", lambda cast, w: cast.api.get(f"/api/v1/contactpersonen/{w['contact'].pk}")),
    Consequence(VIEWED, "admin", lambda cast, w: cast.admin.get(
        f"/admin/stakeholders/contact/{w['contact'].pk}/change/")),
    Consequence(CADENCE, "admin", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/tier/{w['tier'].pk}/change/", {"cadence_days": 1})),
    Consequence(PLANNED, "web", lambda cast, w: cast.coordinator_web.post(
        "/organisaties/plannen/?soort=gemeente", {"owner": cast.officer.pk, "aantal": "1", "bevestigd": "on"})),
    Consequence(PLANNED, "admin action", lambda cast, w: cast.admin.post(
        "/admin/stakeholders/organisation/", {"action": "plan_selected", "_selected_action": [w["organisation"].pk],
                                              "plannen": "1", "owner": cast.officer.pk, "aantal": "1",
                                              "bevestigd": "on"})),
    Consequence(RENAMED, "admin", lambda cast, w: admin_post(
        cast.admin, f"/admin/stakeholders/tag/{w['tag'].pk}/change/", {"name": "Proef"})),
]  # fmt: skip


@pytest.mark.parametrize("cell", CONSEQUENCES, ids=str)
def test_every_door_that_makes_the_write_produces_the_effect(cell, cast):
    world = cell.effect.setup(cast)

    response = cell.write(cast, world)

    assert response.status_code in (200, 201, 302), (response.status_code, _page(response)[:3000])
    assert not (response.status_code == 200 and response.context and response.context.get("errors"))
    assert cell.effect.holds(cast, world)


# The doors hold no writes of their own: admin hooks and import resources call services.

MODEL_WRITE = re.compile(r"\.(save|delete|update|bulk_create|bulk_update|get_or_create|update_or_create)\(|"
                         r"objects\.create\(|send_mail\(|outbox_enqueue\(")  # fmt: skip


def test_admin_and_import_write_only_through_services():
    root = Path(__file__).resolve().parents[2]
    doors = [*root.glob("*/admin.py"), *root.glob("*/resources.py")]
    writes = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in doors
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if MODEL_WRITE.search(line)
    ]

    assert doors and not writes
