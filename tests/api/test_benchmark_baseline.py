"""The API benchmark's baseline (benchmarks/baseline_wsgi.py) encodes the very JSON the API does, Dutch names and
codes included, so that the benchmark compares like with like."""

import json
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import ContactFactory, OrganisationFactory, TagFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import baseline_wsgi  # noqa: E402


@pytest.mark.django_db(transaction=True)
def test_the_baseline_answers_a_page_with_the_apis_json(api, liaison_officer, monkeypatch):
    for kind, scope in [("municipality", "local"), ("private_partner", "international"), ("ngo", "national")]:
        organisation = OrganisationFactory(kind=kind, scope=scope, owner=liaison_officer, status="active")
        organisation.tags.add(TagFactory())
        ContactFactory(organisation=organisation, level="executive", preferred_language="en")
        ContactFactory(organisation=organisation, level="policy")
    database = connection.settings_dict
    monkeypatch.setattr(
        baseline_wsgi, "URL", f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    monkeypatch.setattr(baseline_wsgi, "_local", type(baseline_wsgi._local)())

    app = api.get("/api/v1/organisaties?pagina=1&paginaGrootte=100&expand=contactpersonen").json()
    baseline = json.loads(baseline_wsgi.page_body(1))

    assert baseline["resultaten"][0]["soort"] in {"gemeente", "particulierePartner", "ngo"}
    assert baseline == app | {"volgende": None}
