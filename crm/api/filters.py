"""Filters every FilterSet may use, stricter than django-filter's own where the API must refuse bad input."""

from datetime import UTC

import django_filters as filters
from django import forms
from django.utils.translation import gettext as _
from django_filters import CharFilter
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions
from rest_framework.exceptions import ValidationError

from .pagination import CURSOR, PAGINATION_PARAMETERS
from .wire import Codes

BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


# Moments a filter accepts: any sane year, and never year 1 or 9999, which an offset pushes out of range in UTC.
FILTER_YEARS = range(1900, 9000)


class UtcIsoDateTimeField(IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and moment.year not in FILTER_YEARS:
            raise forms.ValidationError(_("Give a moment between 1900 and 9000."), code="out_of_range")
        return moment


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 moment with any offset, compared in UTC (PostgreSQL refuses offsets beyond ±15:59)."""

    field_class = UtcIsoDateTimeField

    def filter(self, qs, value):
        return super().filter(qs, value.astimezone(UTC) if value else value)


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.TypedChoiceFilter):
    """true or false, and nothing else: django-filter's own boolean filter reads other words as "no filter"."""

    def __init__(self, **kwargs):
        super().__init__(choices=BOOLEAN_CHOICES, coerce=lambda value: value == "true", **kwargs)


class WireChoiceFilter(filters.ChoiceFilter):
    """One of a set of choices by its Dutch code (crm/api/wire.py); the query filters on the stored value. The web
    UI shows the choices' labels and puts the codes in its query strings."""

    def __init__(self, *, codes: Codes, **kwargs):
        self.codes = codes
        super().__init__(choices=codes.choices, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, self.codes.value(value) if value else value)


class StrictOrderingFilter(filters.OrderingFilter):
    """`sort=a,-b`; an empty item (`sort=,`) is refused instead of skipped."""

    def filter(self, qs, value):
        if value and any(item in ("", None) for item in value):
            raise ValidationError({self.field_name: [_("Name a sort field between every two commas.")]})
        return super().filter(qs, value)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, refusing query keys it does not know instead of ignoring them."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        known |= PAGINATION_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise exceptions.ValidationError({key: [_("Unknown query parameter.")] for key in unknown})
        # django-filter reads an empty value as "no filter"; only a free-text key may be empty, a date, number or
        # choice may not.
        free_text = {name for name, f in (filterset_class.base_filters if filterset_class else {}).items()
                     if type(f) is CharFilter} | {CURSOR}  # fmt: skip
        empty = sorted(key for key, value in request.query_params.items() if value == "" and key not in free_text)
        if empty:
            raise exceptions.ValidationError({key: [_("Give a value.")] for key in empty})
        return super().filter_queryset(request, queryset, view)
