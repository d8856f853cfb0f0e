"""The door matrix of the platform's writes that more than one door makes: an API token is made in admin and by
`manage.py create_api_token`. Each door refuses the same rule with nothing written, and each states the token's
expiry in the security log."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import ApiToken
from tests.accounts.test_security_log import security_log  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def admin_add(admin_client, user, expires_at: datetime.datetime | None):
    fields = {"user": user.pk, "name": "Datawarehouse", "read_only": "on"}
    if expires_at:
        local = timezone.localtime(expires_at)
        fields |= {"expires_at_0": local.strftime("%Y-%m-%d"), "expires_at_1": local.strftime("%H:%M:%S")}
    return admin_client.post("/admin/accounts/apitoken/add/", fields)


def test_a_token_that_would_expire_in_the_past_is_refused_at_every_door(admin_client, reader):
    response = admin_add(admin_client, reader, timezone.now() - datetime.timedelta(days=1))
    assert response.status_code == 200
    assert "Kies een moment in de toekomst." in response.content.decode()  # beside the field, in Dutch

    with pytest.raises(CommandError):
        call_command("create_api_token", reader.username, "--expires-days", "0")

    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("door", ["admin", "command"])
def test_every_door_logs_the_new_token_with_its_expiry(door, admin_client, reader, security_log):  # noqa: F811
    if door == "admin":
        response = admin_add(admin_client, reader, timezone.now() + datetime.timedelta(days=30))
        assert response.status_code == 302
    else:
        call_command("create_api_token", reader.username, "--expires-days", "30")

    token = ApiToken.objects.get()
    [created] = [line for line in security_log.objects("privilege.change") if line.startswith(f"api-token:{token.pk}")]
    assert "expires_at=null" not in created and "expires_at=" in created
