"""Anonymity as a property of the database: the schema itself holds nothing that leads back to a person."""

import hashlib

import pytest
from django.db import connection

from mail.models import OutboxMessage
from surveys.models import InvitationToken
from surveys.services import invitation_link_issue
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

ANSWER_TABLES = ["surveys_ballot", "surveys_response", "surveys_answer"]
IDENTIFYING = ("contact", "invitation", "token", "user", "ip", "agent", "email", "session")


def columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", [table])
        return dict(cursor.fetchall())


def referenced_tables(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {constraint["foreign_key"][0] for constraint in constraints.values() if constraint["foreign_key"]}


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_no_column_or_foreign_key_of_a_response_table_leads_to_a_person(table):
    names = columns(table)
    assert names, f"{table} exists"
    assert not [name for name in names if any(word in name for word in IDENTIFYING)]
    assert referenced_tables(table) <= {"surveys_surveyround", "surveys_response", "surveys_question"}


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_a_response_table_keeps_dates_never_moments(table):
    moments = {name: kind for name, kind in columns(table).items() if "time" in kind or "date" in kind}
    assert all(kind == "date" for kind in moments.values()), moments


def test_response_ids_are_random_not_a_sequence():
    assert columns("surveys_response")["id"] == "uuid"
    assert columns("surveys_answer")["id"] == "uuid"


def test_ten_thousand_links_are_unique_and_only_their_digests_are_stored():
    invitation = InvitationFactory()
    message = OutboxMessage(idempotency_key=f"survey-invitation:{invitation.pk}")
    tokens = [invitation_link_issue(message).rstrip("/").rsplit("/", 1)[1] for _ in range(10_000)]

    assert len(set(tokens)) == 10_000
    assert min(len(token) for token in tokens) >= 43, "32 random bytes, 256 bits, in URL-safe base64"
    stored = set(InvitationToken.objects.values_list("digest", flat=True))
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    assert not stored & set(tokens)
