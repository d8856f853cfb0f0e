import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_date

from demo.stakeholders import seed_demo
from demo.surveys import seed_demo_surveys


class Command(BaseCommand):
    help = "Fill the database with a realistic, reproducible Dutch stakeholder network. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=300, help="How many organisations (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument(
            "--as-of", type=parse_date, default=None, help="The day the two years of history end (default today)."
        )

    def handle(self, *args, organisations, seed, as_of, **options):
        started = time.monotonic()
        as_of = as_of or timezone.localdate()
        report = seed_demo(organisations=organisations, seed=seed, as_of=as_of)
        rounds = seed_demo_surveys(seed=seed, as_of=as_of)
        self.stdout.write(
            f"Added {report.organisations} organisations, {report.contacts} contacts, "
            f"{report.interactions} interactions, {report.follow_ups} follow-up actions, "
            f"{report.relations} relations and {rounds} survey rounds in {time.monotonic() - started:.1f} s."
        )
