"""What this app registers with the platform and with stakeholders when it starts (apps.py): what each role may do
with survey records, its mails with their personal links, its periodic jobs, its personal data, its section of the
navigation, and its panel on an organisation's page."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATORS, LIAISON_OFFICERS, READ_ONLY, RESEARCHERS, role_grants_register
from crm.jobs import Job, job_register
from crm.web.navigation import Section, section_register
from mail.registry import MailKind as RegisteredKind
from mail.registry import mail_kind_register
from privacy.inventory import inventory_register
from stakeholders.panels import Panel, organisation_panel_register

from . import personal_data, selectors, services
from .mails import MailKind

# Survey set-up and invitations. Responses and answers are for no role: people see them only as suppressed results.
RECORDS = ["surveys.questionnaire", "surveys.question", "surveys.surveyround", "surveys.invitation"]


def register() -> None:
    for record in RECORDS:
        role_grants_register(record, {COORDINATORS: ("view",), RESEARCHERS: ("view", "add", "change")})
    role_grants_register("surveys.surveyround", {LIAISON_OFFICERS: ("view",), READ_ONLY: ("view",)})

    # Survey mails get their personal link when they are sent, so no secret rests in the outbox.
    for kind in MailKind:
        mail_kind_register(RegisteredKind(kind.value, kind.label, personaliser=services.invitation_links_issue))

    # Every ten minutes: open scheduled survey rounds (inviting their contacts) and close ended ones.
    job_register("survey-rounds", Job(
        task="surveys.tasks.survey_rounds_advance",
        description=_("Open survey rounds whose time came, inviting their contacts, and close rounds that ended."),
        every_seconds=600,
    ))  # fmt: skip
    # Daily 03:40 Amsterdam: move the sealed ballots into the results in shuffled batches (a round that closes moves
    # its own at once), in a transaction of their own, so no response shares anything with the invitation answered.
    job_register("survey-ballot-box", Job(
        task="surveys.tasks.ballot_box_empty",
        description=_("Move the waiting survey answers from the sealed ballot box into the results, shuffled."),
        crontab={"minute": "40", "hour": "3"},
    ))  # fmt: skip
    # Weekdays 09:00 Amsterdam: reminders to invitees who have not answered, as each round's rules say.
    job_register("survey-reminders", Job(
        task="surveys.tasks.survey_reminders_send",
        description=_("Remind invitees of open survey rounds who have not answered yet."),
        crontab={"minute": "0", "hour": "9", "day_of_week": "1-5"},
    ))  # fmt: skip

    inventory_register(*personal_data.RECORDS)
    section_register(Section(
        "surveys:round-list", _("Surveys"), ("surveys:round", "surveys:results"), "surveys.view_surveyround",
        position=50,
    ))  # fmt: skip
    organisation_panel_register(Panel(
        template="surveys/_organisation_panel.html",
        context=lambda request, organisation: selectors.organisation_survey_participation(organisation=organisation),
    ))  # fmt: skip
