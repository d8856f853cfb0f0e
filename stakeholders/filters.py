"""One FilterSet per listable thing, shared by the web UI and the API, so both filter with the same names.

Query keys and values are Dutch and camelCase, as the Dutch API Design Rules ask (the names and codes come from
stakeholders/wire.py, so a filter on a field has that field's name on the wire); `gewijzigdSinds` (changed since) is
the key the rules use for incremental sync, `zoek` and `sorteer` those of their search and sort extensions. Filters
on names and ids are exact matches, so an unknown value finds nothing; filters on a fixed set of values (kind,
scope, status, level, outreach, channel, sort) refuse anything else with a 400. Attribute names are the query keys,
hence camelCase (ruff's N815 is off for this module).
"""

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.api.filters import StrictBooleanFilter, StrictOrderingFilter, UtcDateTimeFilter, WireChoiceFilter
from crm.api.wire import sort_options

from . import selectors, wire
from .models import Organisation

ONE_TO_FIVE = [(value, str(value)) for value in range(1, 6)]
OVERDUE, DUE_SOON = "teLaat", "binnenEenWeek"
OUTREACH_CHOICES = [(OVERDUE, _("overdue")), (DUE_SOON, _("due within a week"))]


class ChangedSinceMixin(filters.FilterSet):
    gewijzigdSinds = UtcDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("changed since (ISO 8601 date-time)")
    )


class OrganisationFilterSet(ChangedSinceMixin):
    soort = WireChoiceFilter(field_name="kind", codes=wire.ORGANISATION_KIND, label=_("kind"))
    reikwijdte = WireChoiceFilter(field_name="scope", codes=wire.SCOPE, label=_("scope"))
    prioriteit = filters.CharFilter(field_name="tier__code", label=_("tier (code)"))
    status = WireChoiceFilter(codes=wire.ORGANISATION_STATUS, label=_("status"))
    relatiebeheerder = filters.CharFilter(field_name="owner__username", label=_("liaison officer (user name)"))
    zonderRelatiebeheerder = StrictBooleanFilter(
        field_name="owner", lookup_expr="isnull", label=_("without a liaison officer")
    )
    label = filters.CharFilter(field_name="tags__name", distinct=True, label=_("label"))
    niveau = WireChoiceFilter(
        field_name="contacts__level", codes=wire.CONTACT_LEVEL, distinct=True, label=_("contact level")
    )
    contactplanning = filters.ChoiceFilter(choices=OUTREACH_CHOICES, method="filter_outreach", label=_("outreach"))
    invloed = filters.TypedChoiceFilter(field_name="influence", choices=ONE_TO_FIVE, coerce=int, label=_("influence"))
    belang = filters.TypedChoiceFilter(field_name="interest", choices=ONE_TO_FIVE, coerce=int, label=_("interest"))
    zoek = filters.CharFilter(method="filter_search", label=_("search"))
    sorteer = StrictOrderingFilter(
        fields=sort_options(wire.ORGANISATION, "name", "kind", "next_contact_due_on", "created_at", "updated_at"),
        label=_("sort"),
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def filter_outreach(self, queryset, name, value):
        condition = selectors.organisations_overdue() if value == OVERDUE else selectors.organisations_due_soon()
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
    organisatie = filters.NumberFilter(field_name="organisation_id", label=_("organisation"))
    soort = WireChoiceFilter(field_name="organisation__kind", codes=wire.ORGANISATION_KIND, label=_("kind"))
    reikwijdte = WireChoiceFilter(field_name="organisation__scope", codes=wire.SCOPE, label=_("scope"))
    label = filters.CharFilter(field_name="organisation__tags__name", distinct=True, label=_("label"))
    relatiebeheerder = filters.CharFilter(
        field_name="organisation__owner__username", label=_("liaison officer (user name)")
    )
    niveau = WireChoiceFilter(field_name="level", codes=wire.CONTACT_LEVEL, label=_("level"))
    voorkeurstaal = WireChoiceFilter(field_name="preferred_language", codes=wire.LANGUAGE, label=_("language"))
    actief = StrictBooleanFilter(field_name="is_active", label=_("active"))
    zoek = filters.CharFilter(method="filter_search", label=_("search"))
    sorteer = StrictOrderingFilter(
        fields=sort_options(wire.CONTACT, "last_name", "updated_at", "created_at"), label=_("sort")
    )

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value) | Q(last_name__icontains=value) | Q(email__icontains=value)
        )


class InteractionFilterSet(ChangedSinceMixin):
    organisatie = filters.NumberFilter(field_name="organisation_id", label=_("organisation"))
    kanaal = WireChoiceFilter(field_name="channel", codes=wire.CHANNEL, label=_("channel"))
    vastgelegdDoor = filters.CharFilter(field_name="logged_by__username", label=_("logged by (user name)"))
    thema = filters.CharFilter(field_name="topics__name", distinct=True, label=_("topic"))
    plaatsgevondenVanaf = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="gte", label=_("from"))
    plaatsgevondenTot = UtcDateTimeFilter(field_name="occurred_at", lookup_expr="lt", label=_("until"))
    # Contact intensity per group: the organisation's kind and scope, and the level of the contacts who took part.
    soort = WireChoiceFilter(field_name="organisation__kind", codes=wire.ORGANISATION_KIND, label=_("kind"))
    reikwijdte = WireChoiceFilter(field_name="organisation__scope", codes=wire.SCOPE, label=_("scope"))
    niveau = WireChoiceFilter(
        field_name="contacts__level", codes=wire.CONTACT_LEVEL, distinct=True, label=_("contact level")
    )
    sorteer = StrictOrderingFilter(fields=sort_options(wire.INTERACTION, "occurred_at", "updated_at"), label=_("sort"))


class RelationFilterSet(ChangedSinceMixin):
    soort = WireChoiceFilter(field_name="kind", codes=wire.RELATION_KIND, label=_("kind"))
    van = filters.NumberFilter(field_name="source_id", label=_("from"))
    naar = filters.NumberFilter(field_name="target_id", label=_("to"))


class TagFilterSet(filters.FilterSet):
    zoek = filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("search"))
