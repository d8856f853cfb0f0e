from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from crm.web.forms import errors_to_form
from privacy.audit import access_list_record, access_record
from privacy.models import AccessAction

from . import selectors, services
from .forms import OrganisationsPlanForm
from .models import (
    Contact,
    FollowUpAction,
    Interaction,
    Organisation,
    OrganisationRelation,
    Tag,
    Tier,
    Topic,
)
from .resources import ContactResource, OrganisationResource


class ServiceForm(forms.ModelForm):
    """Shows a service's refusal beside the fields instead of failing the save: clean() asks the same rule the
    service asks again when it writes (the rules live once, in stakeholders/services.py)."""

    def service_rules(self, cleaned_data: dict) -> None:
        """Raise the service's ValidationError for this input."""

    def clean(self):
        cleaned_data = super().clean()
        try:
            self.service_rules(cleaned_data)
        except ValidationError as refused:
            errors = refused.error_dict if hasattr(refused, "error_dict") else {None: refused.messages}
            for name, messages in errors.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned_data


class Writes:
    """The services an admin page or inline writes through: create(**fields), change(<keyword>=row, **changed
    fields), remove(<keyword>=row). Admin's own hooks would save and delete the rows themselves."""

    def __init__(self, keyword: str, create, change, remove, *, takes_actor: bool = False):
        self.keyword, self._create, self._change, self._remove = keyword, create, change, remove
        # Whether the services take the acting user (`actor=`), whose rights decide what they allow.
        self.takes_actor = takes_actor

    def _actor(self, request) -> dict:
        return {"actor": request.user} if self.takes_actor and request is not None else {}

    def create(self, request=None, **fields):
        return self._create(**self._actor(request), **fields)

    def change(self, instance, fields: dict, request=None):
        return self._change(**{self.keyword: instance}, **self._actor(request), **fields)

    def remove(self, instance) -> None:
        self._remove(**{self.keyword: instance})


def _adopt(instance, saved) -> None:
    """Admin goes on with its own instance (to log, redirect and save the inlines): make it the stored row."""
    instance.pk = saved.pk
    instance._state.adding = False
    instance.refresh_from_db()


class ServiceAdmin(admin.ModelAdmin):
    """Every write of this page, its inlines and its bulk delete goes through the services the web UI, the API and
    the import call, so their rules and effects (outreach dates, owner notice, updated_at) hold here too."""

    writes: Writes

    def save_model(self, request, obj, form, change):
        if change:
            saved = self.writes.change(obj, {name: form.cleaned_data[name] for name in form.changed_data}, request)
        else:
            saved = self.writes.create(request, **form.cleaned_data)
        _adopt(obj, saved)
        # The service has set the many-to-many fields; admin's history revert would set them again behind it.
        form.save_m2m = lambda: None

    def save_related(self, request, form, formsets, change):
        # The service has set the many-to-many fields with the others; each inline row goes through its own.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = next(inline for inline in self.inlines if inline.model is formset.model)
        # Sorts the rows as a model formset's saving would (admin's change message reads these lists), but each row is
        # written by the inline's service.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.initial_forms:
            if row.instance.pk is None:
                continue
            if row in formset.deleted_forms:
                inline.writes.remove(row.instance)
                formset.deleted_objects.append(row.instance)
            elif row.has_changed():
                inline.writes.change(row.instance, {name: row.cleaned_data[name] for name in row.changed_data})
                formset.changed_objects.append((row.instance, row.changed_data))
        for row in formset.extra_forms:
            if not row.has_changed() or row in formset.deleted_forms:
                continue
            fields = {name: row.cleaned_data[name] for name in inline.fields}
            _adopt(row.instance, inline.writes.create(**fields, **{formset.fk.name: form.instance}))
            formset.new_objects.append(row.instance)

    def delete_model(self, request, obj):
        self.writes.remove(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.writes.remove(obj)


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history page with a "what" on every line (the app leaves it blank where it has no
    earlier version at hand) and a blank change reason where none was given (it prints "None")."""

    object_history_list_template = "admin/history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record in historical_records:
            record.history_change_reason = record.history_change_reason or ""
        oldest = historical_records[len(historical_records) - 1] if len(historical_records) else None
        if oldest is not None and oldest.history_type == "~":
            # The app compares within the page only; the version before may be on the next page, or was never
            # recorded (rows made in bulk, like the demo data's, get their first version at their first change).
            earlier = oldest.prev_record
            oldest.history_first_recorded = earlier is None
            if earlier is not None:
                helper = self.get_historical_record_context_helper(request, oldest)
                delta = oldest.diff_against(earlier, foreign_keys_are_objs=foreign_keys_are_objs)
                oldest.history_delta_changes = helper.context_for_delta_changes(delta)


class ImportExportHistoryAdmin(ServiceAdmin, ImportExportModelAdmin, ReadableHistoryAdmin):
    # Our own import page reports bad rows by their line in the file, header included.
    import_template_name = "admin/stakeholders/import.html"


class RowInputsForm(forms.ModelForm):
    """A changelist row's editable fields, each named by its column and its row: the column header is no label, so
    without a name the inputs read as one unnamed field after another (WCAG 1.3.1, 4.1.2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{field.label} ({self.instance})"


@admin.register(Tier)
class TierAdmin(ServiceAdmin):
    writes = Writes("tier", services.tier_create, services.tier_update, services.tier_delete)
    list_display = ["name", "name_en", "code", "cadence_days", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en", "code"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=RowInputsForm, **kwargs)


@admin.register(Tag)
class TagAdmin(ServiceAdmin):
    writes = Writes("tag", services.tag_create, services.tag_update, services.tag_delete)
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(ServiceAdmin):
    writes = Writes("topic", services.topic_create, services.topic_update, services.topic_delete)
    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en"]


CONTACT_WRITES = Writes("contact", services.contact_create, services.contact_update, services.contact_delete)
RELATION_WRITES = Writes("relation", services.relation_create, services.relation_update, services.relation_delete)


class ContactAdminForm(ServiceForm):
    def service_rules(self, cleaned_data):
        if self.instance.pk is not None and self.has_changed():
            # self.instance is still the stored row here: the form writes its values onto it after clean().
            services.contact_change_validate(contact=self.instance, organisation=cleaned_data.get("organisation"))


class ContactInline(admin.TabularInline):
    model = Contact
    form = ContactAdminForm
    writes = CONTACT_WRITES
    fields = ["first_name", "name_prefix", "last_name", "job_title", "level", "email", "is_active"]
    extra = 0
    show_change_link = True


class OutgoingRelationInline(admin.TabularInline):
    model = OrganisationRelation
    writes = RELATION_WRITES
    fk_name = "source"
    fields = ["kind", "target", "description", "started_on", "ended_on"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name = _("relation to another organisation")
    verbose_name_plural = _("relations to other organisations")


class OrganisationAdminForm(ServiceForm):
    actor = None  # the user of the request (OrganisationAdmin.get_form)

    def service_rules(self, cleaned_data):
        if "owner" in self.changed_data or self.instance.pk is None:
            # self.instance is still the stored row here: the form writes its values onto it after clean().
            services.organisation_owner_validate(
                actor=self.actor,
                organisation=self.instance if self.instance.pk is not None else None,
                owner=cleaned_data.get("owner"),
            )


@admin.register(Organisation)
class OrganisationAdmin(ImportExportHistoryAdmin):
    writes = Writes(
        "organisation",
        services.organisation_create,
        services.organisation_update,
        services.organisation_delete,
        takes_actor=True,
    )
    form = OrganisationAdminForm
    resource_classes = [OrganisationResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "scope", "tier", "owner", "next_contact_due_on", "status"]
    list_filter = ["kind", "scope", "status", "tier", "owner", "tags"]
    list_select_related = ["tier", "owner"]
    search_fields = ["name", "short_name", "kvk_number", "cbs_municipality_code", "city"]
    autocomplete_fields = ["parent", "owner", "tags"]
    readonly_fields = ["last_contact_on", "next_contact_due_on", "created_at", "updated_at"]
    inlines = [ContactInline, OutgoingRelationInline]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "scope", "parent", "status", "tags"]}),
        (_("Identifiers"), {"fields": ["kvk_number", "cbs_municipality_code", "country"]}),
        (
            _("Address and web"),
            {"fields": ["street_address", "postal_code", "city", "website", "email", "phone"]},
        ),
        (
            _("Outreach"),
            {
                "fields": [
                    "owner",
                    "tier",
                    "contact_cadence_days",
                    "next_contact_planned_on",
                    "last_contact_on",
                    "next_contact_due_on",
                ]
            },
        ),
        (_("Stakeholder map"), {"fields": ["influence", "interest"]}),
        (_("Other"), {"fields": ["notes", "created_at", "updated_at"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    actions = ["plan_selected"]

    def has_plan_permission(self, request) -> bool:
        return request.user.has_perm("stakeholders.plan_organisation")

    @admin.action(permissions=["plan"], description=_("Plan the selected organisations"))
    def plan_selected(self, request, queryset):
        """An intermediate page with the web UI's form; its POST carries the selection and comes back here."""
        form = OrganisationsPlanForm(
            request.POST if "plannen" in request.POST else None, user=request.user, count=queryset.count()
        )
        if form.is_bound and form.is_valid():
            try:
                planned = services.organisations_plan(
                    organisations=queryset, actor=request.user, **form.service_fields()
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                self.message_user(request, ngettext(
                    "%(count)s organisation has been planned.", "%(count)s organisations have been planned.", planned
                ) % {"count": planned})  # fmt: skip
                return None
        return TemplateResponse(
            request,
            "admin/stakeholders/organisation/plan.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Plan the selected organisations"),
                "form": form,
                "errors": form.errors,
                "organisations": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(OrganisationRelation)
class OrganisationRelationAdmin(ServiceAdmin):
    writes = RELATION_WRITES
    list_display = ["source", "kind", "target", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["source", "target"]
    search_fields = ["source__name", "target__name", "description"]
    autocomplete_fields = ["source", "target"]


@admin.register(Contact)
class ContactAdmin(ImportExportHistoryAdmin):
    writes = CONTACT_WRITES
    form = ContactAdminForm
    resource_classes = [ContactResource]
    list_display = [
        "full_name",
        "organisation",
        "job_title",
        "level",
        "email",
        "is_active",
        "mail_opted_out_at",
    ]
    list_filter = ["level", "preferred_language", "is_active", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, contact):
        return contact.full_name

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # The page of names, addresses and organisations is a list of persons' data: recorded before it renders.
            access_list_record(request=request, persons=len(changelist.result_list))
        return response

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # Every exported row is a person: the export is recorded before the file is made.
        access_list_record(request=request, persons=queryset.count())
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contact = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        if contact is not None:
            # The change page shows every personal field: that is a view of the person's data.
            access_record(request=request, action=AccessAction.VIEW, contact=contact)
        return super().change_view(request, object_id, form_url, extra_context)


FOLLOW_UP_WRITES = Writes("follow_up", services.follow_up_create, services.follow_up_update, services.follow_up_delete)


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    writes = FOLLOW_UP_WRITES
    fields = ["description", "assignee", "due_on", "done_at"]
    autocomplete_fields = ["assignee"]
    extra = 0


class InteractionAdminForm(ServiceForm):
    class Meta:
        model = Interaction
        fields = [
            "organisation",
            "contacts",
            "channel",
            "occurred_at",
            "subject",
            "notes",
            "topics",
            "sentiment",
            "logged_by",
        ]

    def service_rules(self, cleaned_data):
        services.interaction_validate(
            organisation=cleaned_data.get("organisation"),
            occurred_at=cleaned_data.get("occurred_at"),
            contacts=cleaned_data.get("contacts", []),
        )


@admin.register(Interaction)
class InteractionAdmin(ServiceAdmin, ReadableHistoryAdmin):
    writes = Writes("interaction", services.interaction_log, services.interaction_update, services.interaction_delete)
    form = InteractionAdminForm
    list_display = ["subject", "organisation", "channel", "occurred_at", "logged_by", "sentiment"]
    list_filter = ["channel", "sentiment", "confidential", "organisation__kind", "topics"]
    list_select_related = ["organisation", "logged_by"]
    search_fields = ["subject", "organisation__name"]
    date_hierarchy = "occurred_at"
    autocomplete_fields = ["organisation", "contacts", "topics", "logged_by"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [FollowUpInline]

    def get_queryset(self, request):
        # Lists, searches, change pages and autocompletes all start here.
        return super().get_queryset(request).filter(selectors.interaction_visible_to(request.user))

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history reads the history without get_queryset: check it first.
        get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_changeform_initial_data(self, request):
        return {"logged_by": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ServiceAdmin):
    writes = FOLLOW_UP_WRITES
    list_display = ["description", "assignee", "due_on", "done_at", "interaction"]
    list_filter = ["due_on", ("done_at", admin.EmptyFieldListFilter)]
    list_select_related = ["assignee", "interaction"]
    search_fields = ["description", "interaction__subject"]
    autocomplete_fields = ["interaction", "assignee"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(selectors.follow_ups_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A follow-up can be attached only to an interaction this user may see.
        if db_field.name == "interaction":
            kwargs["queryset"] = Interaction.objects.filter(selectors.interaction_visible_to(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
