"""Serializer parts every API resource shares.

DRF's fields are lenient: they turn 5 into "5" and "5" into 5. The OpenAPI document promises exact JSON types, so
these fields refuse a value of another JSON type, and a client learns of its mistake instead of being guessed at.
"""

from datetime import UTC
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

if TYPE_CHECKING:
    # What StrictStringMixin is mixed into: checked as a field, a plain class when it runs.
    _FieldBase = serializers.Field
else:
    _FieldBase = object


class StrictStringMixin(_FieldBase):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Give a string."), code="invalid")
        # DRF trims white space before it counts; the schema's maxLength counts what was sent.
        max_length = getattr(self, "max_length", None)
        if max_length is not None and len(data) > max_length:
            self.fail("max_length", max_length=max_length)
        return super().to_internal_value(data)


class StrictCharField(StrictStringMixin, serializers.CharField):
    pass


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    pass


class StrictURLField(StrictStringMixin, serializers.URLField):
    pass


class StrictSlugField(StrictStringMixin, serializers.SlugField):
    pass


class StrictDateField(StrictStringMixin, serializers.DateField):
    pass


class UtcDateTimeField(StrictStringMixin, serializers.DateTimeField):
    """Date-times in UTC with a Z on the wire, whatever the server's time zone."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=UTC, **kwargs)


def _is_integer(data) -> bool:
    return isinstance(data, int) and not isinstance(data, bool)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if not _is_integer(data):
            raise serializers.ValidationError(_("Give a whole number."), code="invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Give true or false."), code="invalid")
        return data


class StrictChoiceField(serializers.ChoiceField):
    def to_internal_value(self, data):
        numeric = all(_is_integer(choice) for choice in self.choices)
        if (numeric and not _is_integer(data)) or (not numeric and not isinstance(data, str)):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if not _is_integer(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    """A reference by name (a user name, a tier code, a label): a string without NUL characters."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """Exact JSON types, and unknown or read-only fields refused rather than silently dropped."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.URLField: StrictURLField,
        models.SlugField: StrictSlugField,
        models.DateField: StrictDateField,
        models.DateTimeField: UtcDateTimeField,
        models.IntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.BooleanField: StrictBooleanField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField
    serializer_choice_field = StrictChoiceField

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown or read-only field.")] for key in unknown})
        return super().to_internal_value(data)
