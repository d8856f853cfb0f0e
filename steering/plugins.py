"""What this app registers with the platform when it starts (apps.py): its section of the navigation.

It grants no permission of its own: the page and the API count every interaction, confidential ones included, so
they are for the roles that may see every interaction (stakeholders.view_confidential_interaction), the coordinators
and administrators."""

from django.utils.translation import gettext_lazy as _

from crm.web.navigation import Section, section_register

from .selectors import PERMISSION


def register() -> None:
    section_register(Section("steering:overview", _("Steering"), ("steering:",), PERMISSION, position=60))
