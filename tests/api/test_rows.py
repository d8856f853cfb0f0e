"""Lists read as plain rows (crm/api/rows.py) give exactly what the serializers give for the same records."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from crm.api.renderers import camelize_keys
from crm.api.rows import RowEncoder
from crm.spreadsheet import DIALECT
from stakeholders import selectors
from stakeholders.api.serializers import (
    ContactSerializer,
    InteractionSerializer,
    LabelSerializer,
    OrganisationSerializer,
    RelationSerializer,
)
from stakeholders.models import Tier
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    OrganisationRelationFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """Records with every kind of value a row can hold: empty references, labels, date-times with and without a
    fraction of a second, dates, choices."""
    owner = UserFactory(username="eigenaar")
    first = OrganisationFactory(
        name="Gemeente Ede", kind="municipality", owner=owner, tier=Tier.objects.first(), city="Ede",
        next_contact_planned_on=datetime.date(2027, 1, 5),
    )  # fmt: skip
    second = OrganisationFactory(name="Stichting Vluchtheuvel", owner=None, tier=None, parent=first)
    OrganisationFactory(name="Zonder contacten")
    first.tags.add(TagFactory(name="Pilot"), TagFactory(name="Azc"))
    ContactFactory(organisation=first, last_name="Bakker", level="executive")
    opted_out = ContactFactory(organisation=first, last_name="Aydin", preferred_language="en")
    opted_out.mail_opted_out_at = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)  # no fraction
    opted_out.save()
    ContactFactory(organisation=second, last_name="Visser")
    OrganisationRelationFactory(source=first, target=second, started_on=timezone.localdate())
    return first, second


def serialized(serializer_class, records, **context) -> list[dict]:
    return camelize_keys(serializer_class(records, many=True, context=context).data)


@pytest.mark.parametrize("expand", [False, True])
def test_a_page_of_organisations_as_rows_equals_the_serializer(api, network, expand):
    response = api.get("/api/v1/organisaties?paginaGrootte=100" + ("&expand=contactpersonen" if expand else ""))

    results = response.json()["resultaten"]
    by_id = selectors.organisations_list(with_contacts=expand, label_names=True).in_bulk([row["id"] for row in results])
    records = [by_id[row["id"]] for row in results]
    assert results == serialized(OrganisationSerializer, records, expand_contacts=expand)
    assert [len(row.get("contactpersonen", [])) for row in results] == ([2, 1, 0] if expand else [0, 0, 0])


def test_pages_of_contacts_relations_and_labels_as_rows_equal_the_serializer(api, network):
    for url, serializer_class, model_list in [
        ("/api/v1/contactpersonen", ContactSerializer, selectors.contacts_list()),
        ("/api/v1/relaties", RelationSerializer, selectors.relations_list()),
        ("/api/v1/labels", LabelSerializer, selectors.tags_list()),
    ]:
        results = api.get(f"{url}?paginaGrootte=100").json()["resultaten"]
        by_id = model_list.in_bulk([row["id"] for row in results])
        assert results == serialized(serializer_class, [by_id[row["id"]] for row in results]), url
        assert results


def test_every_list_but_the_interactions_is_read_as_rows():
    # Interactions show to-many references (contacts, topics) without a row lookup: they take DRF's own path.
    with_contacts = selectors.organisations_list(with_contacts=True, label_names=True)
    for serializer, queryset, readable in [
        (OrganisationSerializer(context={"expand_contacts": True}), with_contacts, True),
        (OrganisationSerializer(context={}), selectors.organisations_list(label_names=True), True),
        (ContactSerializer(), selectors.contacts_list(), True),
        (RelationSerializer(), selectors.relations_list(), True),
        (LabelSerializer(), selectors.tags_list(), True),
        (InteractionSerializer(), selectors.interactions_list(user=UserFactory(is_superuser=True)), False),
        # Labels only come along in the row when the list gathers their names (selectors.organisations_list).
        (OrganisationSerializer(context={}), selectors.organisations_list(), False),
    ]:  # fmt: skip
        assert (RowEncoder.compile(serializer, queryset) is not None) is readable, type(serializer).__name__


def test_a_cursor_walk_over_rows_meets_every_organisation_once(api, network):
    seen, url = [], "/api/v1/organisaties?cursor=&paginaGrootte=2"
    while url:
        body = api.get(url.replace("http://testserver", "")).json()
        seen += [row["naam"] for row in body["resultaten"]]
        url = body["volgende"]

    assert sorted(seen) == ["Gemeente Ede", "Stichting Vluchtheuvel", "Zonder contacten"]


def test_the_csv_of_rows_holds_the_serializers_cells(api, network):
    response = api.get("/api/v1/organisaties", HTTP_ACCEPT="text/csv")

    text = b"".join(response.streaming_content).decode()
    lines = list(csv.DictReader(io.StringIO(text), dialect=DIALECT))
    ede = next(line for line in lines if line["naam"] == "Gemeente Ede")
    assert ede["labels"] == "Azc, Pilot"
    assert ede["relatiebeheerder"] == "eigenaar"
    assert ede["volgendContactGeplandOp"] == "2027-01-05"
    assert ede["soort"] == "gemeente"
    assert ede["aangemaaktOp"].endswith("Z")
    vluchtheuvel = next(line for line in lines if line["naam"] == "Stichting Vluchtheuvel")
    assert vluchtheuvel["relatiebeheerder"] == ""
    assert vluchtheuvel["moederorganisatie"] == str(network[0].id)
