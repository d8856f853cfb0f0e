"""Doorways to the periodic outreach jobs; the work is in stakeholders/outreach.py and retention.py."""

from celery import shared_task

from . import outreach, retention


@shared_task
def outreach_digests_send() -> int:
    return outreach.outreach_digests_send()


@shared_task
def follow_up_reminders_send() -> int:
    return outreach.follow_up_reminders_send()


@shared_task
def coordinator_summary_send() -> int:
    return outreach.coordinator_summary_send()


@shared_task
def retention_apply() -> dict[str, int]:
    return retention.retention_apply()
