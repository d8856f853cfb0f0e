from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AccessRecord, ApiToken, MailPreferences, OutboxMessage
from .outbox import outbox_resend
from .services import mail_preferences_update
from .tokens import api_token_create, api_token_delete, api_token_revoke, api_token_update


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "read_only", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "read_only", "expires_at"]
        return ["user", "name", "prefix", "read_only", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        # A token's owner and rights are fixed once it exists: make a new token instead.
        return [*self.readonly_fields, "user", "read_only"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            api_token_update(token=obj, name=obj.name, expires_at=obj.expires_at)
            return
        token, secret = api_token_create(
            user=obj.user, name=obj.name, read_only=obj.read_only, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("Copy the token now; it is not stored and cannot be shown again: %(secret)s") % {"secret": secret},
        )

    def delete_model(self, request, obj):
        api_token_delete(token=obj)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            api_token_delete(token=token)

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        messages.success(request, _("The tokens are revoked."))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Mail is written by the product only; administrators watch it and send failed or uncertain mail again."""

    list_display = ["created_at", "kind", "to_address", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to_address", "idempotency_key", "message_id", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected failed or uncertain mails again"), permissions=["change"])
    def resend(self, request, queryset):
        count = outbox_resend(message_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d mail queued again.", "%(count)d mails queued again.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(MailPreferences)
class MailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "digest_frequency", "follow_up_reminders", "coordinator_summary"]
    list_filter = ["language", "digest_frequency"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "user"}
        obj.pk = mail_preferences_update(user=form.cleaned_data.get("user", obj.user), **fields).pk


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The access audit, to read only: the database refuses changes anyway, so admin offers none."""

    list_display = ["at", "actor_username", "action", "contact_id", "origin"]
    list_filter = ["action", "at"]
    # contact_id__exact compares the id as text, so a search for a name finds nothing instead of failing.
    search_fields = ["actor_username", "contact_id__exact"]
    date_hierarchy = "at"
    # The table only grows: no count of all its rows on every page.
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        # Only the view permission (superusers have every permission), not the change permission Django also accepts.
        return request.user.has_perm("crm.view_accessrecord")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
