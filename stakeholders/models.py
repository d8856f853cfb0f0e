from datetime import UTC, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class Tier(models.Model):
    """How important a relation is, and so how often the agency should be in touch."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
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

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(Lower("name"), name="topic_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


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
        return self.tier.cadence_days if self.tier_id else None

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
