from django.core.management.base import BaseCommand

from surveys.results import closed_rounds_freeze


class Command(BaseCommand):
    help = (
        "Store the figures of closed survey rounds that closed before figures were stored at the close "
        "(--again: recompute those of every closed round)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true", help="Recompute the stored figures of every closed round.")

    def handle(self, *, again, **options):
        frozen = closed_rounds_freeze(again=again)
        self.stdout.write(self.style.SUCCESS(f"Stored the figures of {frozen} closed round(s)."))
