"""A survey invitation's personal link is a secret until it is used: whoever reads it in a log could answer in the
invitee's name. A real gunicorn, started as the production image starts it (docker/gunicorn.conf.py) with the
project's logging, is asked for a link, a page under it and a page it refers from; neither its access log nor
Django's own request lines hold the token."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn stopped"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("gunicorn did not start")


def fetch(url: str, **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn on 127.0.0.1 with the image's configuration, on the test database; yields its address and log."""
    port = free_port()
    database = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "DEBUG"}}
    env["DATABASE_URL"] = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
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


def test_a_survey_token_never_reaches_the_access_log_or_the_request_log(gunicorn):
    address, log = gunicorn
    token = secrets.token_urlsafe(32)

    assert fetch(f"{address}/s/{token}/") in (200, 404, 429)
    assert fetch(f"{address}/s/{token}/bestaat-niet/") == 404
    fetch(f"{address}/s/", Referer=f"{address}/s/{token}/")
    time.sleep(0.5)

    text = log.read_text()
    assert "GET /s/[redacted]/ HTTP/1.1" in text, text
    assert "Not Found: /s/[redacted]/bestaat-niet/" in text, text
    assert f"{address}/s/[redacted]/" in text, text
    assert token not in text
