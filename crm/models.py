from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A credential for another system. Only the SHA-256 digest of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses this token."))
    prefix = models.CharField(_("prefix"), max_length=8, editable=False, help_text=_("Recognises a token in logs."))
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(_("read only"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class MailKind(models.TextChoices):
    OUTREACH_DIGEST = "outreach_digest", _("outreach digest")
    FOLLOW_UP_REMINDER = "follow_up_reminder", _("follow-up reminder")
    COORDINATOR_SUMMARY = "coordinator_summary", _("weekly coordinator summary")
    OWNER_ASSIGNED = "owner_assigned", _("new organisation to look after")
    SURVEY_INVITATION = "survey_invitation", _("survey invitation")
    SURVEY_REMINDER = "survey_reminder", _("survey reminder")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SUPPRESSED = "suppressed", _("suppressed")
    UNCERTAIN = "uncertain", _("uncertain")


class OutboxMessage(models.Model):
    """One mail, written in the transaction of its cause and sent later by a worker (crm/outbox.py)."""

    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("Recipient and reason: a second mail for the same key is never written."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MailKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    # Exactly one of user and contact: whose state (active, opted out) decides at sending time.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    contact = models.ForeignKey(
        "stakeholders.Contact",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    to_address = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    opt_out_url = models.URLField(_("opt-out link"), max_length=500)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # The claim of a sweep: which batch task may send this row, and until when.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(_("lease expires at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outbox")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OutboxStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(
                condition=models.Q(user__isnull=True) | models.Q(contact__isnull=True),
                name="outbox_one_recipient",
            ),
        ]
        indexes = [
            # The sweep: due rows that are waiting, and rows whose sending lease ran out.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="outbox_due_idx",
            ),
            models.Index(fields=["lease_expires_at"], condition=models.Q(status="sending"), name="outbox_sending_idx"),
            # Admin's work list: failed and uncertain mails.
            models.Index(fields=["status", "-created_at"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_address}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("daily")
    WEEKLY = "weekly", _("weekly")
    OFF = "off", _("off")


class MailPreferences(models.Model):
    """What a user of the product wants by mail, and in which language. No row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="mail_preferences"
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="nl")
    digest_frequency = models.CharField(
        _("outreach digest"), max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )
    follow_up_reminders = models.BooleanField(_("follow-up reminders"), default=True)
    coordinator_summary = models.BooleanField(_("weekly coordinator summary"), default=True)
    notifications = models.BooleanField(
        _("notifications"), default=True, help_text=_("For example when an organisation is given to you.")
    )

    class Meta:
        verbose_name = _("mail preferences")
        verbose_name_plural = _("mail preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_frequency__in=DigestFrequency.values), name="mailpreferences_digest_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def of(cls, user) -> "MailPreferences":
        """The user's preferences, or the defaults (unsaved) for a user who never changed them."""
        try:
            return user.mail_preferences
        except cls.DoesNotExist:
            return cls(user=user)

    def wants(self, kind: str) -> bool:
        """Whether this user still wants mails of this kind; asked again at sending time."""
        field, off = USER_OPT_OUTS[kind]
        return getattr(self, field) != off

    def opt_out(self, kind: str) -> None:
        field, off = USER_OPT_OUTS[kind]
        setattr(self, field, off)


# Per kind of mail to users: the preference that switches it off, and its "off" value.
USER_OPT_OUTS = {
    MailKind.OUTREACH_DIGEST: ("digest_frequency", DigestFrequency.OFF),
    MailKind.FOLLOW_UP_REMINDER: ("follow_up_reminders", False),
    MailKind.COORDINATOR_SUMMARY: ("coordinator_summary", False),
    MailKind.OWNER_ASSIGNED: ("notifications", False),
}


class AccessAction(models.TextChoices):
    VIEW = "view", _("viewed")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")


class AccessRecord(models.Model):
    """Who viewed, exported or erased a contact person's data, when and from where (crm/audit.py).

    Append-only: on PostgreSQL the database refuses to change or delete a row (migration 0004), except the retention
    job's deletion of expired rows. So the row holds ids and a user name, not foreign keys: it never changes when the
    user or the contact person does, or is deleted.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor_id = models.IntegerField(_("user id"))
    actor_username = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    contact_id = models.BigIntegerField(_("contact person id"))
    origin = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AccessAction.values), name="accessrecord_action_valid"
            ),
        ]
        indexes = [
            # Who saw this person's data: the question of a request for access (AVG article 15).
            models.Index(fields=["contact_id", "-at"], name="accessrecord_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.get_action_display()} contact:{self.contact_id}"
