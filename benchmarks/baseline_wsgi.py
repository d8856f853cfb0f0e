"""The benchmark's baseline: a bare WSGI app answering `/?pagina=N` with the same JSON as
`GET /api/v1/organisaties?pagina=N&paginaGrootte=100&expand=contactpersonen`, from plain psycopg.

It pages first (the page's ids by LIMIT/OFFSET on the `(name, id)` index), then joins owner, tier and labels for
those rows only, then reads their contacts: three statements with the count. benchmarks/api.py serves it with
gunicorn under the production settings (docker/gunicorn.conf.py), beside the app.

Its keys and codes are the API's Dutch (stakeholders/wire.py), read once when it starts (which sets Django up for
that only); a request then costs a dictionary lookup per coded value, as it would in any hand-written encoder.

    gunicorn --config docker/gunicorn.conf.py --chdir benchmarks baseline_wsgi:application
"""

import json
import os
import threading
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

import django
import psycopg

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
django.setup()

from crm.api.pagination import ENVELOPE  # noqa: E402 (after Django is set up)
from crm.api.wire import camel  # noqa: E402
from stakeholders import wire  # noqa: E402

URL = os.environ["DATABASE_URL"]
PAGE_SIZE = 100
_local = threading.local()

ORGANISATIONS_SQL = """
    WITH page AS (SELECT id FROM stakeholders_organisation ORDER BY name, id LIMIT %s OFFSET %s)
    SELECT o.id, o.name, o.short_name, o.kind, o.scope, o.status, o.parent_id, o.kvk_number,
           o.cbs_municipality_code, o.country, o.street_address, o.postal_code, o.city, o.website, o.email, o.phone,
           ARRAY(SELECT g.name FROM stakeholders_tag g JOIN stakeholders_organisation_tags ot ON ot.tag_id = g.id
                 WHERE ot.organisation_id = o.id ORDER BY g.name),
           u.username, t.code, o.contact_cadence_days, o.next_contact_planned_on, o.last_contact_on,
           o.next_contact_due_on, o.influence, o.interest, o.notes, o.created_at, o.updated_at
    FROM page JOIN stakeholders_organisation o ON o.id = page.id
    LEFT JOIN auth_user u ON u.id = o.owner_id
    LEFT JOIN stakeholders_tier t ON t.id = o.tier_id
    ORDER BY o.name, o.id
"""
# The columns of the statements above by the serializer's (English) field names, then as the wire names them.
ORGANISATION_FIELDS = [
    "id", "name", "short_name", "kind", "scope", "status", "parent", "kvk_number", "cbs_municipality_code", "country",
    "street_address", "postal_code", "city", "website", "email", "phone", "labels", "owner", "tier",
    "contact_cadence_days", "next_contact_planned_on", "last_contact_on", "next_contact_due_on", "influence",
    "interest", "notes", "created_at", "updated_at",
]  # fmt: skip
ORGANISATION_KEYS = [camel(wire.ORGANISATION.get(field, field)) for field in ORGANISATION_FIELDS]
ORGANISATION_CODES = {
    ORGANISATION_FIELDS.index("kind"): wire.ORGANISATION_KIND.by_value,
    ORGANISATION_FIELDS.index("scope"): wire.SCOPE.by_value,
    ORGANISATION_FIELDS.index("status"): wire.ORGANISATION_STATUS.by_value,
}
CONTACTS_KEY = camel(wire.ORGANISATION["contacts"])
CONTACTS_SQL = """
    SELECT organisation_id, id, first_name, name_prefix, last_name, job_title, level, email, phone,
           preferred_language, is_active, mail_opted_out_at, created_at, updated_at
    FROM stakeholders_contact WHERE organisation_id = ANY(%s) ORDER BY last_name, first_name, id
"""
CONTACT_FIELDS = [
    "id", "first_name", "name_prefix", "last_name", "job_title", "level", "email", "phone", "preferred_language",
    "is_active", "mail_opted_out_at", "created_at", "updated_at",
]  # fmt: skip
CONTACT_KEYS = [camel(wire.CONTACT.get(field, field)) for field in CONTACT_FIELDS]
CONTACT_CODES = {
    CONTACT_FIELDS.index("level"): wire.CONTACT_LEVEL.by_value,
    CONTACT_FIELDS.index("preferred_language"): wire.LANGUAGE.by_value,
}


def _coded(values: list, codes: dict[int, dict[str, str]]) -> list:
    for index, code in codes.items():
        values[index] = code[values[index]]
    return values


def _value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def page_body(page: int) -> bytes:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = psycopg.connect(URL, autocommit=True)
    count = connection.execute("SELECT count(*) FROM stakeholders_organisation").fetchone()[0]
    rows = connection.execute(ORGANISATIONS_SQL, (PAGE_SIZE, (page - 1) * PAGE_SIZE)).fetchall()
    contacts: dict[int, list] = {}
    for contact in connection.execute(CONTACTS_SQL, ([row[0] for row in rows],)).fetchall():
        values = _coded(list(map(_value, contact[1:])), CONTACT_CODES)
        contacts.setdefault(contact[0], []).append(dict(zip(CONTACT_KEYS, values, strict=True)))
    results = []
    for row in rows:
        organisation = dict(zip(ORGANISATION_KEYS, _coded(list(map(_value, row)), ORGANISATION_CODES), strict=True))
        organisation[CONTACTS_KEY] = contacts.get(row[0], [])
        results.append(organisation)
    page = {"count": count, "next": None, "previous": None, "results": results}
    return json.dumps({ENVELOPE[key]: value for key, value in page.items()}).encode()


def application(environ, start_response):
    page = int(parse_qs(environ.get("QUERY_STRING", "")).get("pagina", ["1"])[0])
    body = page_body(page)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
