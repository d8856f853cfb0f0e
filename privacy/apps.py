from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The access audit of contact persons' data and the personal-data inventory the apps register with."""

    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from . import personal_data
        from .inventory import inventory_register

        inventory_register(*personal_data.RECORDS)
