from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from crm.jobs import JOBS


class Command(BaseCommand):
    help = "Run one periodic job now, in this process (run_job NAME), or list them (run_job --list)."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="The job to run; see --list.")
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="List the jobs and stop.")

    def handle(self, *, name, list_jobs, **options):
        if list_jobs or not name:
            for job_name, job in JOBS.items():
                self.stdout.write(f"{job_name:<22} {job.description}")
            return
        if name not in JOBS:
            raise CommandError(f"Unknown job {name!r}; choose from: {', '.join(JOBS)}.")
        task = import_string(JOBS[name].task)
        result = task()  # calling a Celery task object runs its body here, not on a worker
        self.stdout.write(self.style.SUCCESS(f"{name}: {result}"))
