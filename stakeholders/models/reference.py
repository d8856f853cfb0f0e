"""Reference data: tiers (with their contact cadence), labels and topics.

Tiers and topics are shown in the reader's language: `name` is the Dutch name (the one the API and imports match
on), `name_en` the English one, shown on English pages when filled in. Labels are the users' own words, in one
language."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .fields import cadence_range


class TranslatedName(models.Model):
    name = models.CharField(_("name in Dutch"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language; the Dutch name where no English one is given."""
        english = (get_language() or "").startswith("en")
        return self.name_en if english and self.name_en else self.name


class Tier(TranslatedName):
    """How important a relation is, and so how often the agency should be in touch."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("contact cadence (days)"),
        validators=cadence_range,
        help_text=_("Days between contacts for organisations of this tier."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1, cadence_days__lte=1095), name="tier_cadence_in_range"
            ),
        ]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Topic(TranslatedName):
    name = models.CharField(_("name in Dutch"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_unique_ci")]
