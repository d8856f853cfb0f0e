"""Shapes of stakeholder records on the wire. Each Meta lists the model's fields and names them in Dutch from
stakeholders/wire.py (StrictModelSerializer renames them); keys are snake_case here and camelCase on the wire (the
renderer and parser of djangorestframework-camel-case translate)."""

from django.contrib.auth import get_user_model
from rest_framework.relations import ManyRelatedField

from crm.api.serializers import StrictModelSerializer, StrictSlugRelatedField

from .. import wire
from ..models import Contact, FollowUpAction, Interaction, Organisation, OrganisationRelation, Tag, Tier, Topic


def active_users():
    return get_user_model().objects.filter(is_active=True)


class ContactSerializer(StrictModelSerializer):
    class Meta:
        model = Contact
        ref_name = "Contactpersoon"
        wire_names = wire.CONTACT
        wire_codes = {"level": wire.CONTACT_LEVEL, "preferred_language": wire.LANGUAGE}
        fields = [
            "id",
            "organisation",
            "first_name",
            "name_prefix",
            "last_name",
            "job_title",
            "level",
            "email",
            "phone",
            "preferred_language",
            "is_active",
            "mail_opted_out_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["mail_opted_out_at", "created_at", "updated_at"]


class EmbeddedContactSerializer(ContactSerializer):
    class Meta(ContactSerializer.Meta):
        ref_name = "ContactpersoonVanOrganisatie"
        fields = [field for field in ContactSerializer.Meta.fields if field != "organisation"]


class LabelNamesField(ManyRelatedField):
    """Labels by name. A list gathers the names in the query of its rows (`label_names`, selectors.organisations_list),
    so they cost no query of their own; without them (SQLite, a record just written) the labels are read."""

    row_lookup = "label_names"  # where a list read as rows finds them (crm/api/rows.py)

    def get_attribute(self, instance):
        names = getattr(instance, "label_names", None)
        return super().get_attribute(instance) if names is None else names

    def to_representation(self, iterable):
        return [value if isinstance(value, str) else self.child_relation.to_representation(value) for value in iterable]


class OrganisationSerializer(StrictModelSerializer):
    labels = LabelNamesField(
        child_relation=StrictSlugRelatedField(slug_field="name", queryset=Tag.objects.all()),
        source="tags",
        required=False,
    )
    owner = StrictSlugRelatedField(slug_field="username", queryset=active_users(), allow_null=True, required=False)
    tier = StrictSlugRelatedField(slug_field="code", queryset=Tier.objects.all(), allow_null=True, required=False)
    contacts = EmbeddedContactSerializer(many=True, read_only=True, help_text="Only with ?expand=contactpersonen.")

    class Meta:
        model = Organisation
        ref_name = "Organisatie"
        wire_names = wire.ORGANISATION
        wire_codes = {"kind": wire.ORGANISATION_KIND, "scope": wire.SCOPE, "status": wire.ORGANISATION_STATUS}
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "scope",
            "status",
            "parent",
            "kvk_number",
            "cbs_municipality_code",
            "country",
            "street_address",
            "postal_code",
            "city",
            "website",
            "email",
            "phone",
            "labels",
            "owner",
            "tier",
            "contact_cadence_days",
            "next_contact_planned_on",
            "last_contact_on",
            "next_contact_due_on",
            "influence",
            "interest",
            "notes",
            "created_at",
            "updated_at",
            "contacts",
        ]
        read_only_fields = ["last_contact_on", "next_contact_due_on", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("expand_contacts"):
            del fields[wire.ORGANISATION["contacts"]]
        return fields


class FollowUpActionSerializer(StrictModelSerializer):
    assignee = StrictSlugRelatedField(slug_field="username", queryset=active_users(), allow_null=True, required=False)

    class Meta:
        model = FollowUpAction
        ref_name = "Vervolgactie"
        wire_names = wire.FOLLOW_UP
        fields = ["id", "description", "assignee", "due_on", "done_at"]
        read_only_fields = ["done_at"]


class InteractionSerializer(StrictModelSerializer):
    logged_by = StrictSlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    topics = StrictSlugRelatedField(many=True, slug_field="name", queryset=Topic.objects.all(), required=False)
    follow_ups = FollowUpActionSerializer(many=True, required=False)

    class Meta:
        model = Interaction
        ref_name = "Interactie"
        wire_names = wire.INTERACTION
        wire_codes = {"channel": wire.CHANNEL}
        fields = [
            "id",
            "organisation",
            "contacts",
            "channel",
            "occurred_at",
            "subject",
            "notes",
            "topics",
            "sentiment",
            "confidential",
            "logged_by",
            "follow_ups",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"contacts": {"required": False}}


class RelationSerializer(StrictModelSerializer):
    class Meta:
        model = OrganisationRelation
        ref_name = "Relatie"
        wire_names = wire.RELATION
        wire_codes = {"kind": wire.RELATION_KIND}
        fields = ["id", "source", "kind", "target", "description", "started_on", "ended_on", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class LabelSerializer(StrictModelSerializer):
    class Meta:
        model = Tag
        ref_name = "Label"
        wire_names = wire.LABEL
        fields = ["id", "name"]
