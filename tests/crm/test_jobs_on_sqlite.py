"""Every periodic job also runs on SQLite, the zero-setup database of `make run`; the rest of the suite uses
PostgreSQL, so without this a query only PostgreSQL understands would first fail on a newcomer's machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "db.sqlite3"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "CELERY_BROKER_URL": "memory://",
                   "CACHE_URL": "locmemcache://"}  # fmt: skip

    def manage(*arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--noinput")
    manage("seed_demo", "--organisations", "60")
    return manage


def job_names() -> list[str]:
    from crm.jobs import JOBS

    return list(JOBS)


@pytest.mark.parametrize("job", job_names())
def test_the_job_runs_on_a_seeded_sqlite_database(seeded_sqlite, job):
    assert seeded_sqlite("run_job", job).startswith(f"{job}: ")


def test_run_job_lists_every_registered_job(seeded_sqlite):
    listed = [line.split()[0] for line in seeded_sqlite("run_job", "--list").splitlines() if line.strip()]
    assert listed == job_names()
