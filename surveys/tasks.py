"""Doorways to the survey jobs; the work is in surveys/services.py."""

from celery import shared_task

from . import ballot, services


@shared_task
def survey_rounds_advance() -> dict[str, int]:
    return services.survey_rounds_advance()


@shared_task
def survey_reminders_send() -> int:
    return services.survey_reminders_send()


@shared_task
def ballot_box_empty() -> int:
    return ballot.ballot_box_empty()
