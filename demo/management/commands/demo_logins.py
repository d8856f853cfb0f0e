import secrets
import time
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ADMINISTRATORS, COORDINATORS, LIAISON_OFFICERS, READ_ONLY, RESEARCHERS
from demo.stakeholders import demo_staff_ensure

SITE = "http://127.0.0.1:8000"
ADMIN_USERNAME = "admin"
# One login per role, and the page each starts on.
LOGINS = [
    (ADMINISTRATORS, ADMIN_USERNAME, "/admin/"),
    (COORDINATORS, "karin.mulder", "/"),
    (LIAISON_OFFICERS, "anouk.jansen", "/"),
    (RESEARCHERS, "femke.bos", "/enquetes/"),
    (READ_ONLY, "joost.dekker", "/organisaties/"),
]


class Command(BaseCommand):
    help = (
        "Give the demo superuser and one demo user of every role a password once (development only), keep them in "
        ".run/demo-credentials and print them as one block."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--when-up",
            action="store_true",
            help="Wait until the web app answers, then print the block (for honcho, after the start-up lines).",
        )
        parser.add_argument("--quiet", action="store_true", help="Make the logins, print nothing.")

    def handle(self, *args, when_up=False, quiet=False, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo logins are for development only.")
        credentials = settings.RUN_DIR / "demo-credentials"
        if when_up:
            self._wait_for_web()
        else:
            self._ensure(credentials)
        if not quiet:
            self.stdout.write(self._block(credentials))

    def _ensure(self, credentials) -> None:
        known = _read(credentials)
        user_model = get_user_model()
        demo_staff_ensure()
        admin, _created = user_model.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@agency.example", "is_staff": True, "is_superuser": True},
        )
        admin.groups.add(Group.objects.get(name=ADMINISTRATORS))
        lines = []
        for role, username, start in LOGINS:
            user = user_model.objects.get(username=username)
            password = known.get(username)
            if password is None or not user.check_password(password):
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.save(update_fields=["password"])
            lines.append("\t".join((role, username, password, start)))
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text("\n".join(lines) + "\n")
        credentials.chmod(0o600)

    def _block(self, credentials) -> str:
        rows = [line.split("\t") for line in credentials.read_text().splitlines() if line.count("\t") == 3]
        width = max(len(username) for _role, username, _password, _start in rows)
        body = "\n".join(
            f"  {role:<17} {username:<{width}}  {password}  {SITE}{start}" for role, username, password, start in rows
        )
        rule = "=" * 78
        # A terminal block for the developer who ran `make run`, in English like the rest of the command output.
        return (
            f"\n{rule}\n  The CRM is running at {SITE}/  (Ctrl-C stops everything)\n\n"
            f"  {'role':<17} {'user':<{width}}  {'password':<16}  starts at\n{body}\n\n"
            f"  Administrators and coordinators also confirm each login: their first login mails a set-up link.\n"
            f"  Mail goes to the local mail sink: it is printed in this terminal.\n"
            f"  These logins are kept in .run/demo-credentials\n{rule}\n"
        )

    def _wait_for_web(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{SITE}/healthz", timeout=2):  # noqa: S310 (our own local address)
                    return
            except OSError:
                time.sleep(1)


def _read(credentials) -> dict[str, str]:
    if not credentials.exists():
        return {}
    return {
        fields[1]: fields[2]
        for fields in (line.split("\t") for line in credentials.read_text().splitlines())
        if len(fields) == 4
    }
