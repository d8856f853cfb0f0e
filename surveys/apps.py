from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from crm.models import MailKind
        from crm.outbox import PERSONALISERS

        from .services import invitation_links_issue

        # Survey mails get their personal link when they are sent, so no secret rests in the outbox.
        PERSONALISERS[MailKind.SURVEY_INVITATION] = invitation_links_issue
        PERSONALISERS[MailKind.SURVEY_REMINDER] = invitation_links_issue
