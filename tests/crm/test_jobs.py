import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from crm.jobs import JOBS, beat_schedule_install

pytestmark = pytest.mark.django_db


def test_a_migrated_database_has_every_registered_job_in_beat():
    assert dict(PeriodicTask.objects.values_list("name", "task")) == {name: job.task for name, job in JOBS.items()}


def test_a_schedule_an_administrator_changed_survives_the_next_migrate():
    PeriodicTask.objects.filter(name="outreach-digest").update(enabled=False, description="paused by admin")

    call_command("migrate", verbosity=0)
    beat_schedule_install()

    job = PeriodicTask.objects.get(name="outreach-digest")
    assert (job.enabled, job.description) == (False, "paused by admin")
    assert PeriodicTask.objects.count() == len(JOBS)


def test_a_job_missing_from_beat_comes_back_after_migrate():
    PeriodicTask.objects.filter(name="survey-reminders").delete()

    call_command("migrate", verbosity=0)

    assert PeriodicTask.objects.filter(name="survey-reminders", task="surveys.tasks.survey_reminders_send").exists()


def test_a_job_comes_back_with_its_description_in_dutch_the_admins_first_language():
    PeriodicTask.objects.filter(name="follow-up-reminders").delete()

    call_command("migrate", verbosity=0)

    description = PeriodicTask.objects.get(name="follow-up-reminders").description
    assert description == "Herinnert uitvoerders aan vervolgacties die vandaag of eerder af moesten."
