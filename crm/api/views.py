"""Base views of the API that write through the services the web UI and admin use."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rest_framework import status
from rest_framework.response import Response

if TYPE_CHECKING:
    # What these classes are mixed into: checked as a generic view, a plain class when it runs.
    from rest_framework.generics import GenericAPIView as _ViewBase
else:
    _ViewBase = object


class CreateThroughService(_ViewBase):
    """Validate with the serializer, write with the service the web UI uses, answer with the stored record."""

    create_service: ClassVar[Callable[..., Any]]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = type(self).create_service(**self.service_arguments(serializer.validated_data))
        return Response(self.stored(instance), status=status.HTTP_201_CREATED)

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
        instance = type(self).update_service(**{self.instance_keyword: instance}, **arguments)
        return Response(self.stored(instance))
