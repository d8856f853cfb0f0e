"""The periodic jobs: the one place where the default beat schedule is declared.

A migration installs these rows into django-celery-beat, where administrators can change times or switch a job off;
a later run of the installer adds new jobs but leaves edited ones alone. There is one beat process by design
(docs/operations.md): scaling adds workers, never beats. Every job is still safe when two beats run at once, because
each claims its work or writes under a unique key.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

AMSTERDAM = "Europe/Amsterdam"


@dataclass(frozen=True)
class Job:
    task: str
    description: str
    crontab: dict | None = None
    every_seconds: int | None = None


JOBS: dict[str, Job] = {
    # Every minute: send what is due from the outbox; kicks after each commit make this sooner, not surer.
    "outbox-sweep": Job(
        task="crm.tasks.outbox_sweep",
        description=_("Send due mail from the outbox and mark lost sends as uncertain."),
        every_seconds=60,
    ),
    # Weekdays 07:00 Amsterdam: each liaison officer's organisations that are overdue or due within a week.
    "outreach-digest": Job(
        task="stakeholders.tasks.outreach_digests_send",
        description=_("Mail each liaison officer the organisations that are overdue or due for contact."),
        crontab={"minute": "0", "hour": "7", "day_of_week": "1-5"},
    ),
    # Weekdays 07:05 Amsterdam: open follow-up actions due today or overdue, to their assignees.
    "follow-up-reminders": Job(
        task="stakeholders.tasks.follow_up_reminders_send",
        description=_("Remind assignees of follow-up actions that are due today or overdue."),
        crontab={"minute": "5", "hour": "7", "day_of_week": "1-5"},
    ),
    # Mondays 07:30 Amsterdam: last week's figures for the coordinators.
    "coordinator-summary": Job(
        task="stakeholders.tasks.coordinator_summary_send",
        description=_("Mail the coordinators last week's contacts per kind of organisation and overdue counts."),
        crontab={"minute": "30", "hour": "7", "day_of_week": "1"},
    ),
    # Every ten minutes: open scheduled survey rounds (inviting their contacts) and close ended ones.
    "survey-rounds": Job(
        task="surveys.tasks.survey_rounds_advance",
        description=_("Open survey rounds whose time came, inviting their contacts, and close rounds that ended."),
        every_seconds=600,
    ),
    # Weekdays 09:00 Amsterdam: reminders to invitees who have not answered, as each round's rules say.
    "survey-reminders": Job(
        task="surveys.tasks.survey_reminders_send",
        description=_("Remind invitees of open survey rounds who have not answered yet."),
        crontab={"minute": "0", "hour": "9", "day_of_week": "1-5"},
    ),
    # Nightly 02:30 Amsterdam: anonymise what is older than the retention periods (nothing unless configured).
    "retention": Job(
        task="stakeholders.tasks.retention_apply",
        description=_("Anonymise interactions and personal data older than the retention periods."),
        crontab={"minute": "30", "hour": "2"},
    ),
}


def beat_schedule_install(apps, schema_editor=None) -> None:
    """Add the jobs of JOBS that beat does not know yet; schedules an administrator changed stay as they are."""
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
        else:
            fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
            schedule["crontab"], _created = crontab_schedule.objects.get_or_create(
                **{**fields, **job.crontab}, timezone=AMSTERDAM
            )
        periodic_task.objects.create(name=name, task=job.task, description=str(job.description), **schedule)
    # Beat notices changed rows through this marker.
    periodic_tasks_changed = apps.get_model("django_celery_beat", "PeriodicTasks")
    periodic_tasks_changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
