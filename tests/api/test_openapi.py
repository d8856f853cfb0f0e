"""The OpenAPI document: served to anyone, complete, and clean under the official API Design Rules linter."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parents[2]
# The official ruleset lives in the shared folder beside the repository (as on CI); ADR_RULESET may point elsewhere.
RULESET = Path(os.environ.get("ADR_RULESET", ROOT.parent / "shared" / "api-design-rules" / "linter.yaml"))
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
URL = "/api/v1/openapi.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    response = APIClient().get(URL)
    assert response.status_code == 200
    return json.loads(response.content)


def test_document_is_served_without_authentication_with_cors_open(client):
    response = client.get(URL, HTTP_ORIGIN="https://portal.partner.example")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"] == "1.0.0"


def test_data_is_not_shared_cross_origin(api):
    response = api.get("/api/v1/organisaties", HTTP_ORIGIN="https://portal.partner.example")

    assert "Access-Control-Allow-Origin" not in response


def test_document_names_contact_servers_and_a_semver_version(document):
    assert set(document["info"]["contact"]) == {"name", "email", "url"}
    assert document["servers"][0]["url"].startswith("https://")
    assert document["servers"][0]["url"].endswith("/api/v1")
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["info"]["version"])


def test_every_operation_documents_its_problems_and_version_header(document):
    for path, operations in document["paths"].items():
        assert not path.endswith("/"), path
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "403", "404", "429", "500"} <= set(responses), (path, method)
            for code, response in responses.items():
                if code.startswith("2"):
                    assert "API-Version" in response["headers"], (path, method, code)


def test_dates_are_dates_and_moments_are_date_times(document):
    organisation = document["components"]["schemas"]["Organisatie"]["properties"]

    assert organisation["volgendContactUiterlijkOp"]["format"] == "date"
    assert organisation["gewijzigdOp"]["format"] == "date-time"


def test_document_names_fields_parameters_and_values_in_dutch(document):
    schemas = document["components"]["schemas"]
    organisation = schemas["Organisatie"]["properties"]
    page = schemas["PaginatedOrganisatieList"]["properties"]
    parameters = {
        parameter["name"]: parameter.get("schema", {})
        for parameter in document["paths"]["/organisaties"]["get"]["parameters"]
    }

    assert {"naam", "korteNaam", "soort", "relatiebeheerder", "kvkNummer"} <= set(organisation)
    assert not {"name", "shortName", "kind", "owner", "kvkNumber", "contacts"} & set(organisation)
    assert schemas[organisation["soort"]["$ref"].rsplit("/", 1)[1]]["enum"] == [
        "ngo", "gemeente", "rechtspraak", "particulierePartner", "overheidsorganisatie", "internationaleOrganisatie",
        "overig",
    ]  # fmt: skip
    assert set(page) == {"aantal", "volgende", "vorige", "resultaten"}
    assert {"soort", "zoek", "sorteer", "pagina", "paginaGrootte", "contactplanning", "expand"} <= set(parameters)
    assert not {"kind", "search", "sort", "page", "pageSize", "outreach"} & set(parameters)
    assert parameters["contactplanning"]["enum"] == ["binnenEenWeek", "teLaat"]
    assert "volgendContactUiterlijkOp" in parameters["sorteer"]["items"]["enum"]
    assert parameters["expand"]["enum"] == ["contactpersonen"]


def test_interactive_documentation_loads_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "swagger-ui" in page
    assert not re.search(r'(src|href)="https?://', page)


def test_schema_generation_has_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr


def test_live_document_passes_the_api_design_rules_linter(live_server, tmp_path):
    assert RULESET.exists(), f"The API Design Rules ruleset is missing at {RULESET}; set ADR_RULESET."
    with urllib.request.urlopen(f"{live_server.url}{URL}", timeout=30) as response:  # noqa: S310 (local test server)
        (tmp_path / "openapi.json").write_bytes(response.read())

    result = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--fail-severity", "warn", str(tmp_path / "openapi.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
