"""Base views of the API that write through the services the web UI and admin use."""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import QuerySet
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from crm.datetimes import fast_datetimes

from .rows import RowEncoder

if TYPE_CHECKING:
    # What these classes are mixed into: checked as a generic view, a plain class when it runs.
    from rest_framework.generics import GenericAPIView as _ViewBase
else:
    _ViewBase = object


def refusal_on_the_wire(refused: DjangoValidationError, serializer) -> exceptions.ValidationError:
    """A service's refusal names model fields; the client knows them by the serializer's names on the wire."""
    if not hasattr(refused, "error_dict"):
        return exceptions.ValidationError({"non_field_errors": refused.messages})
    wire_names = {field.source: name for name, field in serializer.fields.items()}
    return exceptions.ValidationError({
        "non_field_errors" if key == NON_FIELD_ERRORS else wire_names.get(key, key): messages
        for key, messages in refused.message_dict.items()
    })  # fmt: skip


class CreateThroughService(_ViewBase):
    """Validate with the serializer, write with the service the web UI uses, answer with the stored record."""

    create_service: ClassVar[Callable[..., Any]]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.service_call(
            type(self).create_service, serializer, **self.service_arguments(serializer.validated_data)
        )
        return Response(self.stored(instance), status=status.HTTP_201_CREATED)

    def service_call(self, service: Callable[..., Any], serializer, **arguments):
        try:
            return service(**arguments)
        except DjangoValidationError as refused:
            raise refusal_on_the_wire(refused, serializer) from None

    def service_arguments(self, validated_data: dict) -> dict:
        return dict(validated_data)

    def stored(self, instance):
        return self.get_serializer(self.get_queryset().get(pk=instance.pk)).data


class UpdateThroughService(CreateThroughService):
    """Partial updates only (PATCH): a client sends what changes, and the service validates the whole record."""

    update_service: ClassVar[Callable[..., Any]]
    instance_keyword: ClassVar[str]

    def partial_update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        arguments = self.service_arguments(serializer.validated_data)
        instance = self.service_call(
            type(self).update_service, serializer, **{self.instance_keyword: instance}, **arguments
        )
        return Response(self.stored(instance))


class RowList(_ViewBase):
    """A list read as plain rows (crm/api/rows.py) whenever its serializer can be read from them; otherwise DRF's
    own path, with model instances."""

    # Compiled once per shape of a list: building the serializer's fields costs more than encoding a page.
    _row_encoders: ClassVar[dict[tuple, RowEncoder | None]] = {}
    read_rows: Callable[[QuerySet], QuerySet] | None = None

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        shape = (type(self), *self.row_shape())
        if shape not in self._row_encoders:
            self._row_encoders[shape] = RowEncoder.compile(cast(Serializer, self.get_serializer()), queryset)
        encoder = self._row_encoders[shape]
        if encoder is None:
            records = self.get_serializer(self.paginate_queryset(queryset), many=True).data
        else:
            self.read_rows = encoder.values  # the paginator reads the page's rows with it (crm/api/pagination.py)
            with fast_datetimes(connections[queryset.db]):
                records = encoder.encode_page(self.paginate_queryset(queryset) or [])
        self.page_listed(records)
        return self.get_paginated_response(records)

    def row_shape(self) -> tuple:
        """What, besides the view, changes the fields of its list (an `expand`, say)."""
        return ()

    def page_listed(self, records: Sequence[dict]) -> None:
        """Called with the page's records before they are sent."""
