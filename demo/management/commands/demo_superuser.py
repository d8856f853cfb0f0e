import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMINISTRATORS

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the demo superuser once (development only) and print its credentials."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo superuser is for development only.")
        credentials = settings.RUN_DIR / "demo-credentials"
        user_model = get_user_model()
        user = user_model.objects.filter(username=USERNAME).first()
        if user is None or not credentials.exists():
            password = secrets.token_urlsafe(12)
            user = user or user_model(username=USERNAME, email="admin@agency.example", is_staff=True, is_superuser=True)
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ADMINISTRATORS))
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text(password)
            credentials.chmod(0o600)
        self.stdout.write(
            f"Demo login: http://127.0.0.1:8000/admin/  user: {USERNAME}  password: {credentials.read_text()}"
        )
