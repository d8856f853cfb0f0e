"""Lists from database rows straight to the wire.

DRF makes a model instance of every row and then walks each field of each row through `get_attribute` and
`to_representation`, with a check for a skipped field and a new dictionary each time: for a page of 100 organisations
with their 500 contact persons that was two thirds of the request. A list here reads `values()` rows instead and
turns each into what the serializer would give, with the work per field decided once per serializer class: the keys,
the sources and the conversions of values are the serializer's own, so the OpenAPI document that drf-spectacular
draws from the serializer describes this output too (tests/api/test_rows.py compares the two on the same rows).

A field that cannot be read from a row (a method field, a source through a callable, a to-many relation without a
row lookup) makes `RowEncoder.compile` return None, and the list takes DRF's own path.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Prefetch, QuerySet
from rest_framework import fields as drf_fields
from rest_framework import relations, serializers

from .renderers import WireRecords, wire_key
from .serializers import UtcDateTimeField

Convert = Callable[[Any], Any]

# Fields whose stored value is already what goes on the wire (their to_representation is str(), int() or bool() of
# a value of that very type).
AS_STORED = (
    drf_fields.CharField,
    drf_fields.IntegerField,
    drf_fields.BooleanField,
    relations.PrimaryKeyRelatedField,
    relations.SlugRelatedField,
)


def utc_iso(value: datetime) -> str:
    """What UtcDateTimeField gives, without its format and time zone look-ups per value."""
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def converter(field: serializers.Field) -> Convert | None:
    if type(field) is UtcDateTimeField and getattr(field, "format", drf_fields.empty) is drf_fields.empty:
        return utc_iso
    if isinstance(field, AS_STORED) and not getattr(field, "coerce_to_string", False):
        return None
    return field.to_representation


@dataclass(frozen=True)
class Embedded:
    """A to-many relation embedded as a list of records: read in one query for the whole page."""

    key: str
    link: str  # the lookup, on the embedded model, of the id of the row it belongs to
    queryset: QuerySet
    encoder: "RowEncoder"

    def rows_by_owner(self, ids: list) -> dict[Any, list[dict]]:
        grouped: dict[Any, list[dict]] = {}
        rows = self.queryset.filter(**{f"{self.link}__in": ids}).values_list(*self.encoder.lookups, self.link)
        for row in rows:
            grouped.setdefault(row[-1], []).append(self.encoder.encode(row))
        return grouped


@dataclass(frozen=True)
class RowEncoder:
    keys: tuple[str, ...]  # as on the wire, camelCase
    pick: Callable[[tuple], tuple]  # the keys' values from a row, in their order
    conversions: tuple[tuple[str, Convert], ...]  # the keys whose values are not sent as stored
    embedded: tuple[Embedded, ...]
    lookups: tuple[str, ...]  # what a row holds: the primary key first, the columns, and what cursor pages need

    @classmethod
    def compile(cls, serializer: serializers.Serializer, queryset: QuerySet) -> "RowEncoder | None":
        model = queryset.model
        columns: list[tuple[str, str, Convert | None]] = []
        embedded: list[Embedded] = []
        for field in serializer._readable_fields:
            if isinstance(field, serializers.ListSerializer):
                part = _embedded(field, model, queryset)
                if part is None:
                    return None
                embedded.append(part)
                continue
            lookup = _lookup(field, model, queryset)
            if lookup is None:
                return None
            columns.append((wire_key(field.field_name), lookup, converter(field)))
        # The primary key finds a row's embedded records; a cursor page reads its position from `updated_at`.
        position = ["updated_at"] if any(field.name == "updated_at" for field in model._meta.concrete_fields) else []
        lookups = tuple(dict.fromkeys([model._meta.pk.attname, *(lookup for _, lookup, _ in columns), *position]))
        positions = [lookups.index(lookup) for _, lookup, _ in columns]
        return cls(
            keys=tuple(key for key, _, _ in columns),
            pick=itemgetter(*positions) if len(positions) > 1 else lambda row: (row[positions[0]],),
            conversions=tuple((key, convert) for key, _, convert in columns if convert is not None),
            embedded=tuple(embedded),
            lookups=lookups,
        )

    def values(self, queryset: QuerySet) -> QuerySet:
        return queryset.values_list(*self.lookups, named=True)

    def encode(self, row: tuple) -> dict:
        record = dict(zip(self.keys, self.pick(row), strict=True))
        for key, convert in self.conversions:
            value = record[key]
            if value is not None:  # None stays None, as in DRF's Serializer.to_representation
                record[key] = convert(value)
        return record

    def encode_page(self, rows: Iterable[tuple]) -> WireRecords:
        rows = list(rows)
        records = WireRecords(self.encode(row) for row in rows)
        for part in self.embedded:
            grouped = part.rows_by_owner([row[0] for row in rows])
            for row, record in zip(rows, records, strict=True):
                record[part.key] = grouped.get(row[0], [])
        return records


def _lookup(field: serializers.Field, model: type[models.Model], queryset: QuerySet) -> str | None:
    """The `values()` lookup that reads this field's value, or None when a row cannot give it."""
    row_lookup = getattr(field, "row_lookup", None)
    if row_lookup is not None:
        return row_lookup if row_lookup in queryset.query.annotations else None
    if isinstance(field, relations.ManyRelatedField | serializers.BaseSerializer):
        return None
    path = field.source_attrs
    if len(path) != 1:
        return None
    try:
        model_field = model._meta.get_field(path[0])
    except FieldDoesNotExist:
        return path[0] if path[0] in queryset.query.annotations else None
    if not isinstance(model_field, models.Field) or not model_field.concrete:
        return None
    if isinstance(field, relations.SlugRelatedField):
        return f"{model_field.name}__{field.slug_field}"
    if isinstance(field, relations.PrimaryKeyRelatedField):
        return model_field.attname
    return None if model_field.is_relation else model_field.name


def _embedded(field: serializers.ListSerializer, model: type[models.Model], queryset: QuerySet) -> Embedded | None:
    try:
        relation = model._meta.get_field(str(field.source))
    except FieldDoesNotExist:
        return None
    if not isinstance(relation, models.ManyToOneRel) or not isinstance(field.child, serializers.Serializer):
        return None
    related_model = relation.related_model
    if isinstance(related_model, str):  # not resolved: no app would have started
        return None
    related = related_model._default_manager.all()
    for lookup in getattr(queryset, "_prefetch_related_lookups", ()):
        if isinstance(lookup, Prefetch) and lookup.prefetch_to == field.source and lookup.queryset is not None:
            related = lookup.queryset
    encoder = RowEncoder.compile(field.child, related)
    if encoder is None:
        return None
    return Embedded(wire_key(field.field_name), relation.field.attname, related, encoder)
