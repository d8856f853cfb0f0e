"""One FilterSet per listable thing, shared by the web UI and the API, so both filter with the same names.

Query keys are camelCase, as the Dutch API Design Rules ask; `gewijzigdSinds` (changed since) is the key the rules
use for incremental sync. Filters on names and ids are exact matches, so an unknown value finds nothing; filters
on a fixed set of values (kind, scope, status, level, outreach, channel, sort) refuse anything else with a 400.
"""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.api.filters import StrictBooleanFilter, StrictOrderingFilter, UtcDateTimeFilter

from . import selectors
from .models import (
    Channel,
    ContactLevel,
    Language,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    RelationKind,
    Scope,
)

ONE_TO_FIVE = [(value, str(value)) for value in range(1, 6)]
OUTREACH_CHOICES = [("overdue", _("overdue")), ("due", _("due within a week"))]


class ChangedSinceMixin(filters.FilterSet):
    gewijzigdSinds = UtcDateTimeFilter(  # noqa: N815 (the API's camelCase query key)
        field_name="updated_at", lookup_expr="gte", label=_("changed since (ISO 8601 date-time)")
    )


class OrganisationFilterSet(ChangedSinceMixin):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices, label=_("kind"))
    scope = filters.ChoiceFilter(choices=Scope.choices, label=_("scope"))
    tier = filters.CharFilter(field_name="tier__code", label=_("tier (code)"))
    status = filters.ChoiceFilter(choices=OrganisationStatus.choices, label=_("status"))
    owner = filters.CharFilter(field_name="owner__username", label=_("liaison officer (user name)"))
    unowned = StrictBooleanFilter(field_name="owner", lookup_expr="isnull", label=_("without a liaison officer"))
    label = filters.CharFilter(field_name="tags__name", distinct=True, label=_("label"))
    level = filters.ChoiceFilter(
        field_name="contacts__level", choices=ContactLevel.choices, distinct=True, label=_("contact level")
    )
    outreach = filters.ChoiceFilter(choices=OUTREACH_CHOICES, method="filter_outreach", label=_("outreach"))
    influence = filters.TypedChoiceFilter(choices=ONE_TO_FIVE, coerce=int, label=_("influence"))
    interest = filters.TypedChoiceFilter(choices=ONE_TO_FIVE, coerce=int, label=_("interest"))
    search = filters.CharFilter(method="filter_search", label=_("search"))
    sort = StrictOrderingFilter(
        fields=[
            ("name", "name"),
            ("kind", "kind"),
            ("next_contact_due_on", "nextContactDueOn"),
            ("created_at", "createdAt"),
            ("updated_at", "updatedAt"),
        ],
        label=_("sort"),
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_outreach(self, queryset, name, value):
        condition = selectors.organisations_overdue() if value == "overdue" else selectors.organisations_due_soon()
        return queryset.filter(condition)

    def filter_search(self, queryset, name, value):
        # Served by the trigram indexes on name and city (migration 0003) on PostgreSQL.
        return queryset.filter(
            Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(city__icontains=value)
            | Q(kvk_number=value)
            | Q(cbs_municipality_code=value.upper())
        )


class ContactFilterSet(ChangedSinceMixin):
    organisation = filters.NumberFilter(field_name="organisation_id", label=_("organisation"))
    kind = filters.ChoiceFilter(field_name="organisation__kind", choices=OrganisationKind.choices, label=_("kind"))
    scope = filters.ChoiceFilter(field_name="organisation__scope", choices=Scope.choices, label=_("scope"))
    label = filters.CharFilter(field_name="organisation__tags__name", distinct=True, label=_("label"))
    owner = filters.CharFilter(field_name="organisation__owner__username", label=_("liaison officer (user name)"))
    level = filters.ChoiceFilter(choices=ContactLevel.choices, label=_("level"))
    language = filters.ChoiceFilter(field_name="preferred_language", choices=Language.choices, label=_("language"))
    active = StrictBooleanFilter(field_name="is_active", label=_("active"))
    search = filters.CharFilter(method="filter_search", label=_("search"))
    sort = StrictOrderingFilter(
        fields=[("last_name", "lastName"), ("updated_at", "updatedAt"), ("created_at", "createdAt")], label=_("sort")
    )

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__icontains=value)
        )


class InteractionFilterSet(ChangedSinceMixin):
    organisation = filters.NumberFilter(field_name="organisation_id", label=_("organisation"))
    channel = filters.ChoiceFilter(choices=Channel.choices, label=_("channel"))
    loggedBy = filters.CharFilter(field_name="logged_by__username", label=_("logged by (user name)"))  # noqa: N815
    topic = filters.CharFilter(field_name="topics__name", distinct=True, label=_("topic"))
    occurredFrom = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("from"))  # noqa: N815
    occurredUntil = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="lt", label=_("until"))  # noqa: N815
    sort = StrictOrderingFilter(fields=[("occurred_at", "occurredAt"), ("updated_at", "updatedAt")], label=_("sort"))


class RelationFilterSet(ChangedSinceMixin):
    kind = filters.ChoiceFilter(choices=RelationKind.choices, label=_("kind"))
    source = filters.NumberFilter(field_name="source_id", label=_("from"))
    target = filters.NumberFilter(field_name="target_id", label=_("to"))


class TagFilterSet(filters.FilterSet):
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))
