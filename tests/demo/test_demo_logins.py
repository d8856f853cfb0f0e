import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from accounts import roles


def printed_logins(tmp_path, settings) -> list[list[str]]:
    settings.RUN_DIR = tmp_path
    output = io.StringIO()
    call_command("demo_logins", stdout=output)
    rows = [line.split() for line in output.getvalue().splitlines() if "http://127.0.0.1:8000/" in line]
    return [row for row in rows if len(row) >= 4 and not row[0].startswith("The")]


@pytest.mark.django_db
def test_every_demo_role_logs_in_with_the_password_the_block_prints(tmp_path, settings):
    logins = printed_logins(tmp_path, settings)

    # Role names may have a space ("Liaison officers"): the user, password and start page are the last three fields.
    users = {row[-3]: row[-2] for row in logins}
    assert len(users) == len(roles.ROLES)
    for username, password in users.items():
        client = Client()
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(get_user_model().objects.get(username=username).pk)
    role_of = {user.username: {group.name for group in user.groups.all()} for user in get_user_model().objects.all()}
    assert {role for username in users for role in role_of[username]} == set(roles.ROLES)


@pytest.mark.django_db
def test_the_logins_are_kept_and_a_second_run_prints_the_same_passwords(tmp_path, settings):
    first = printed_logins(tmp_path, settings)
    second = printed_logins(tmp_path, settings)

    assert first == second
    assert (tmp_path / "demo-credentials").stat().st_mode & 0o777 == 0o600
