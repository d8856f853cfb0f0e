from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from crm.api.csv import CsvListMixin
from crm.api.views import CreateThroughService, RowList, UpdateThroughService
from crm.api.wire import camel
from privacy.audit import access_list_record, access_record
from privacy.models import AccessAction

from .. import selectors, services, wire
from ..filters import (
    ContactFilterSet,
    InteractionFilterSet,
    OrganisationFilterSet,
    RelationFilterSet,
    TagFilterSet,
)
from ..models import Interaction, Organisation
from .serializers import (
    ContactSerializer,
    InteractionSerializer,
    LabelSerializer,
    OrganisationSerializer,
    RelationSerializer,
)

# An organisation's contact persons are embedded under the name that asks for them.
CONTACTS = camel(wire.ORGANISATION["contacts"])
EXPAND = OpenApiParameter(
    "expand", OpenApiTypes.STR, enum=[CONTACTS], description="Embed the organisation's contact persons."
)


class ResourceViewSet(CsvListMixin, RowList, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List (as JSON pages or CSV) and retrieve; the writes come from the service mixins."""


class ContactListAudit:
    """A list of contact persons shows the data of many at once: each request writes one access record with the
    list's address and filter and how many persons it held (the page, or every row of the CSV), before anything is
    sent (privacy/audit.py)."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        access_list_record(request=self.request, persons=len(page) if page is not None else queryset.count())
        return page

    def csv_before_streaming(self, request, queryset) -> None:
        access_list_record(request=request, persons=queryset.count())


@extend_schema_view(list=extend_schema(parameters=[EXPAND]), retrieve=extend_schema(parameters=[EXPAND]))
class OrganisationViewSet(UpdateThroughService, ResourceViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    extra_query_parameters = ["expand"]
    create_service = services.organisation_create
    update_service = services.organisation_update
    instance_keyword = "organisation"

    def get_queryset(self):
        return selectors.organisations_list(with_contacts=self.expands_contacts(), label_names=True)

    def service_arguments(self, validated_data: dict) -> dict:
        # Who asks decides whether the liaison officer may change (services.organisation_owner_validate).
        return {**validated_data, "actor": self.request.user}

    def expands_contacts(self) -> bool:
        expand = self.request.query_params.get("expand")
        if expand not in (None, CONTACTS):
            raise ValidationError({"expand": [_("Only contactpersonen can be expanded.")]})
        return expand == CONTACTS

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "expand_contacts": self.expands_contacts()}

    def row_shape(self):
        return (self.expands_contacts(),)

    def page_listed(self, records):
        if self.expands_contacts():
            # The organisations' contact persons come along: a list of their data, recorded.
            access_list_record(request=self.request, persons=sum(len(record[CONTACTS]) for record in records))


class ContactViewSet(ContactListAudit, UpdateThroughService, ResourceViewSet):
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    queryset = selectors.contacts_list()
    create_service = services.contact_create
    update_service = services.contact_update
    instance_keyword = "contact"

    def retrieve(self, request, *args, **kwargs):
        contact = self.get_object()
        access_record(request=request, action=AccessAction.VIEW, contact=contact)
        return Response(self.get_serializer(contact).data)


class OrganisationContactsView(ContactListAudit, CsvListMixin, generics.ListAPIView):
    """The contact persons of one organisation."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspects the view without a URL
            return selectors.contacts_list().none()
        organisation = get_object_or_404(Organisation, pk=self.kwargs["id"])
        return selectors.contacts_list().filter(organisation=organisation)


class InteractionViewSet(CreateThroughService, ResourceViewSet):
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilterSet
    create_service = services.interaction_log

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspects the view without a user
            return Interaction.objects.none()
        return selectors.interactions_list(user=self.request.user)

    def service_arguments(self, validated_data: dict) -> dict:
        return {**validated_data, "logged_by": self.request.user}


class RelationViewSet(CreateThroughService, ResourceViewSet):
    serializer_class = RelationSerializer
    filterset_class = RelationFilterSet
    queryset = selectors.relations_list()
    create_service = services.relation_create


class LabelViewSet(CreateThroughService, ResourceViewSet):
    serializer_class = LabelSerializer
    filterset_class = TagFilterSet
    queryset = selectors.tags_list()
    create_service = services.tag_create
