from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import MailPreferences
from .registry import KINDS, contact_opt_out


@transaction.atomic
def mail_preferences_update(*, user: AbstractBaseUser, **fields) -> MailPreferences:
    """Store what this user wants by mail; the outbox reads it again at sending time."""
    preferences, _created = MailPreferences.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(preferences, name, value)
    preferences.full_clean()
    preferences.save()
    return preferences


def mail_opt_out(*, recipient: dict) -> str:
    """Apply a one-click opt-out; returns the recipient's language. A contact person stops all mail (through the app
    that owns contact persons), a user one kind (through their preferences, like the settings page)."""
    if "contact" in recipient:
        return contact_opt_out(recipient["contact"]) or settings.LANGUAGE_CODE
    user = get_user_model().objects.filter(pk=recipient["user"]).first()
    if user is None:
        return settings.LANGUAGE_CODE
    kind = KINDS.get(recipient["kind"])
    if kind is None or kind.preference is None:
        return MailPreferences.of(user).language
    return mail_preferences_update(user=user, **{kind.preference: kind.off}).language
