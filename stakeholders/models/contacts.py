"""Contact persons at organisations."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import ContactLevel, Language, one_of
from .organisations import Organisation


class Contact(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(_("first name"), max_length=80)
    name_prefix = models.CharField(
        _("tussenvoegsel"), max_length=20, blank=True, help_text=_("For example: van, de, van der.")
    )
    last_name = models.CharField(_("last name"), max_length=120)
    job_title = models.CharField(_("function"), max_length=150, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=ContactLevel.choices, default=ContactLevel.OPERATIONAL)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    is_active = models.BooleanField(_("active"), default=True)
    mail_opted_out_at = models.DateTimeField(
        _("opted out of mail at"), null=True, blank=True, help_text=_("Empty while the contact accepts mail.")
    )
    notes = models.TextField(_("notes"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(cascade_delete_history=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        # The AVG's rights of access and erasure, exercised for one person at a time by coordinators.
        permissions = [
            ("export_contact", _("Can export a contact's personal data")),
            ("erase_contact", _("Can erase a contact's personal data")),
        ]
        constraints = [
            one_of("level", ContactLevel),
            one_of("preferred_language", Language),
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_organisation",
            ),
        ]
        indexes = [
            # The contact list in its default order, and an organisation's contacts in that order.
            models.Index(fields=["last_name", "first_name", "id"], name="contact_name_idx"),
            models.Index(fields=["organisation", "last_name"], name="contact_org_name_idx"),
            models.Index(fields=["updated_at", "id"], name="contact_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.name_prefix, self.last_name) if part)

    @property
    def has_opted_out(self) -> bool:
        return self.mail_opted_out_at is not None
