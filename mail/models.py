from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registry import KINDS, mail_kind_choices


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SUPPRESSED = "suppressed", _("suppressed")
    UNCERTAIN = "uncertain", _("uncertain")


class OutboxMessage(models.Model):
    """One mail, written in the transaction of its cause and sent later by a worker (mail/outbox.py)."""

    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("Recipient and reason: a second mail for the same key is never written."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=mail_kind_choices)
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
    # The domain's contact person (settings.MAIL_CONTACT_MODEL, like AUTH_USER_MODEL): the outbox reads its
    # email, preferred_language, is_active and mail_opted_out_at, and names no app.
    contact = models.ForeignKey(
        settings.MAIL_CONTACT_MODEL,
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
        db_table = "crm_outboxmessage"  # born in the crm app (mail/migrations/0001)
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
        db_table = "crm_mailpreferences"  # born in the crm app (mail/migrations/0001)
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
        registered = KINDS[kind]
        return registered.preference is None or getattr(self, registered.preference) != registered.off
