from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import MailPreferences


@transaction.atomic
def mail_preferences_update(*, user: AbstractBaseUser, **fields) -> MailPreferences:
    """Store what this user wants by mail; the outbox reads it again at sending time."""
    preferences, _created = MailPreferences.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(preferences, name, value)
    preferences.full_clean()
    preferences.save()
    return preferences
