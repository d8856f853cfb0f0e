from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import outreach, selectors, services
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


class ImportExportHistoryAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    # Our own import page reports bad rows by their line in the file, header included.
    import_template_name = "admin/stakeholders/import.html"


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cadence_days", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "cadence_days" in form.changed_data:
            services.organisation_outreach_refresh(organisation_ids=obj.organisations.values_list("id", flat=True))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ["first_name", "name_prefix", "last_name", "job_title", "level", "email", "is_active"]
    extra = 0
    show_change_link = True


class OutgoingRelationInline(admin.TabularInline):
    model = OrganisationRelation
    fk_name = "source"
    fields = ["kind", "target", "description", "started_on", "ended_on"]
    autocomplete_fields = ["target"]
    extra = 0
    verbose_name = _("relation to another organisation")
    verbose_name_plural = _("relations to other organisations")


@admin.register(Organisation)
class OrganisationAdmin(ImportExportHistoryAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.organisation_outreach_refresh(organisation_ids=[form.instance.id])
        if "owner" in form.changed_data:
            outreach.owner_assigned_notify(organisation=form.instance)


@admin.register(OrganisationRelation)
class OrganisationRelationAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "target", "started_on", "ended_on"]
    list_filter = ["kind"]
    list_select_related = ["source", "target"]
    search_fields = ["source__name", "target__name", "description"]
    autocomplete_fields = ["source", "target"]


@admin.register(Contact)
class ContactAdmin(ImportExportHistoryAdmin):
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


class FollowUpInline(admin.TabularInline):
    model = FollowUpAction
    fields = ["description", "assignee", "due_on", "done_at"]
    autocomplete_fields = ["assignee"]
    extra = 0


class InteractionAdminForm(forms.ModelForm):
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

    def clean(self):
        cleaned_data = super().clean()
        try:
            services.interaction_contacts_validate(
                organisation=cleaned_data.get("organisation"), contacts=cleaned_data.get("contacts", [])
            )
        except ValidationError as refused:
            self.add_error(None, refused)
        return cleaned_data


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Moving an interaction to another organisation changes the outreach dates of both.
        affected = {form.instance.organisation_id, form.initial.get("organisation")} - {None}
        services.organisation_outreach_refresh(organisation_ids=affected)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.organisation_outreach_refresh(organisation_ids=[obj.organisation_id])

    def delete_queryset(self, request, queryset):
        affected = set(queryset.values_list("organisation_id", flat=True))
        super().delete_queryset(request, queryset)
        services.organisation_outreach_refresh(organisation_ids=affected)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
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
