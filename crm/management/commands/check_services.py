from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from crm.health import broker_is_up, database_is_up

HOW_TO_START = {
    "postgresql": "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "redis": "start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379",
}


class Command(BaseCommand):
    help = "Say in one plain line per service whether the database and the broker can be reached."

    def handle(self, *args, **options):
        from django.conf import settings

        database = connection.settings_dict
        where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 5432}"
        problems = []
        if not database_is_up():
            problems.append(f"PostgreSQL is not reachable at {where}; {HOW_TO_START['postgresql']}")
        if not broker_is_up():
            broker = settings.CELERY_BROKER_URL
            problems.append(f"Redis is not reachable at {broker}; {HOW_TO_START['redis']}")
        if problems:
            raise CommandError("\n".join(problems))
