"""What this app registers with the platform when it starts (apps.py): what each role may do with its records, its
mails, its periodic jobs, its personal data and its sections of the navigation."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATORS, LIAISON_OFFICERS, READ_ONLY, RESEARCHERS, role_grants_register
from crm.jobs import Job, job_register
from crm.web.navigation import Section, section_register
from mail.models import DigestFrequency
from mail.registry import MailKind as RegisteredKind
from mail.registry import contact_opt_out_register, mail_kind_register
from privacy.inventory import inventory_register

from . import personal_data, services
from .mails import MailKind

RECORDS = [
    "stakeholders.organisation",
    "stakeholders.organisationrelation",
    "stakeholders.contact",
    "stakeholders.interaction",
    "stakeholders.followupaction",
]
EDIT = ("view", "add", "change")


def register() -> None:
    for record in RECORDS:
        role_grants_register(record, {COORDINATORS: EDIT, LIAISON_OFFICERS: EDIT, RESEARCHERS: ("view",),
                                      READ_ONLY: ("view",)})  # fmt: skip
    # Only coordinators (and administrators) assign an organisation's liaison officer, who sees its confidential
    # interactions; a liaison officer who could name themselves would see a colleague's.
    role_grants_register(
        "stakeholders.organisation",
        {COORDINATORS: (*EDIT, "assign_owner", "plan")},
        own_actions=("assign_owner", "plan"),
    )
    role_grants_register(
        "stakeholders.contact", {COORDINATORS: (*EDIT, "export", "erase")}, own_actions=("export", "erase")
    )
    role_grants_register(
        "stakeholders.interaction", {COORDINATORS: (*EDIT, "view_confidential")}, own_actions=("view_confidential",)
    )
    # Reference data: coordinators keep it; liaison officers may add the labels and topics they need.
    for record, officers in (
        ("stakeholders.tier", ("view",)),
        ("stakeholders.tag", ("view", "add")),
        ("stakeholders.topic", ("view", "add")),
    ):
        role_grants_register(record, {COORDINATORS: EDIT, LIAISON_OFFICERS: officers, RESEARCHERS: ("view",),
                                      READ_ONLY: ("view",)})  # fmt: skip

    for kind, preference, off in (
        (MailKind.OUTREACH_DIGEST, "digest_frequency", DigestFrequency.OFF),
        (MailKind.FOLLOW_UP_REMINDER, "follow_up_reminders", False),
        (MailKind.COORDINATOR_SUMMARY, "coordinator_summary", False),
        (MailKind.OWNER_ASSIGNED, "notifications", False),
        (MailKind.OWNER_UNASSIGNED, "notifications", False),
    ):
        mail_kind_register(RegisteredKind(kind.value, kind.label, preference=preference, off=off))
    contact_opt_out_register(lambda contact_id: services.contact_mail_opt_out(contact_id=contact_id))

    # Weekdays 07:00 Amsterdam: each liaison officer's organisations that are overdue or due within a week.
    job_register("outreach-digest", Job(
        task="stakeholders.tasks.outreach_digests_send",
        description=_("Mail each liaison officer the organisations that are overdue or due for contact."),
        crontab={"minute": "0", "hour": "7", "day_of_week": "1-5"},
    ))  # fmt: skip
    # Weekdays 07:05 Amsterdam: open follow-up actions due today or overdue, to their assignees.
    job_register("follow-up-reminders", Job(
        task="stakeholders.tasks.follow_up_reminders_send",
        description=_("Remind assignees of follow-up actions that are due today or overdue."),
        crontab={"minute": "5", "hour": "7", "day_of_week": "1-5"},
    ))  # fmt: skip
    # Mondays 07:30 Amsterdam: last week's figures for the coordinators.
    job_register("coordinator-summary", Job(
        task="stakeholders.tasks.coordinator_summary_send",
        description=_("Mail the coordinators last week's contacts per kind of organisation and overdue counts."),
        crontab={"minute": "30", "hour": "7", "day_of_week": "1"},
    ))  # fmt: skip
    # Nightly 02:30 Amsterdam: anonymise what is older than the retention periods (nothing unless configured).
    job_register("retention", Job(
        task="stakeholders.tasks.retention_apply",
        description=_("Anonymise interactions and personal data older than the retention periods."),
        crontab={"minute": "30", "hour": "2"},
    ))  # fmt: skip

    inventory_register(*personal_data.RECORDS)

    section_register(Section("home", _("My relations"), ("home", "stakeholders:interaction-start"), position=10))
    section_register(Section(
        "stakeholders:organisation-list",
        _("Organisations"),
        ("stakeholders:organisation", "stakeholders:interaction-log", "stakeholders:follow-up"),
        position=20,
    ))  # fmt: skip
    section_register(Section("stakeholders:contact-list", _("Contacts"), ("stakeholders:contact",), position=30))
    section_register(Section(
        "stakeholders:interaction-list", _("Interactions"), ("stakeholders:interaction-list",), position=35
    ))  # fmt: skip
    section_register(Section("stakeholders:map", _("Stakeholder map"), ("stakeholders:map",), position=40))
