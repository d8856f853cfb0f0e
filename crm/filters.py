"""Filters every FilterSet may use, stricter than django-filter's own where the API must refuse bad input."""

from datetime import UTC

import django_filters as filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

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


class StrictOrderingFilter(filters.OrderingFilter):
    """`sort=a,-b`; an empty item (`sort=,`) is refused instead of skipped."""

    def filter(self, qs, value):
        if value and any(item in ("", None) for item in value):
            raise ValidationError({self.field_name: [_("Name a sort field between every two commas.")]})
        return super().filter(qs, value)
