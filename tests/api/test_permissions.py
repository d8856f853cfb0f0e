import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accounts import roles
from stakeholders.models import Organisation
from tests.api.clients import token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisaties"
NEW = {"naam": "Stichting Nieuw", "soort": "ngo"}


@pytest.mark.parametrize(
    ("role", "may_write"),
    [("liaison_officer", True), ("coordinator", True), ("superuser", True), ("researcher", False),
     ("reader", False)],
)  # fmt: skip
def test_every_role_reads_and_only_writing_roles_write(request, role, may_write):
    client = token_client(request.getfixturevalue(role), read_only=False)

    assert client.get(URL).status_code == 200
    assert client.post(URL, NEW, format="json").status_code == (201 if may_write else 403)
    assert Organisation.objects.filter(name="Stichting Nieuw").exists() == may_write


def test_a_user_without_a_role_reads_nothing(outsider):
    assert token_client(outsider).get(URL).status_code == 403


@pytest.mark.parametrize("role", ["liaison_officer", "coordinator", "superuser"])
def test_read_only_token_of_a_writing_role_cannot_write(request, role):
    client = token_client(request.getfixturevalue(role), read_only=True)

    assert client.post(URL, NEW, format="json").status_code == 403
    assert not Organisation.objects.exists()


def test_browser_session_of_a_reader_cannot_write(client, reader):
    client.force_login(reader)

    assert client.post(URL, NEW, content_type="application/json").status_code == 403


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_api_response_over_https_carries_hsts(api):
    response = api.get(URL, secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_role_taken_away_ends_reading_at_the_next_request(reader):
    client = token_client(reader)
    assert client.get(URL).status_code == 200  # the role's permissions are now in the cache

    reader.groups.clear()

    assert client.get(URL).status_code == 403


def test_a_permission_taken_from_a_role_ends_reading_at_the_next_request(reader):
    client = token_client(reader)
    assert client.get(URL).status_code == 200
    role = Group.objects.get(name=roles.READ_ONLY)

    role.permissions.remove(Permission.objects.get(codename="view_organisation"))

    assert client.get(URL).status_code == 403


def test_a_deleted_role_ends_reading_at_the_next_request(reader):
    client = token_client(reader)
    assert client.get(URL).status_code == 200

    Group.objects.get(name=roles.READ_ONLY).delete()

    assert client.get(URL).status_code == 403


def test_a_role_given_lets_the_user_read_at_the_next_request(outsider):
    client = token_client(outsider)
    assert client.get(URL).status_code == 403

    outsider.groups.add(Group.objects.get(name=roles.READ_ONLY))

    assert client.get(URL).status_code == 200


def test_a_request_with_a_warm_cache_reads_no_permission(reader):
    client = token_client(reader)
    client.get(URL)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200

    assert not [query for query in queries.captured_queries if "auth_permission" in query["sql"]]
