"""The access audit: who viewed, exported or erased a contact person's data, when and from where.

A module apart from the security log (crm/security_log.py) on purpose: that one writes lines for the SIEM, outside
any transaction, and loads before the models; this one writes rows in the database, in the transaction of the access
itself, kept for RETENTION_DAYS["audit"] and read in admin. The table is append-only: PostgreSQL refuses to change or
delete a row (crm/migrations/0004_access_audit.py), except the deletion of expired rows here.
"""

import unicodedata
from datetime import datetime, timedelta
from urllib.parse import unquote_plus

from django.conf import settings
from django.db import connection, transaction

from crm.web.client import client_address

from .models import AccessAction, AccessRecord


def access_record(*, request, action: str, contact) -> AccessRecord:
    """Record that the request's user accessed this contact person's data. Call it before the data is sent: if the
    row cannot be written, the request fails and shows nothing."""
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}")
    user = request.user
    return AccessRecord.objects.create(
        actor_id=user.pk,
        actor_username=user.get_username(),
        action=action,
        contact_id=contact.pk,
        origin=client_address(request) or None,
    )


def _what(request) -> str:
    """The list's address and filter as a person reads them, made safe: decoded, without control characters (no line
    breaks to forge a row in an export of the audit), cut to the field's length."""
    query = request.META.get("QUERY_STRING", "")
    text = unquote_plus(f"{request.path}?{query}" if query else request.path, errors="replace")
    text = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return text[: AccessRecord._meta.get_field("query").max_length]


def access_list_record(*, request, persons: int) -> AccessRecord:
    """Record that the request's user was shown a list of `persons` contact persons' data (a page of a list, a CSV,
    an export): one row per request, with the list's address and filter. Call it before the data is sent."""
    user = request.user
    return AccessRecord.objects.create(
        actor_id=user.pk,
        actor_username=user.get_username(),
        action=AccessAction.LIST,
        query=_what(request),
        persons=persons,
        origin=client_address(request) or None,
    )


def access_records_expire(*, now: datetime) -> int:
    """Delete the records older than RETENTION_DAYS["audit"]; without that period, records are kept for good."""
    days = settings.RETENTION_DAYS.get("audit")
    if not days:
        return 0
    cutoff = now - timedelta(days=days)
    with transaction.atomic():
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            with connection.cursor() as cursor:
                # The trigger lets this transaction delete rows older than the cutoff, and none younger. A SET
                # cannot take a bound parameter; set_config(..., true) is the same as SET LOCAL.
                cursor.execute("SET LOCAL crm.audit_retention = 'on'")
                cursor.execute("SELECT set_config('crm.audit_retention_before', %s, true)", [cutoff.isoformat()])
        deleted, _per_model = AccessRecord.objects.filter(at__lt=cutoff).delete()
        if postgresql:
            # Inside a caller's transaction SET LOCAL lasts until that one ends; close the door behind us.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL crm.audit_retention = 'off'")
    return deleted
