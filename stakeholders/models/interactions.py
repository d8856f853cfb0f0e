"""Interactions (contact moments) and their follow-up actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .contacts import Contact
from .fields import Channel, Sentiment, not_before_1900, one_of
from .organisations import Organisation
from .reference import Topic


class Interaction(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="interactions"
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("participating contacts"), blank=True, related_name="interactions"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("when"), validators=[not_before_1900])
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="interactions")
    sentiment = models.SmallIntegerField(_("sentiment"), choices=Sentiment.choices, null=True, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the author, the organisation's liaison officer and coordinators can see it."),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_interactions",
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[contacts, topics], cascade_delete_history=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        permissions = [("view_confidential_interaction", _("Can see every confidential interaction"))]
        constraints = [
            one_of("channel", Channel),
            models.CheckConstraint(
                condition=Q(sentiment__isnull=True) | Q(sentiment__gte=-2, sentiment__lte=2),
                name="interaction_sentiment_range",
            ),
        ]
        indexes = [
            # The interaction list in its default order, newest first.
            models.Index(fields=["-occurred_at", "-id"], name="interaction_time_idx"),
            # An organisation's timeline, newest first, and its last contact.
            models.Index(fields=["organisation", "-occurred_at"], name="interaction_org_time_idx"),
            # "My recent interactions".
            models.Index(fields=["logged_by", "-occurred_at"], name="interaction_author_time_idx"),
            models.Index(fields=["updated_at", "id"], name="interaction_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class FollowUpAction(models.Model):
    interaction = models.ForeignKey(
        Interaction, verbose_name=_("interaction"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    description = models.CharField(_("description"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_actions",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        indexes = [
            # Reminders and "my open actions": open actions per assignee by due date.
            models.Index(
                fields=["assignee", "due_on"], condition=Q(done_at__isnull=True), name="followup_open_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
