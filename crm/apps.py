from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self):
        from . import openapi  # noqa: F401 (registers the token scheme with drf-spectacular)

        post_migrate.connect(_roles_after_migrate, sender=self)


def _roles_after_migrate(sender, **kwargs):
    # The data migrations create the role groups once; this puts them back after a database flush (the tests of
    # background work flush between tests) and gives new models' permissions to the roles that should have them.
    from django.apps import apps

    from .roles import roles_sync

    roles_sync(apps)
