"""Production mode refuses to start on development defaults, and passes Django's deployment checklist."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_SECRET = "k3v9-Zx7Qm2-Lp8Ra5Wt1-Yc6Nd4Hf0Bj3Ug9Es2Io7Vl5Tq8Kw1"


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="crm.agency.example")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY="short", ALLOWED_HOSTS="crm.agency.example")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=REAL_SECRET)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_deployment_checklist_passes_without_warnings_in_production():
    result = manage(
        "check", "--deploy", DJANGO_ENV="production", SECRET_KEY=REAL_SECRET, ALLOWED_HOSTS="crm.agency.example"
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_unreachable_broker_is_named_in_one_plain_line():
    result = manage("check_services", "--server-only", CELERY_BROKER_URL="redis://127.0.0.1:1/0")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: Redis is not reachable at redis://127.0.0.1:1/0; start it with: "
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379"
    ]


def test_reachable_services_pass_the_check():
    result = manage("check_services", "--server-only")

    assert result.returncode == 0, result.stderr
