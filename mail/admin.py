from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import MailPreferences, OutboxMessage
from .outbox import outbox_oldest_pending_age, outbox_resend
from .services import mail_preferences_update


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

    def changelist_view(self, request, extra_context=None):
        # Above the list (templates/admin/mail/outboxmessage/change_list.html): a mail waiting long means an outage.
        now = timezone.now()
        age = outbox_oldest_pending_age(now=now)
        context = {
            "oldest_pending_since": None if age is None else now - age,
            "oldest_pending_too_old": age is not None and age.total_seconds() > settings.OUTBOX_HEALTH_PENDING_SECONDS,
        }
        return super().changelist_view(request, extra_context={**context, **(extra_context or {})})

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
