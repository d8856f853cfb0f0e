from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user. The token is printed once, on the last line, and never stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="The token may only read.")
        parser.add_argument("--expires-days", type=int, default=None, help="Days until the token stops working.")
        parser.add_argument("--name", default="", help="Which system uses the token.")

    def handle(self, *args, username, read_only, expires_days, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            token, secret = api_token_create(
                user=user, name=name or f"token for {username}", read_only=read_only, expires_in_days=expires_days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        kind = "read-only" if read_only else "read-write"
        expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "does not expire"
        self.stdout.write(f"Created a {kind} token {token.prefix}… for {username}; it {expiry}. Store it now:")
        self.stdout.write(secret)
