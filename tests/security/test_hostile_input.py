"""Oversized, malformed and injection-shaped values in every filter, form field and API body: a 400 or a message
beside the field, never a 500, and nothing written when the input is refused.

Each test is one filter or one field and tries every hostile value on it; a failure names the values that went wrong
and what came back, so one run shows the whole extent of a bug.
"""

from datetime import timedelta

import pytest
from django import forms
from django.utils import timezone
from rest_framework import serializers

from crm.api.pagination import PAGINATION_PARAMETERS
from crm.api.problems import PROBLEM_CONTENT_TYPE
from crm.api.wire import camel
from stakeholders.api.serializers import ContactSerializer, InteractionSerializer, OrganisationSerializer
from stakeholders.filters import (
    ContactFilterSet,
    InteractionFilterSet,
    OrganisationFilterSet,
    RelationFilterSet,
    TagFilterSet,
)
from stakeholders.forms import ContactForm, FollowUpForm, InteractionForm, OrganisationForm
from stakeholders.models import Contact, FollowUpAction, Interaction, Organisation
from surveys.filters import SurveyRoundFilterSet
from tests.factories import (
    ContactFactory,
    InteractionFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    SurveyRoundFactory,
    TagFactory,
    TopicFactory,
)
from tests.security.payloads import DATE_EDGES, HOSTILE, HOSTILE_JSON, JSON_DATE_EDGES, json_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(liaison_officer):
    """A row of every listable kind, so each filter runs over data rather than over an empty table."""
    organisation = OrganisationFactory(owner=liaison_officer, next_contact_due_on=timezone.localdate())
    organisation.tags.add(TagFactory(name="Pilot"))
    contact = ContactFactory(organisation=organisation)
    interaction = InteractionFactory(organisation=organisation, logged_by=liaison_officer)
    interaction.contacts.add(contact)
    interaction.topics.add(TopicFactory(name="Terugkeer"))
    OrganisationRelationFactory(source=organisation)
    SurveyRoundFactory()
    return organisation


def quiet(client):
    """Let a server error come back as a 500 response, so one test can try every value and report them all."""
    client.raise_request_exception = False
    return client


def is_problem(response) -> bool:
    return response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE


# Filters -------------------------------------------------------------------------------------------------------------

DATE_FIELDS = (forms.DateField, forms.DateTimeField)


def hostile_values(*, is_date: bool) -> dict:
    return HOSTILE | DATE_EDGES if is_date else HOSTILE


def by_parameter(lists: dict) -> list:
    """One test per list and query parameter; a date filter also gets the edge dates."""
    return [
        pytest.param(path, name, hostile_values(is_date=issubclass(field_class, DATE_FIELDS)), id=f"{path}?{name}")
        for path, (filterset, extra) in lists.items()
        for name, field_class in sorted(
            [*((name, f.field_class) for name, f in (filterset.base_filters if filterset else {}).items()),
             *((name, forms.CharField) for name in extra)]
        )
    ]  # fmt: skip


# Pagination is one class for every list, so its parameters are tried on one list only.
API_LISTS = {
    "/api/v1/organisaties": (OrganisationFilterSet, [*PAGINATION_PARAMETERS, "expand"]),
    "/api/v1/contactpersonen": (ContactFilterSet, []),
    "/api/v1/interacties": (InteractionFilterSet, []),
    "/api/v1/relaties": (RelationFilterSet, []),
    "/api/v1/labels": (TagFilterSet, []),
    "/api/v1/enquete-rondes": (SurveyRoundFilterSet, []),
}
UI_LISTS = {
    "/organisaties/": (OrganisationFilterSet, ["pagina"]),
    "/contactpersonen/": (ContactFilterSet, ["pagina"]),
    "/kaart/": (OrganisationFilterSet, []),
    "/enquetes/": (SurveyRoundFilterSet, ["pagina"]),
    "/contact-vastleggen/": (None, ["zoek"]),
    "/organisaties/{organisation}/": (None, ["pagina"]),
}


@pytest.mark.parametrize(("path", "parameter", "values"), by_parameter(API_LISTS))
def test_a_hostile_api_filter_value_is_answered_or_refused_as_a_problem(api, records, path, parameter, values):
    wrong = {}
    for name, value in values.items():
        response = quiet(api).get(path, {parameter: value})
        if not (response.status_code == 200 or is_problem(response)):
            wrong[name] = (response.status_code, response["Content-Type"])
    assert not wrong, f"GET {path}?{parameter}=…"


@pytest.mark.parametrize(("path", "parameter", "values"), by_parameter(UI_LISTS))
def test_a_hostile_list_filter_value_shows_the_list_or_a_message_never_a_server_error(
    officer_client, records, path, parameter, values
):
    url = path.format(organisation=records.pk)
    wrong = {}
    for name, value in values.items():
        response = quiet(officer_client).get(url, {parameter: value})
        if response.status_code not in (200, 400):
            wrong[name] = response.status_code
    assert not wrong, f"GET {url}?{parameter}=…"


# Forms of the web UI -------------------------------------------------------------------------------------------------


def organisation_form(**changes) -> dict:
    data = {
        "name": "Stichting Doel", "short_name": "", "kind": "ngo", "scope": "local", "status": "active",
        "owner": "", "tier": "", "contact_cadence_days": "", "next_contact_planned_on": "", "influence": "3",
        "interest": "3", "kvk_number": "", "cbs_municipality_code": "", "country": "NL", "street_address": "",
        "postal_code": "", "city": "", "website": "", "email": "", "phone": "", "notes": "",
    }  # fmt: skip
    return data | changes


def contact_form(**changes) -> dict:
    data = {
        "first_name": "Anna", "name_prefix": "de", "last_name": "Vries", "job_title": "Directeur",
        "level": "operational", "email": "", "phone": "", "preferred_language": "nl", "is_active": "on",
        "notes": "",
    }  # fmt: skip
    return data | changes


def log_form(organisation, contact, **changes) -> dict:
    """The log-a-contact form as the browser posts it: the interaction and two follow-up rows, one filled."""
    data = {
        "contacts": [contact.pk], "channel": "call",
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "subject": "Telefonisch overleg", "notes": "Afspraken gemaakt.", "confidential": "", "topics": [],
        "sentiment": "",
        "vervolg-TOTAL_FORMS": "2", "vervolg-INITIAL_FORMS": "0", "vervolg-MIN_NUM_FORMS": "0",
        "vervolg-MAX_NUM_FORMS": "10",
        "vervolg-0-description": "Verslag sturen", "vervolg-0-assignee": str(organisation.owner_id),
        "vervolg-0-due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "vervolg-1-description": "", "vervolg-1-assignee": str(organisation.owner_id), "vervolg-1-due_on": "",
    }  # fmt: skip
    return data | changes


def rows(*models) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


def post_each_hostile_value(client, url, form, field, *, form_class, written, error_shown) -> dict:
    """POST the form with each hostile value in `field`; return what went wrong, by value."""
    name_in_form = field.rsplit("-", 1)[-1]  # vervolg-0-due_on is the follow-up form's due_on
    form_field = form_class.base_fields.get(name_in_form) if form_class else None
    wrong = {}
    for name, value in hostile_values(is_date=isinstance(form_field, DATE_FIELDS)).items():
        before = rows(*written)
        response = quiet(client).post(url, form(**{field: value}))
        after = rows(*written)
        if response.status_code == 302:
            continue  # accepted as ordinary text, which is what it is for a free-text field
        if response.status_code != 200:
            wrong[name] = response.status_code
        elif after != before:
            wrong[name] = f"refused, yet rows were written: {before} -> {after}"
        elif not error_shown(response.context, field):
            wrong[name] = "refused without a message beside the field"
    return wrong


@pytest.mark.parametrize("field", OrganisationForm._meta.fields)
def test_a_hostile_value_in_the_organisation_form_is_refused_beside_the_field_or_saved_as_text(officer_client, field):
    wrong = post_each_hostile_value(
        officer_client,
        "/organisaties/nieuw/",
        organisation_form,
        field,
        form_class=OrganisationForm,
        written=[Organisation],
        error_shown=lambda context, name: name in context["form"].errors,
    )
    assert not wrong


@pytest.mark.parametrize("field", ContactForm._meta.fields)
def test_a_hostile_value_in_the_contact_form_is_refused_beside_the_field_or_saved_as_text(officer_client, field):
    organisation = OrganisationFactory()
    wrong = post_each_hostile_value(
        officer_client,
        f"/organisaties/{organisation.pk}/contactpersonen/nieuw/",
        contact_form,
        field,
        form_class=ContactForm,
        written=[Contact],
        error_shown=lambda context, name: name in context["form"].errors,
    )
    assert not wrong


FOLLOW_UP_FIELDS = ["vervolg-0-description", "vervolg-0-assignee", "vervolg-0-due_on"]
MANAGEMENT_FIELDS = ["vervolg-TOTAL_FORMS", "vervolg-INITIAL_FORMS", "vervolg-MIN_NUM_FORMS", "vervolg-MAX_NUM_FORMS"]


def log_form_class(field):
    """The form a field of the log-a-contact page belongs to; the formset's counts belong to none."""
    if field in FOLLOW_UP_FIELDS:
        return FollowUpForm
    return None if field in MANAGEMENT_FIELDS else InteractionForm


def log_form_error_shown(context, field) -> bool:
    if field in FOLLOW_UP_FIELDS:
        return field.rsplit("-", 1)[1] in context["follow_ups"].forms[0].errors
    if field in MANAGEMENT_FIELDS:
        # A tampered count is refused as a whole, or makes the rows it promises required: either shows.
        return context["follow_ups"].total_error_count() > 0
    return field in context["form"].errors


@pytest.mark.parametrize("field", [*InteractionForm._meta.fields, *FOLLOW_UP_FIELDS, *MANAGEMENT_FIELDS])
def test_a_hostile_value_in_the_log_a_contact_form_is_refused_beside_the_field_or_saved_as_text(
    officer_client, liaison_officer, field
):
    organisation = OrganisationFactory(owner=liaison_officer)
    contact = ContactFactory(organisation=organisation)
    TopicFactory()
    wrong = post_each_hostile_value(
        officer_client,
        f"/organisaties/{organisation.pk}/contact-vastleggen/",
        lambda **changes: log_form(organisation, contact, **changes),
        field,
        form_class=log_form_class(field),
        written=[Interaction, FollowUpAction],
        error_shown=log_form_error_shown,
    )
    assert not wrong


def test_the_admin_interaction_form_refuses_a_moment_that_leaves_the_calendar_in_utc(admin_client, superuser):
    # 00:00 on 1 January of year 1 in Amsterdam (local mean time, +00:19:32) is year 0 in UTC.
    organisation = OrganisationFactory()
    follow_ups = "follow_ups"
    form = {
        "organisation": organisation.pk, "channel": "call", "occurred_at_0": "0001-01-01", "occurred_at_1": "00:00",
        "subject": "Overleg", "logged_by": superuser.pk, f"{follow_ups}-TOTAL_FORMS": "0",
        f"{follow_ups}-INITIAL_FORMS": "0", f"{follow_ups}-MIN_NUM_FORMS": "0", f"{follow_ups}-MAX_NUM_FORMS": "1000",
    }  # fmt: skip

    response = quiet(admin_client).post("/admin/stakeholders/interaction/add/", form)

    assert response.status_code == 200
    assert "occurred_at" in response.context["adminform"].form.errors
    assert not Interaction.objects.exists()


# Bodies of the API ---------------------------------------------------------------------------------------------------


def writable(serializer_class) -> list[str]:
    return [camel(name) for name, field in serializer_class().fields.items() if not field.read_only]


def snapshot(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def send_each_hostile_json(api, method, url, body, field, *, serializer, expected, written, unchanged=None) -> dict:
    """Send the body with each hostile JSON value in `field` (a dotted path for a nested row); return what went
    wrong, by value."""
    fields = serializer().fields
    if field.startswith("vervolgacties."):
        fields, field_name = fields["vervolgacties"].child.fields, field.split(".")[1]
    else:
        field_name = field
    serializer_field = next(f for name, f in fields.items() if camel(name) == field_name)
    is_date = isinstance(serializer_field, serializers.DateField | serializers.DateTimeField)
    wrong = {}
    for name, value in (HOSTILE_JSON | JSON_DATE_EDGES if is_date else HOSTILE_JSON).items():
        before, state = rows(*written), unchanged() if unchanged else None
        response = getattr(quiet(api), method)(url, json_body(body(field, value)), content_type="application/json")
        if response.status_code == expected:
            continue
        if not is_problem(response):
            wrong[name] = (response.status_code, response["Content-Type"])
        elif rows(*written) != before or (unchanged and unchanged() != state):
            wrong[name] = "refused, yet the database changed"
    return wrong


def with_value(base: dict):
    def body(field, value):
        if field.startswith("vervolgacties."):
            return base | {"vervolgacties": [{"omschrijving": "Verslag sturen"} | {field.split(".")[1]: value}]}
        return base | {field: value}

    return body


@pytest.mark.parametrize("field", writable(OrganisationSerializer))
def test_a_hostile_json_value_for_a_new_organisation_is_a_problem_and_writes_nothing(api, field):
    base = {"naam": "Stichting Doel", "soort": "ngo", "reikwijdte": "lokaal"}
    wrong = send_each_hostile_json(
        api,
        "post",
        "/api/v1/organisaties",
        with_value(base),
        field,
        serializer=OrganisationSerializer,
        expected=201,
        written=[Organisation],
    )
    assert not wrong


@pytest.mark.parametrize("field", writable(OrganisationSerializer))
def test_a_hostile_json_value_for_an_organisation_change_is_a_problem_and_changes_nothing(api, field):
    organisation = OrganisationFactory()
    wrong = send_each_hostile_json(
        api,
        "patch",
        f"/api/v1/organisaties/{organisation.pk}",
        with_value({}),
        field,
        serializer=OrganisationSerializer,
        expected=200,
        written=[Organisation],
        unchanged=lambda: snapshot(Organisation, organisation.pk),
    )
    assert not wrong


@pytest.mark.parametrize("field", writable(ContactSerializer))
def test_a_hostile_json_value_for_a_new_contact_is_a_problem_and_writes_nothing(api, field):
    base = {"organisatie": OrganisationFactory().pk, "voornaam": "Anna", "achternaam": "Vries"}
    wrong = send_each_hostile_json(
        api,
        "post",
        "/api/v1/contactpersonen",
        with_value(base),
        field,
        serializer=ContactSerializer,
        expected=201,
        written=[Contact],
    )
    assert not wrong


@pytest.mark.parametrize("field", writable(ContactSerializer))
def test_a_hostile_json_value_for_a_contact_change_is_a_problem_and_changes_nothing(api, field):
    contact = ContactFactory()
    wrong = send_each_hostile_json(
        api,
        "patch",
        f"/api/v1/contactpersonen/{contact.pk}",
        with_value({}),
        field,
        serializer=ContactSerializer,
        expected=200,
        written=[Contact],
        unchanged=lambda: snapshot(Contact, contact.pk),
    )
    assert not wrong


@pytest.mark.parametrize(
    "field",
    [
        *writable(InteractionSerializer),
        "vervolgacties.omschrijving",
        "vervolgacties.uitvoerder",
        "vervolgacties.uiterlijkOp",
    ],
)
def test_a_hostile_json_value_for_a_new_interaction_is_a_problem_and_writes_nothing(api, liaison_officer, field):
    organisation = OrganisationFactory(owner=liaison_officer)
    TopicFactory(name="Terugkeer")
    base = {
        "organisatie": organisation.pk,
        "contactpersonen": [ContactFactory(organisation=organisation).pk],
        "kanaal": "telefoongesprek",
        "plaatsgevondenOp": "2026-01-05T10:00:00Z",
        "onderwerp": "Overleg",
    }
    wrong = send_each_hostile_json(
        api,
        "post",
        "/api/v1/interacties",
        with_value(base),
        field,
        serializer=InteractionSerializer,
        expected=201,
        written=[Interaction, FollowUpAction],
    )
    assert not wrong


MALFORMED_BODIES = {
    "array": "[]",
    "string": '"Stichting Doel"',
    "null": "null",
    "number": "1e309",
    "truncated": '{"naam": "Stichting',
    "nan": '{"naam": "Stichting Doel", "soort": "ngo", "invloed": NaN}',
    "deeply-nested": "[" * 100_000 + "]" * 100_000,
    "deeply-nested-field": '{"naam": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "not-utf-8": b'{"naam": "\xff\xfe"}',
    "duplicate-keys": '{"naam": "Stichting Doel", "soort": "ngo", "soort": ["ngo"]}',
}


# One JSON parser reads every body; these writes cover a create, a change, a nested create and the smallest one.
@pytest.mark.parametrize("body", MALFORMED_BODIES)
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/api/v1/organisaties"), ("patch", "/api/v1/organisaties/{organisation}"),
     ("post", "/api/v1/interacties"), ("post", "/api/v1/labels")],
)  # fmt: skip
def test_a_malformed_json_body_is_a_problem_and_writes_nothing(api, method, path, body):
    organisation = OrganisationFactory()
    before = snapshot(Organisation, organisation.pk)

    response = getattr(quiet(api), method)(
        path.format(organisation=organisation.pk), MALFORMED_BODIES[body], content_type="application/json"
    )

    assert is_problem(response), (response.status_code, response.content[:300])
    assert Organisation.objects.count() == 1 and snapshot(Organisation, organisation.pk) == before
