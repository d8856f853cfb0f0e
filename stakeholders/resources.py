"""CSV and Excel import and export of organisations and contacts (django-import-export).

Every row is validated like a form (full_clean, so choices, formats and database constraints are checked before
anything is written) and then written by the service the web UI, the API and admin call, so its rules refuse the
row and its effects follow (outreach dates, owner notice, history); one bad row refuses the whole file, and the admin
lists the bad rows by line number.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from crm.api.csv import csv_safe

from . import services
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
        return services.tags_get_or_create(names=str(value or "").split(self.separator))


class FormulaSafeResource(resources.ModelResource):
    """Exported cells that a spreadsheet would read as a formula get the API's own treatment (crm.api.csv_safe);
    django-import-export's escape setting only strips one leading "=" and leaves +, - and @."""

    def export_field(self, field, instance, **kwargs):
        return csv_safe(super().export_field(field, instance, **kwargs))


class ServiceResource(FormulaSafeResource):
    """Imports row by row through the services: a new row is created by `create_service(**fields)`, a row with a
    known id is changed by `update_service(<instance_keyword>=row, **fields)`, many-to-many fields included."""

    create_service = None
    update_service = None
    instance_keyword = None
    # Whether the services take the acting user (`actor=`): admin's import passes its user as `user`.
    takes_actor = False

    def imported_fields(self, instance, row) -> dict:
        fields = {}
        for field in self.get_import_fields():
            if not field.attribute or field.attribute == "id" or field.column_name not in row:
                continue
            many = isinstance(field.widget, widgets.ManyToManyWidget)
            fields[field.attribute] = field.clean(row) if many else getattr(instance, field.attribute)
        return fields

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs):
            return  # a dry run without a transaction to roll back writes nothing
        fields = self.imported_fields(instance, row)
        if self.takes_actor:
            fields["actor"] = kwargs["user"]
        if is_create:
            saved = type(self).create_service(**fields)
        else:
            saved = type(self).update_service(**{self.instance_keyword: instance}, **fields)
        # The import goes on with its own instance (to report and compare the row): make it the stored row.
        instance.pk = saved.pk
        instance._state.adding = False
        instance.refresh_from_db()

    def save_m2m(self, instance, row, **kwargs):
        """The service has set them with the other fields."""

    def delete_instance(self, instance, row, **kwargs):
        raise NotImplementedError("An import does not delete.")


class OrganisationResource(ServiceResource):
    create_service = services.organisation_create
    update_service = services.organisation_update
    instance_keyword = "organisation"
    takes_actor = True
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


class ContactResource(ServiceResource):
    create_service = services.contact_create
    update_service = services.contact_update
    instance_keyword = "contact"
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
