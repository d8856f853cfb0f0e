"""The benchmark's baseline: a bare WSGI app answering `/?page=N` with the same JSON as
`GET /api/v1/organisaties?page=N&pageSize=100&expand=contactpersonen`, from plain psycopg.

It pages first (the page's ids by LIMIT/OFFSET on the `(name, id)` index), then joins owner, tier and labels for
those rows only, then reads their contacts: three statements with the count. benchmarks/api.py serves it with
gunicorn under the production settings (docker/gunicorn.conf.py), beside the app.

    gunicorn --config docker/gunicorn.conf.py --chdir benchmarks baseline_wsgi:application
"""

import json
import os
import threading
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

import psycopg

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
ORGANISATION_KEYS = [
    "id", "name", "shortName", "kind", "scope", "status", "parent", "kvkNumber", "cbsMunicipalityCode", "country",
    "streetAddress", "postalCode", "city", "website", "email", "phone", "labels", "owner", "tier",
    "contactCadenceDays", "nextContactPlannedOn", "lastContactOn", "nextContactDueOn", "influence", "interest",
    "notes", "createdAt", "updatedAt",
]  # fmt: skip
CONTACTS_SQL = """
    SELECT organisation_id, id, first_name, name_prefix, last_name, job_title, level, email, phone,
           preferred_language, is_active, mail_opted_out_at, created_at, updated_at
    FROM stakeholders_contact WHERE organisation_id = ANY(%s) ORDER BY last_name, first_name, id
"""
CONTACT_KEYS = [
    "id", "firstName", "namePrefix", "lastName", "jobTitle", "level", "email", "phone", "preferredLanguage",
    "isActive", "mailOptedOutAt", "createdAt", "updatedAt",
]  # fmt: skip


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
        contacts.setdefault(contact[0], []).append(dict(zip(CONTACT_KEYS, map(_value, contact[1:]), strict=True)))
    results = []
    for row in rows:
        organisation = dict(zip(ORGANISATION_KEYS, map(_value, row), strict=True))
        organisation["contacts"] = contacts.get(row[0], [])
        results.append(organisation)
    return json.dumps({"count": count, "next": None, "previous": None, "results": results}).encode()


def application(environ, start_response):
    page = int(parse_qs(environ.get("QUERY_STRING", "")).get("page", ["1"])[0])
    body = page_body(page)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
