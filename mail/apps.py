from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    """The outbox, the SMTP session, mail preferences and the one-click opt-out; apps register their kinds of mail."""

    name = "mail"
    verbose_name = _("Mail")

    def ready(self):
        from privacy.inventory import inventory_register

        from . import personal_data

        inventory_register(*personal_data.RECORDS)
        from crm.jobs import Job, job_register
        from crm.web.navigation import Section, section_register

        # Every minute: send what is due from the outbox; kicks after each commit make this sooner, not surer.
        job_register(
            "outbox-sweep",
            Job(
                task="mail.tasks.outbox_sweep",
                description=_("Send due mail from the outbox and mark lost sends as uncertain."),
                every_seconds=60,
            ),
        )
        section_register(Section("mail-preferences", _("My settings"), ("mail-preferences", "password"), position=90))
