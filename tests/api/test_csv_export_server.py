"""A large export arrives whole from the production server: a real gunicorn, started with the image's configuration
(docker/gunicorn.conf.py), streams every line of a 10,000-row CSV, and a cut would show as a broken chunked body."""

import csv
import io
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from accounts.tokens import api_token_create
from stakeholders.models import Organisation, Tier
from tests.crm.test_log_redaction import free_port, wait_for
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
ROWS = 10_000


@pytest.fixture
def production_server(tmp_path):
    port = free_port()
    database = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "DEBUG"}}
    env["DATABASE_URL"] = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    # A short worker timeout: under a worker class whose request holds up the heartbeat (gunicorn's sync worker) an
    # export taking longer than 3 s would be cut; under the threaded worker of the production settings it never is.
    env["GUNICORN_TIMEOUT"] = "3"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "docker/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "crm.wsgi:application"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_a_ten_thousand_row_export_arrives_whole_from_the_production_server(production_server, liaison_officer):
    address, log = production_server
    tier = Tier.objects.get_or_create(code="regular", defaults={"name": "Regulier", "cadence_days": 180})[0]
    owner = UserFactory()
    Organisation.objects.bulk_create(
        [Organisation(name=f"Stichting {n:05}", kind="ngo", tier=tier, owner=owner) for n in range(ROWS)],
        batch_size=2000,
    )
    _, secret = api_token_create(user=liaison_officer, name="warehouse")
    request = urllib.request.Request(  # noqa: S310 (our own server on 127.0.0.1)
        f"{address}/api/v1/organisaties", headers={"Authorization": f"Bearer {secret}", "Accept": "text/csv"}
    )

    # http.client reads the chunked body to its last, empty chunk, and raises IncompleteRead if it never comes.
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
        assert response.status == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        body = response.read().decode()

    exported = list(csv.DictReader(io.StringIO(body), delimiter=";"))
    assert len(exported) == ROWS
    assert [row["naam"] for row in exported] == [f"Stichting {n:05}" for n in range(ROWS)]
    assert {row["relatiebeheerder"] for row in exported} == {owner.username}
    assert "WORKER TIMEOUT" not in log.read_text()
