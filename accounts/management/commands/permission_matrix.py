from django.core.management.base import BaseCommand

from accounts.roles import permission_matrix_markdown


class Command(BaseCommand):
    help = "Print the permission matrix (role x action x record) as the Markdown table of docs/security.md."

    def handle(self, *args, **options):
        self.stdout.write(permission_matrix_markdown(), ending="")
