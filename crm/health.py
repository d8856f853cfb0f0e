"""Liveness of the parts the app depends on, for load balancers and container health checks."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from mail.outbox import outbox_oldest_pending_age

BROKER_TIMEOUT_SECONDS = 2


def database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def broker_is_up() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        return False
    return True


def outbox_is_flowing() -> bool:
    """False when a mail has waited longer than OUTBOX_HEALTH_PENDING_SECONDS: the mail server refuses or cannot
    be reached, or no worker runs. The web still works, so this degrades the answer without failing it."""
    age = outbox_oldest_pending_age()
    return age is None or age <= timedelta(seconds=settings.OUTBOX_HEALTH_PENDING_SECONDS)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_is_up(), "broker": broker_is_up()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"} | {
        name: "ok" if up else "unavailable" for name, up in checks.items()
    }
    if checks["database"]:
        body["outbox"] = "ok" if outbox_is_flowing() else "degraded"
        if healthy and body["outbox"] == "degraded":
            body["status"] = "degraded"
    return JsonResponse(body, status=200 if healthy else 503)
