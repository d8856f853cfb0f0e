from django.contrib import admin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """The access audit, to read only: the database refuses changes anyway, so admin offers none."""

    list_display = ["at", "actor_username", "action", "contact_id", "persons", "query", "origin"]
    list_filter = ["action", "at"]
    # contact_id__exact compares the id as text, so a search for a name finds nothing instead of failing.
    search_fields = ["actor_username", "contact_id__exact"]
    date_hierarchy = "at"
    # The table only grows: no count of all its rows on every page.
    show_full_result_count = False

    def has_view_permission(self, request, obj=None):
        # Only the view permission (superusers have every permission), not the change permission Django also accepts.
        return request.user.has_perm("privacy.view_accessrecord")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
