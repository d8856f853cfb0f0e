"""Choices, validators and constraints the models of this app share."""

from datetime import UTC, datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

kvk_number_format = RegexValidator(r"^[0-9]{8}$", _("A KvK number has exactly eight digits."))
cbs_code_format = RegexValidator(r"^GM[0-9]{4}$", _("A CBS municipality code is GM followed by four digits."))
country_code_format = RegexValidator(r"^[A-Z]{2}$", _("Use the two capital letters of ISO 3166-1, e.g. NL."))
# An organisation whose next contact falls due within this many days is "due soon" (digest, dashboard, filters).
DUE_SOON_DAYS = 7
# Nothing the agency logs happened before 1900; earlier moments are typing errors the database may not even hold.
not_before_1900 = MinValueValidator(datetime(1900, 1, 1, tzinfo=UTC), _("Give a moment after 1 January 1900."))
one_to_five = [MinValueValidator(1), MaxValueValidator(5)]
cadence_range = [MinValueValidator(1), MaxValueValidator(1095)]


def one_of(field: str, choices: type[models.Choices]) -> models.CheckConstraint:
    """Let the database refuse a value outside a field's choices, whoever writes it."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"%(app_label)s_%(class)s_{field}_valid"
    )


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO")
    MUNICIPALITY = "municipality", _("municipality")
    JUDICIARY = "judiciary", _("judiciary")
    PRIVATE_PARTNER = "private_partner", _("private partner")
    GOVERNMENT = "government", _("government body")
    INTERNATIONAL = "international", _("international organisation")
    OTHER = "other", _("other")


class Scope(models.TextChoices):
    LOCAL = "local", _("local")
    NATIONAL = "national", _("national")
    INTERNATIONAL = "international", _("international")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ARCHIVED = "archived", _("archived")


class RelationKind(models.TextChoices):
    PARTNER_OF = "partner_of", _("is a partner of")
    FUNDS = "funds", _("funds")
    SUPERVISES = "supervises", _("supervises")
    MEMBER_OF = "member_of", _("is a member of")
    REFERS_TO = "refers_to", _("refers people to")
    CONTRACTS = "contracts", _("contracts")
    REPORTS_TO = "reports_to", _("reports to")


class ContactLevel(models.TextChoices):
    OPERATIONAL = "operational", _("operational")
    POLICY = "policy", _("policy")
    EXECUTIVE = "executive", _("executive")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Channel(models.TextChoices):
    MEETING = "meeting", _("meeting")
    CALL = "call", _("phone call")
    EMAIL = "email", _("e-mail")
    VIDEO = "video", _("video call")
    EVENT = "event", _("event")
    SITE_VISIT = "site_visit", _("site visit")
    LETTER = "letter", _("letter")


class Sentiment(models.IntegerChoices):
    VERY_NEGATIVE = -2, _("very negative")
    NEGATIVE = -1, _("negative")
    NEUTRAL = 0, _("neutral")
    POSITIVE = 1, _("positive")
    VERY_POSITIVE = 2, _("very positive")
