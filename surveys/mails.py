from django.db import models
from django.utils.translation import gettext_lazy as _


class MailKind(models.TextChoices):
    """The mails this app sends through the outbox (registered with it in plugins.py)."""

    SURVEY_INVITATION = "survey_invitation", _("survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("survey reminder")
