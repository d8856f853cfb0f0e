"""The periodic jobs: the registry where every app declares its default beat schedule.

Each app registers its jobs when it starts; after every migrate the installer puts new ones into django-celery-beat,
where administrators can change times or switch a job off, and leaves edited ones alone. There is one beat process
by design (docs/operations.md): scaling adds workers, never beats. Every job is still safe when two beats run at once,
because each claims its work or writes under a unique key.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

AMSTERDAM = "Europe/Amsterdam"


@dataclass(frozen=True)
class Job:
    task: str
    description: "StrOrPromise"
    crontab: dict | None = None
    every_seconds: int | None = None


# Filled by the apps when they start (job_register): the job's name in beat and in `run_job`, and the job.
JOBS: dict[str, Job] = {}


def job_register(name: str, job: Job) -> None:
    JOBS[name] = job


def beat_schedule_install() -> None:
    """Add the jobs of JOBS that beat does not know yet; schedules an administrator changed stay as they are.

    Run after every `migrate` (crm/apps.py), when every app has registered its jobs. It is live code, so no
    migration calls it: a migration must work with the models as they were when it was written.
    """
    from django.apps import apps

    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab_schedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_schedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    for name, job in JOBS.items():
        if periodic_task.objects.filter(name=name).exists():
            continue
        schedule = {}
        if job.every_seconds:
            schedule["interval"], _created = interval_schedule.objects.get_or_create(
                every=job.every_seconds, period="seconds"
            )
        elif job.crontab is not None:
            fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            schedule["crontab"], _created = crontab_schedule.objects.get_or_create(
                **{**fields, **job.crontab}, timezone=AMSTERDAM
            )
        # In the admin's first language: migrate runs with translation off, which would store the English.
        with translation.override(settings.LANGUAGE_CODE):
            description = str(job.description)
        periodic_task.objects.create(name=name, task=job.task, description=description, **schedule)
    # Beat notices changed rows through this marker.
    periodic_tasks_changed = apps.get_model("django_celery_beat", "PeriodicTasks")
    periodic_tasks_changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
