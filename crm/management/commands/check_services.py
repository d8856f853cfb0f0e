import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from crm.health import broker_is_up, database_is_up

START_POSTGRESQL = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 --port 6379"


def postgresql_server_is_up(database: dict) -> bool:
    """Whether the server answers at all: the test suite creates its own database on it."""
    try:
        psycopg.connect(
            host=database.get("HOST") or None,
            port=database.get("PORT") or None,
            user=database.get("USER") or None,
            password=database.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


class Command(BaseCommand):
    help = "Say in one plain line per service whether the database and the broker can be reached."

    def add_arguments(self, parser):
        parser.add_argument(
            "--server-only", action="store_true", help="Check the PostgreSQL server, not the configured database."
        )

    def handle(self, *args, server_only, **options):
        database = connection.settings_dict
        where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
        database_up = (
            postgresql_server_is_up(database) if server_only and connection.vendor == "postgresql" else database_is_up()
        )
        problems = []
        if not database_up:
            problems.append(f"PostgreSQL is not reachable at {where}; start it with: {START_POSTGRESQL}")
        if not broker_is_up():
            problems.append(f"Redis is not reachable at {settings.CELERY_BROKER_URL}; start it with: {START_REDIS}")
        if problems:
            raise CommandError("\n".join(problems))
