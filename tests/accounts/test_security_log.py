"""The security log: one JSON line per sign-in, failed sign-in, sign-out, refusal and change of rights."""

import io
import json
import logging
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory, override_settings

from accounts import roles
from accounts.models import ApiToken
from accounts.security_log import SecurityJsonFormatter
from accounts.tokens import api_token_create, api_token_revoke
from crm.web.client import client_address
from tests.api.clients import token_client
from tests.crm.test_settings import manage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


class SecurityLog:
    """What the `crm.security` logger writes, through the formatter the settings give it."""

    def __init__(self):
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def events(self, action: str | None = None) -> list[dict]:
        events = [json.loads(line) for line in self.text.splitlines()]
        return [event for event in events if action is None or event["action"] == action]

    def objects(self, action: str) -> list[str]:
        return [event["object"] for event in self.events(action)]


@pytest.fixture
def security_log():
    log = SecurityLog()
    handler = logging.StreamHandler(log.stream)
    handler.setFormatter(SecurityJsonFormatter())
    logger = logging.getLogger("crm.security")
    logger.addHandler(handler)
    yield log
    logger.removeHandler(handler)


def without_time(event: dict) -> dict:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", event["time"])
    return {key: value for key, value in event.items() if key != "time"}


def test_the_settings_send_the_security_log_as_json_lines_apart_from_the_application_log():
    logger = logging.getLogger("crm.security")

    assert [handler for handler in logger.handlers if isinstance(handler.formatter, SecurityJsonFormatter)]
    assert not logger.propagate


def test_with_a_log_file_set_the_security_log_goes_there(tmp_path):
    log_file = tmp_path / "security.log"
    code = "from accounts.security_log import security_event; security_event(action='probe', result='denied')"

    result = manage("shell", "-c", code, SECURITY_LOG_FILE=str(log_file))

    assert result.returncode == 0, result.stderr
    assert "probe" not in result.stderr
    [event] = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert without_time(event) == {"action": "probe", "object": "", "result": "denied", "origin": None, "actor": None}


def test_a_failed_login_is_one_line_with_the_attempted_name_and_without_the_password(client, security_log):
    UserFactory(username="officer")

    response = client.post("/login/", {"username": "officer", "password": "Geheim-wachtwoord-42"})

    assert response.status_code == 200
    [event] = security_log.events("login")
    assert without_time(event) == {
        "action": "login",
        "object": "",
        "result": "failure",
        "origin": "127.0.0.1",
        "actor": "officer",
    }
    assert "Geheim" not in security_log.text


def test_a_user_name_with_a_newline_and_quotes_stays_one_line(client, security_log):
    forged = 'eve"}\n{"action": "login", "result": "success", "actor": "root'

    client.post("/login/", {"username": forged, "password": "x"})

    assert len(security_log.text.splitlines()) == 1
    [event] = security_log.events()
    assert (event["result"], event["actor"]) == ("failure", forged)


def test_signing_in_and_out_is_logged_with_the_user_name(client, security_log):
    UserFactory(username="officer")

    client.post("/login/", {"username": "officer", "password": PASSWORD})
    client.post("/logout/")

    events = security_log.events("login") + security_log.events("logout")
    assert [(event["action"], event["result"], event["actor"]) for event in events] == [
        ("login", "success", "officer"),
        ("logout", "success", "officer"),
    ]


def test_a_reader_refused_a_page_is_logged_as_denied(client, reader, security_log):
    client.force_login(reader)

    assert client.get("/organisaties/nieuw/?naam=Jansen").status_code == 403

    [event] = security_log.events("authorisation")
    assert without_time(event) == {
        "action": "authorisation",
        "object": "GET /organisaties/nieuw/",
        "result": "denied",
        "origin": "127.0.0.1",
        "actor": "reader",
    }


def test_a_read_only_token_refused_a_write_in_the_api_is_logged_as_denied(reader, security_log):
    client = token_client(reader, read_only=True)

    assert client.post("/api/v1/organisaties", {"naam": "X", "soort": "ngo"}, format="json").status_code == 403

    [event] = security_log.events("authorisation")
    assert (event["object"], event["result"], event["actor"]) == ("POST /api/v1/organisaties", "denied", "reader")


def test_a_page_that_is_answered_is_not_in_the_security_log(client, reader, security_log):
    client.force_login(reader)

    assert client.get("/organisaties/").status_code == 200

    assert security_log.events("authorisation") == []


def test_adding_a_user_to_a_group_and_taking_them_out_again_are_privilege_changes(security_log):
    user = UserFactory()
    coordinators = Group.objects.get(name=roles.COORDINATORS)

    user.groups.add(coordinators)
    coordinators.user_set.remove(user)

    assert security_log.objects("privilege.change")[-2:] == [
        f"user:{user.pk} groups +Coordinators",
        f"user:{user.pk} groups -Coordinators",
    ]


def test_making_a_user_superuser_is_a_privilege_change_and_signing_in_is_not(client, security_log):
    user = UserFactory(username="officer")
    user.is_superuser = True
    user.save()

    client.post("/login/", {"username": "officer", "password": PASSWORD})

    assert security_log.objects("privilege.change")[-1] == f"user:{user.pk} is_superuser=true"
    assert len(security_log.events("privilege.change")) == 2, "the user's creation, then the change; no more"


def test_a_groups_new_permission_is_a_privilege_change(security_log):
    readers = Group.objects.get(name=roles.READ_ONLY)

    readers.permissions.add(Permission.objects.get(codename="delete_contact"))

    assert security_log.objects("privilege.change") == [f"group:{readers.pk} permissions +stakeholders.delete_contact"]


def test_clearing_a_users_groups_names_the_groups_taken_away(security_log):
    user = UserFactory(role=roles.RESEARCHERS)

    user.groups.clear()

    assert security_log.objects("privilege.change")[-1] == f"user:{user.pk} groups -Researchers"


def test_creating_and_revoking_an_api_token_are_privilege_changes_without_the_secret(reader, security_log):
    token, secret = api_token_create(user=reader, name="Datawarehouse")
    api_token_revoke(token=token)
    api_token_revoke(token=token)

    assert security_log.objects("privilege.change") == [
        f"api-token:{token.pk} user:{reader.pk} created read_only=true expires_at=null revoked_at=null",
        f"api-token:{token.pk} revoked",
    ]
    assert secret not in security_log.text
    assert token.prefix not in security_log.text


def test_deleting_a_user_names_the_user_and_the_tokens_that_went_with_it(reader, security_log):
    token, _secret = api_token_create(user=reader, name="Datawarehouse")
    user_id = reader.pk

    reader.delete()

    assert set(security_log.objects("privilege.change")[-2:]) == {
        f"user:{user_id} deleted",
        f"api-token:{token.pk} deleted",
    }


def test_a_token_revoked_in_admin_names_the_administrator(admin_client, reader, security_log):
    token, _secret = api_token_create(user=reader, name="Datawarehouse")

    admin_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    [event] = [event for event in security_log.events() if event["object"] == f"api-token:{token.pk} revoked"]
    assert (event["actor"], event["origin"]) == ("root", "127.0.0.1")


def test_a_forwarded_address_is_ignored_unless_a_proxy_is_configured():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_address(request) == "10.0.0.2"


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"), AXES_IPWARE_PROXY_COUNT=1)
def test_behind_the_configured_proxy_the_client_is_the_forwarded_address(client, security_log):
    client.post(
        "/login/",
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",
    )

    [event] = security_log.events("login")
    assert event["origin"] == "203.0.113.9"


def test_a_token_made_in_admin_with_an_expiry_is_logged_with_it(admin_client, reader, security_log):
    response = admin_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": reader.pk, "name": "Datawarehouse", "read_only": "on",
         "expires_at_0": "2030-01-31", "expires_at_1": "12:00:00"},
    )  # fmt: skip

    assert response.status_code == 302
    token = ApiToken.objects.get()
    assert security_log.objects("privilege.change") == [
        f"api-token:{token.pk} user:{reader.pk} created read_only=true expires_at=2030-01-31T12:00:00+01:00 "
        "revoked_at=null"
    ]
