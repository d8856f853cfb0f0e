from django.db import models
from django.utils.translation import gettext_lazy as _


class MailKind(models.TextChoices):
    """The mails this app sends through the outbox (registered with it in plugins.py)."""

    OUTREACH_DIGEST = "outreach_digest", _("outreach digest")
    FOLLOW_UP_REMINDER = "follow_up_reminder", _("follow-up reminder")
    COORDINATOR_SUMMARY = "coordinator_summary", _("weekly coordinator summary")
    OWNER_ASSIGNED = "owner_assigned", _("new organisation to look after")
    OWNER_UNASSIGNED = "owner_unassigned", _("organisation handed to another liaison officer")
