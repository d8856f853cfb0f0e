"""Serializer parts every API resource shares.

DRF's fields are lenient: they turn 5 into "5" and "5" into 5. The OpenAPI document promises exact JSON types, so
these fields refuse a value of another JSON type, and a client learns of its mistake instead of being guessed at.

Fields and choices go on the wire under their Dutch names (crm/api/wire.py): a model serializer names them in its
Meta (`wire_names`, `wire_codes`) and StrictModelSerializer renames its fields accordingly.
"""

from datetime import UTC
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import serializers

from .wire import Codes

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


class WireChoiceField(StrictChoiceField):
    """A choice stored by its English value and sent and received by its Dutch code; the codes are its choices, so
    the OpenAPI enum and the refusal of anything else follow from them."""

    def __init__(self, *, codes: Codes, **kwargs):
        self.codes = codes
        super().__init__(choices=codes.choices, **kwargs)

    def to_representation(self, value):
        return value if value in ("", None) else self.codes.code(str(value))

    def to_internal_value(self, data):
        code = super().to_internal_value(data)
        return code if code == "" else self.codes.value(code)


class NoEmptyReference(_FieldBase):
    """DRF reads "" as null for every reference; the schema promises a reference or null, so "" is refused."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            self.fail("invalid" if "invalid" in self.error_messages else "incorrect_type", data_type="str")
        return super().run_validation(data)


class StrictPrimaryKeyRelatedField(NoEmptyReference, serializers.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        if not _is_integer(data):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictSlugRelatedField(NoEmptyReference, serializers.SlugRelatedField):
    """A reference by name (a user name, a tier code, a label): a string without NUL characters."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """Exact JSON types, and unknown or read-only fields refused rather than silently dropped.

    Meta lists the model's (English) fields as usual and adds the Dutch of the wire: `wire_names` (model field ->
    name on the wire) and `wire_codes` (model field -> its choices' Codes). Each renamed field reads and writes its
    model field through `source`, DRF's own way to rename, so output, strict input, validation errors
    (`invalidParams`), the OpenAPI document, the CSV columns and anything else that reads `serializer.fields` all
    see the Dutch names, and the model keeps its own."""

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

    def get_fields(self):
        wire_names = getattr(self.Meta, "wire_names", {})
        fields = {}
        for name, field in super().get_fields().items():
            wire_name = wire_names.get(name, name)
            if wire_name != name and field.source is None:
                field.source = name
            fields[wire_name] = field
        return fields

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        choices = field_kwargs.get("choices")
        if choices is None or all(type(value) is int for value, _label in choices):
            return field_class, field_kwargs  # numbers (a sentiment from -2 to 2) need no translation
        codes = getattr(self.Meta, "wire_codes", {}).get(field_name)
        if codes is None:
            raise ImproperlyConfigured(f"{type(self).__name__}.Meta.wire_codes gives no Dutch codes for {field_name}.")
        del field_kwargs["choices"]
        return WireChoiceField, {**field_kwargs, "codes": codes}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown or read-only field.")] for key in unknown})
        return super().to_internal_value(data)
