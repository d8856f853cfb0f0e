"""A database made and seeded by an earlier release migrates to today's code with every row kept.

The earlier release is a commit of this repository, checked out beside the tests with `git worktree`; it makes its
own database with its own migrations and demo data, and today's `migrate` then runs on that database. Tables that a
later migration adds may appear; no table and no row may go.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# The last release before the platform apps (accounts, mail, privacy) took their models out of `crm`.
BEFORE_THE_PLATFORM_APPS = "8b727ac"


def _database_url(name: str) -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"


def _manage(checkout: Path, database_url: str, *arguments: str) -> None:
    environment = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": "memory://"}
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=checkout, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _row_counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url, autocommit=True) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        # Table names come from the catalogue, not from input.
        return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


@pytest.fixture
def earlier_release(tmp_path):
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history of the repository")
    checkout = tmp_path / "earlier"
    add = [git, "worktree", "add", "--detach", str(checkout), BEFORE_THE_PLATFORM_APPS]
    subprocess.run(add, cwd=ROOT, check=True, capture_output=True)
    yield checkout
    subprocess.run([git, "worktree", "remove", "--force", str(checkout)], cwd=ROOT, check=True, capture_output=True)


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_replay"
    admin_url = _database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as database:
        database.execute(f'DROP DATABASE IF EXISTS "{name}"')
        database.execute(f'CREATE DATABASE "{name}"')
    yield _database_url(name)
    with psycopg.connect(admin_url, autocommit=True) as database:
        database.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_seeded_by_the_earlier_release_migrates_with_every_row_kept(earlier_release, scratch_database):
    _manage(earlier_release, scratch_database, "migrate", "--noinput")
    _manage(earlier_release, scratch_database, "seed_demo", "--organisations", "80")
    _manage(earlier_release, scratch_database, "demo_superuser")  # the command of that release
    _manage(earlier_release, scratch_database, "create_api_token", "admin", "--name", "replay")
    _manage(earlier_release, scratch_database, "run_job", "outreach-digest")
    before = _row_counts(scratch_database)
    assert before["stakeholders_organisation"] == 80
    assert min(before[table] for table in ("crm_outboxmessage", "crm_apitoken", "surveys_response")) > 0

    _manage(ROOT, scratch_database, "migrate", "--noinput")

    after = _row_counts(scratch_database)
    # Django's own records of migrations, models and their permissions grow with every new model, and the beat
    # schedule with every new job; every other table keeps exactly the rows it had.
    for grows in (
        "django_migrations", "django_content_type", "auth_permission", "auth_group_permissions",
        "django_celery_beat_periodictask", "django_celery_beat_crontabschedule", "django_celery_beat_intervalschedule",
    ):  # fmt: skip
        assert after.pop(grows) >= before.pop(grows), grows
    assert {table: after.get(table) for table in before} == before
    with psycopg.connect(scratch_database, autocommit=True) as database:
        moved = database.execute(
            "SELECT app_label, model FROM django_content_type WHERE model IN "
            "('apitoken', 'outboxmessage', 'mailpreferences', 'accessrecord') ORDER BY model"
        ).fetchall()
        sweep = database.execute("SELECT task FROM django_celery_beat_periodictask WHERE name = 'outbox-sweep'")
        assert sweep.fetchone()[0] == "mail.tasks.outbox_sweep"
    assert moved == [("privacy", "accessrecord"), ("accounts", "apitoken"), ("mail", "mailpreferences"),
                     ("mail", "outboxmessage")]  # fmt: skip
