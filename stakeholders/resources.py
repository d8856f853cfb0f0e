"""CSV and Excel import and export of organisations and contacts (django-import-export).

Every row is validated like a form (full_clean, so choices, formats and database constraints are checked before
anything is written); one bad row refuses the whole file, and the admin lists the bad rows by line number.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from crm.api.csv import csv_safe

from .models import Contact, Organisation, Tag, Tier


class KnownForeignKeyWidget(widgets.ForeignKeyWidget):
    """A reference to a record that does not exist is a field error on its line, not a crash of the import."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(thing)s with %(key)s “%(value)s”.")
                % {"thing": self.model._meta.verbose_name, "key": self.field, "value": value}
            ) from None


class TagsWidget(widgets.ManyToManyWidget):
    """Labels by name, separated by commas; a label that does not exist yet is created."""

    def clean(self, value, row=None, **kwargs):
        names = {name.strip() for name in str(value or "").split(self.separator) if name.strip()}
        existing = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=names)}
        return [existing.get(name.lower()) or Tag.objects.get_or_create(name=name)[0] for name in sorted(names)]


class FormulaSafeResource(resources.ModelResource):
    """Exported cells that a spreadsheet would read as a formula get the API's own treatment (crm.api.csv_safe);
    django-import-export's escape setting only strips one leading "=" and leaves +, - and @."""

    def export_field(self, field, instance, **kwargs):
        return csv_safe(super().export_field(field, instance, **kwargs))


class OrganisationResource(FormulaSafeResource):
    owner = fields.Field(
        attribute="owner", column_name="owner", widget=KnownForeignKeyWidget(get_user_model(), "username")
    )
    tier = fields.Field(attribute="tier", column_name="tier", widget=KnownForeignKeyWidget(Tier, "code"))
    tags = fields.Field(attribute="tags", column_name="tags", widget=TagsWidget(Tag, field="name"))

    class Meta:
        model = Organisation
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        fields = (
            "id",
            "name",
            "short_name",
            "kind",
            "scope",
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
            "tags",
            "owner",
            "tier",
            "contact_cadence_days",
            "next_contact_planned_on",
            "influence",
            "interest",
            "status",
            "notes",
        )
        export_order = fields


class ContactResource(FormulaSafeResource):
    organisation = fields.Field(
        attribute="organisation", column_name="organisation", widget=KnownForeignKeyWidget(Organisation, "id")
    )

    class Meta:
        model = Contact
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        fields = (
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
            "notes",
        )
        export_order = fields
