from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Who may do what: roles, API tokens, the second factor, session limits and the security log."""

    name = "accounts"
    verbose_name = _("Accounts and access")

    def ready(self):
        from privacy.inventory import inventory_register

        from . import personal_data

        inventory_register(*personal_data.RECORDS)
        from axes import signals as axes_signals
        from django.contrib.auth import get_user_model
        from django.contrib.auth import signals as auth_signals
        from django.contrib.auth.models import Group, Permission

        from . import (
            openapi,  # noqa: F401 (registers the token scheme with drf-spectacular)
            permission_cache,
            security_log,
            sessions,
        )
        from .models import ApiToken

        post_migrate.connect(_roles_after_migrate, sender=self)
        _second_factor_register()

        # The security log: signing in and out, failed sign-ins, and every change to what a user or token may do.
        auth_signals.user_logged_in.connect(security_log.logged_in, dispatch_uid="security-login")
        auth_signals.user_logged_in.connect(sessions.session_start, dispatch_uid="session-start")
        auth_signals.user_logged_out.connect(security_log.logged_out, dispatch_uid="security-logout")
        auth_signals.user_login_failed.connect(security_log.login_failed, dispatch_uid="security-login-failed")
        axes_signals.user_locked_out.connect(security_log.locked_out, dispatch_uid="security-lockout")
        user = get_user_model()
        for model in (user, ApiToken):
            uid = f"security-{model._meta.label_lower}"
            pre_save.connect(security_log.privileges_before_save, sender=model, dispatch_uid=uid)
            post_save.connect(security_log.privileges_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(security_log.privileges_deleted, sender=model, dispatch_uid=uid)
        post_save.connect(security_log.password_saved, sender=user, dispatch_uid="security-password")
        for relation in (user.groups, user.user_permissions, Group.permissions):
            m2m_changed.connect(
                security_log.memberships_changed, sender=relation.through, dispatch_uid=f"security-{relation.field}"
            )

        # Cached permission sets (accounts/permission_cache.py) go stale with any change to roles or permissions: a
        # membership or grant, a group or permission deleted (its rows go without m2m signals), a user made or deleted.
        for relation in (user.groups, user.user_permissions, Group.permissions):
            m2m_changed.connect(
                permission_cache.permissions_generation_bump,
                sender=relation.through,
                dispatch_uid=f"permissions-{relation.field}",
            )
        for grants in (Group, Permission):
            uid = f"permissions-{grants._meta.label_lower}"
            post_save.connect(permission_cache.permissions_generation_bump, sender=grants, dispatch_uid=uid)
            post_delete.connect(permission_cache.permissions_generation_bump, sender=grants, dispatch_uid=uid)
        post_save.connect(permission_cache.permissions_user_saved, sender=user, dispatch_uid="permissions-user")
        post_delete.connect(permission_cache.permissions_generation_bump, sender=user, dispatch_uid="permissions-user")


def _second_factor_register():
    from mail.registry import MailKind, mail_kind_register

    from . import enrolment, two_factor

    # Security mails: no preference switches them off, and the set-up link is made only when the mail is sent.
    mail_kind_register(
        MailKind(enrolment.ENROLMENT_MAIL, _("second-factor set-up link"), personaliser=enrolment.enrolment_links_issue)
    )
    mail_kind_register(MailKind(two_factor.DEVICE_ADDED_MAIL, _("second factor added")))
    mail_kind_register(MailKind(two_factor.DEVICE_REMOVED_MAIL, _("second factor removed")))
    for model in two_factor.SECOND_FACTOR_DEVICES:
        uid = f"second-factor-{model._meta.label_lower}"
        pre_save.connect(two_factor.device_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(two_factor.device_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(two_factor.device_deleted, sender=model, dispatch_uid=uid)


def _roles_after_migrate(sender, **kwargs):
    # After every migrate (and after the flush of the tests of background work): the role groups with exactly the
    # permissions the apps registered, also for models that arrived since.
    from .roles import roles_sync

    roles_sync()
