"""The access audit: one record per view, export or erasure of a person's data, which the database keeps unchanged."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import roles
from privacy.audit import access_records_expire
from privacy.models import AccessRecord
from stakeholders import retention
from tests.api.clients import token_client
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def record_made(*, days_ago: int) -> AccessRecord:
    """A record written that long ago. The table takes inserts only, so the date goes in with the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crm_accessrecord (at, actor_id, actor_username, action, contact_id, origin)"
            " VALUES (%s, 1, 'officer', 'view', 1, '127.0.0.1') RETURNING id",
            [timezone.now() - timedelta(days=days_ago)],
        )
        return AccessRecord.objects.get(pk=cursor.fetchone()[0])


def refused(sql: str, params: list) -> bool:
    """Whether the database refuses this statement; the test's own transaction survives the refusal."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


def summary(record: AccessRecord) -> tuple:
    return (record.actor_id, record.actor_username, record.action, record.contact_id, record.origin)


def test_viewing_a_contact_page_leaves_one_record(client, liaison_officer):
    client.force_login(liaison_officer)
    contact = ContactFactory()

    assert client.get(f"/contactpersonen/{contact.pk}/").status_code == 200

    [record] = AccessRecord.objects.all()
    assert summary(record) == (liaison_officer.pk, "officer", "view", contact.pk, "127.0.0.1")


def test_exporting_a_persons_data_leaves_one_record(client, coordinator):
    client.force_login(coordinator)
    contact = ContactFactory()

    assert client.get(f"/contactpersonen/{contact.pk}/gegevens.json").status_code == 200

    [record] = AccessRecord.objects.all()
    assert summary(record) == (coordinator.pk, "coordinator", "export", contact.pk, "127.0.0.1")


def test_erasing_a_person_leaves_one_record_and_asking_for_confirmation_none(client, coordinator):
    client.force_login(coordinator)
    contact = ContactFactory()

    assert client.get(f"/contactpersonen/{contact.pk}/wissen/").status_code == 200
    assert not AccessRecord.objects.exists()
    client.post(f"/contactpersonen/{contact.pk}/wissen/")

    [record] = AccessRecord.objects.all()
    assert (record.actor_username, record.action, record.contact_id) == ("coordinator", "erase", contact.pk)


def test_a_refused_export_leaves_no_record(client, liaison_officer):
    client.force_login(liaison_officer)
    contact = ContactFactory()

    assert client.get(f"/contactpersonen/{contact.pk}/gegevens.json").status_code == 403

    assert not AccessRecord.objects.exists()


def test_reading_one_contact_through_the_api_leaves_one_view_record_and_the_list_one_list_record(liaison_officer):
    api = token_client(liaison_officer)
    contact = ContactFactory()

    assert api.get("/api/v1/contactpersonen").status_code == 200
    assert api.get(f"/api/v1/contactpersonen/{contact.pk}").status_code == 200

    [listed, viewed] = AccessRecord.objects.order_by("id")
    assert summary(viewed) == (liaison_officer.pk, "officer", "view", contact.pk, "127.0.0.1")
    assert (listed.action, listed.contact_id, listed.persons) == ("list", None, 1)


def test_a_record_outlives_its_user_unchanged(client):
    user = UserFactory(username="temp", role=roles.COORDINATORS)
    client.force_login(user)
    contact = ContactFactory()
    client.get(f"/contactpersonen/{contact.pk}/")

    client.logout()
    user.delete()

    assert AccessRecord.objects.get().actor_username == "temp"


def test_the_database_refuses_to_change_or_delete_a_record():
    record = record_made(days_ago=0)

    assert refused("UPDATE crm_accessrecord SET actor_username = 'someone else' WHERE id = %s", [record.pk])
    assert refused("DELETE FROM crm_accessrecord WHERE id = %s", [record.pk])
    assert refused("DELETE FROM crm_accessrecord WHERE id = %s", [record_made(days_ago=4000).pk])
    assert AccessRecord.objects.get(pk=record.pk).actor_username == "officer"


def test_the_retention_switch_lets_through_only_rows_older_than_its_cutoff():
    recent, old = record_made(days_ago=10), record_made(days_ago=400)
    cutoff = (timezone.now() - timedelta(days=365)).isoformat()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL crm.audit_retention = 'on'")
        cursor.execute("SELECT set_config('crm.audit_retention_before', %s, true)", [cutoff])
        assert refused("DELETE FROM crm_accessrecord WHERE id = %s", [recent.pk])
        assert refused("UPDATE crm_accessrecord SET contact_id = 2 WHERE id = %s", [old.pk])
        assert not refused("DELETE FROM crm_accessrecord WHERE id = %s", [old.pk])

    assert list(AccessRecord.objects.all()) == [recent]


def test_retention_deletes_only_expired_records_and_leaves_the_table_closed(settings):
    settings.RETENTION_DAYS = {"audit": 365}
    recent = record_made(days_ago=364)
    record_made(days_ago=366)

    assert retention.retention_apply()["audit"] == 1
    assert retention.retention_apply()["audit"] == 0

    assert list(AccessRecord.objects.all()) == [recent]
    assert refused("DELETE FROM crm_accessrecord WHERE id = %s", [record_made(days_ago=4000).pk])


def test_without_an_audit_period_records_are_kept(settings):
    settings.RETENTION_DAYS = {"audit": None}
    record_made(days_ago=4000)

    assert access_records_expire(now=timezone.now()) == 0
    assert AccessRecord.objects.count() == 1


def test_administrators_read_the_audit_and_can_change_nothing(admin_client):
    record = record_made(days_ago=1)

    assert admin_client.get("/admin/privacy/accessrecord/?q=officer").status_code == 200
    assert admin_client.get("/admin/privacy/accessrecord/?q=Jansen").status_code == 200
    assert admin_client.get(f"/admin/privacy/accessrecord/{record.pk}/change/").status_code == 200
    assert admin_client.get("/admin/privacy/accessrecord/add/").status_code == 403
    assert admin_client.post(f"/admin/privacy/accessrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_staff_without_the_view_permission_do_not_see_the_audit(client):
    client.force_login(UserFactory(is_staff=True, role=roles.COORDINATORS))

    assert client.get("/admin/privacy/accessrecord/").status_code == 403
