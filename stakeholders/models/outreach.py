"""Figures kept for outreach planning."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OverdueCount(models.Model):
    """How many organisations one officer (or nobody) had overdue on a day: last week's figure for the summary."""

    taken_on = models.DateField(_("taken on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("overdue organisations"))

    class Meta:
        verbose_name = _("overdue count")
        verbose_name_plural = _("overdue counts")
        constraints = [
            # Two partial constraints rather than NULLS NOT DISTINCT, which SQLite (make run) lacks.
            models.UniqueConstraint(
                fields=["taken_on", "owner"], condition=Q(owner__isnull=False), name="overdue_count_once_per_day"
            ),
            models.UniqueConstraint(
                fields=["taken_on"], condition=Q(owner__isnull=True), name="overdue_count_unowned_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.taken_on}: {self.count}"
