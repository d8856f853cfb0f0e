"""Organisations and the typed, directed relations between them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .fields import (
    DUE_SOON_DAYS,
    OrganisationKind,
    OrganisationStatus,
    RelationKind,
    Scope,
    cadence_range,
    cbs_code_format,
    country_code_format,
    kvk_number_format,
    one_of,
    one_to_five,
)
from .reference import Tag, Tier


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[kvk_number_format],
        help_text=_("Chamber of Commerce number: eight digits."),
    )
    cbs_municipality_code = models.CharField(
        _("CBS municipality code"),
        max_length=6,
        blank=True,
        validators=[cbs_code_format],
        help_text=_("For municipalities, e.g. GM0363."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="NL",
        validators=[country_code_format],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. NL."),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("general e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("labels"), blank=True, related_name="organisations")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_organisations",
    )
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    contact_cadence_days = models.PositiveSmallIntegerField(
        _("own contact cadence (days)"),
        validators=cadence_range,
        null=True,
        blank=True,
        help_text=_("Overrides the cadence of the tier for this organisation."),
    )
    next_contact_planned_on = models.DateField(_("next contact planned on"), null=True, blank=True)
    # Derived by services.organisation_outreach_refresh from the interactions, the cadence and the plan, and
    # stored so that the outreach scan is one indexed range query instead of a computation per row.
    last_contact_on = models.DateField(_("last contact on"), null=True, blank=True, editable=False)
    next_contact_due_on = models.DateField(_("next contact due on"), null=True, blank=True, editable=False)
    influence = models.PositiveSmallIntegerField(
        _("influence"), default=3, validators=one_to_five, help_text=_("1 (low) to 5 (high).")
    )
    interest = models.PositiveSmallIntegerField(
        _("interest"), default=3, validators=one_to_five, help_text=_("1 (low) to 5 (high).")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["last_contact_on", "next_contact_due_on"],
        m2m_fields=[tags],
        cascade_delete_history=True,
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Who looks after an organisation decides who sees its confidential interactions: coordinators assign it.
        permissions = [
            ("assign_owner_organisation", _("Can assign or change the liaison officer")),
            # Planning a whole segment at once (services.organisations_plan) is a coordinator's task.
            ("plan_organisation", _("Can plan a group of organisations at once")),
        ]
        constraints = [
            one_of("kind", OrganisationKind),
            one_of("scope", Scope),
            one_of("status", OrganisationStatus),
            models.CheckConstraint(
                condition=Q(kvk_number="") | Q(kvk_number__regex=r"^[0-9]{8}$"),
                name="organisation_kvk_format",
            ),
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~Q(kvk_number=""),
                name="organisation_kvk_unique",
                violation_error_message=_("Another organisation has this KvK number."),
            ),
            models.CheckConstraint(
                condition=Q(cbs_municipality_code="")
                | Q(cbs_municipality_code__regex=r"^GM[0-9]{4}$", kind="municipality"),
                name="organisation_cbs_code_format",
                violation_error_message=_("Only a municipality has a CBS municipality code."),
            ),
            models.UniqueConstraint(
                fields=["cbs_municipality_code"],
                condition=~Q(cbs_municipality_code=""),
                name="organisation_cbs_code_unique",
                violation_error_message=_("Another organisation has this CBS municipality code."),
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="organisation_country_format"),
            models.CheckConstraint(condition=Q(influence__gte=1, influence__lte=5), name="organisation_influence_1_5"),
            models.CheckConstraint(condition=Q(interest__gte=1, interest__lte=5), name="organisation_interest_1_5"),
            models.CheckConstraint(
                condition=Q(contact_cadence_days__isnull=True)
                | Q(contact_cadence_days__gte=1, contact_cadence_days__lte=1095),
                name="organisation_cadence_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="organisation_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]
        indexes = [
            # The outreach scan: active organisations due on or before a date, per officer or all.
            models.Index(fields=["status", "next_contact_due_on"], name="org_status_due_idx"),
            models.Index(fields=["owner", "next_contact_due_on"], name="org_owner_due_idx"),
            # Lists in their default order (name, then id), and lists filtered by kind in that order.
            models.Index(fields=["name", "id"], name="org_name_idx"),
            models.Index(fields=["kind", "name"], name="org_kind_name_idx"),
            # Incremental sync: everything changed since a moment.
            models.Index(fields=["updated_at", "id"], name="org_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cadence_days(self) -> int | None:
        if self.contact_cadence_days:
            return self.contact_cadence_days
        return self.tier.cadence_days if self.tier is not None else None

    @property
    def outreach_state(self) -> str:
        """ "overdue", "due" (within a week), "planned" or "none": the same rules as the outreach scan."""
        if self.status != OrganisationStatus.ACTIVE or self.next_contact_due_on is None:
            return "none"
        days_left = (self.next_contact_due_on - timezone.localdate()).days
        if days_left < 0:
            return "overdue"
        return "due" if days_left <= DUE_SOON_DAYS else "planned"


class OrganisationRelation(models.Model):
    """A typed, directed link between two organisations: the edges of the migration network."""

    source = models.ForeignKey(
        Organisation, verbose_name=_("from"), on_delete=models.CASCADE, related_name="outgoing_relations"
    )
    target = models.ForeignKey(
        Organisation, verbose_name=_("to"), on_delete=models.CASCADE, related_name="incoming_relations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    started_on = models.DateField(_("since"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["source__name", "kind", "target__name"]
        verbose_name = _("relation between organisations")
        verbose_name_plural = _("relations between organisations")
        constraints = [
            one_of("kind", RelationKind),
            models.UniqueConstraint(fields=["source", "target", "kind"], name="relation_unique_per_kind"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="relation_not_to_itself",
                violation_error_message=_("An organisation cannot have a relation with itself."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="relation_ends_after_start",
                violation_error_message=_("A relation cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"
