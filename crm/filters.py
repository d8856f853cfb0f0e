"""Filters every FilterSet may use, stricter than django-filter's own where the API must refuse bad input."""

from datetime import UTC

import django_filters as filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

BOOLEAN_CHOICES = [("true", "true"), ("false", "false")]


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 moment with any offset, compared in UTC (PostgreSQL refuses offsets beyond ±15:59)."""

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
