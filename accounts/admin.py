from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken
from .tokens import api_token_create, api_token_delete, api_token_expiry_validate, api_token_revoke, api_token_update


class ApiTokenForm(forms.ModelForm):
    """Shows the service's rule on the expiry beside the field, before the save."""

    def clean(self):
        cleaned_data = super().clean() or {}
        if "expires_at" in self.changed_data:
            try:
                api_token_expiry_validate(expires_at=cleaned_data.get("expires_at"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
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


class OtpAdminTexts(admin.ModelAdmin):
    """django-otp's device admins with their fieldset titles (translated in locale/third_party) and search hint in
    the user's language: django-otp marks neither for translation."""

    search_help_text = _("Search by user name or e-mail address")

    def get_fieldsets(self, request, obj=None):
        return [
            (_(name) if isinstance(name, str) else name, options)
            for name, options in super().get_fieldsets(request, obj)
        ]


class TranslatedTOTPDeviceAdmin(OtpAdminTexts, TOTPDeviceAdmin):
    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        return super().qrcode_link(device)


class TranslatedStaticDeviceAdmin(OtpAdminTexts, StaticDeviceAdmin):
    pass


for model, model_admin in [(TOTPDevice, TranslatedTOTPDeviceAdmin), (StaticDevice, TranslatedStaticDeviceAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)


# Django stores a permission's name in English when it makes it; admin lists it in the user's language.
DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action, _underscore, model_name = permission.codename.partition("_")
    if model is not None and model_name == model._meta.model_name and action in DEFAULT_PERMISSION_NAMES:
        name = DEFAULT_PERMISSION_NAMES[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)  # the apps' own permissions, named in their Meta with gettext
    return f"{permission.content_type} | {name}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class PermissionsInTheUsersLanguage(admin.ModelAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TranslatedGroupAdmin(PermissionsInTheUsersLanguage, GroupAdmin):
    pass


class TranslatedUserAdmin(PermissionsInTheUsersLanguage, UserAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, TranslatedGroupAdmin)
admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), TranslatedUserAdmin)
