"""The personal-data inventory (AVG art. 30): for every model, which fields hold personal data, whose, why, and what
erasure and retention do with them.

It is the single source for the code that exports, erases and expires personal data (stakeholders/retention.py,
stakeholders/selectors.py), and a test checks that every field of every model is listed here, as personal or as
not personal: a new field cannot be forgotten. docs/privacy.md is the register built on it.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# What an erased name or subject reads; emptied fields get "".
ERASED = _("(anonymised)")

# Processing activities of the register (docs/privacy.md).
RELATIONSHIP_MANAGEMENT = "relationship management"
OUTREACH_MAIL = "outreach and survey mail"
SURVEYS = "reputation surveys"
ACCOUNTS = "staff accounts and audit"


@dataclass(frozen=True)
class Record:
    model: str
    subjects: str
    activity: str
    # Personal field -> the value it gets when its person is erased or its retention period ends.
    personal: dict[str, object] = field(default_factory=dict)
    # Every other field, named so that the completeness test sees it was considered.
    other: tuple[str, ...] = ()
    # The RETENTION_DAYS key that limits how long the personal fields stay, if any.
    retention: str | None = None
    # What erasing one contact does to these records: "anonymise", "delete", "keep" (nothing of the person).
    on_erasure: str = "keep"

    def erased_values(self) -> dict[str, object]:
        return {name: str(value) if value is ERASED else value for name, value in self.personal.items()}


INVENTORY = {
    record.model: record
    for record in [
        Record(
            "stakeholders.contact",
            subjects="contact persons at partner organisations",
            activity=RELATIONSHIP_MANAGEMENT,
            personal={"first_name": "", "name_prefix": "", "last_name": ERASED, "job_title": "", "email": "",
                      "phone": "", "notes": ""},
            other=("id", "organisation", "level", "preferred_language", "is_active", "mail_opted_out_at",
                   "anonymised_at", "created_at", "updated_at"),
            retention="contact",
            on_erasure="anonymise",
        ),
        Record(
            "stakeholders.interaction",
            subjects="contact persons who took part (as participants, and named in subject or notes)",
            activity=RELATIONSHIP_MANAGEMENT,
            personal={"subject": ERASED, "notes": ""},
            other=("id", "organisation", "channel", "occurred_at", "sentiment", "confidential", "logged_by",
                   "anonymised_at", "created_at", "updated_at"),
            retention="interaction",
            on_erasure="anonymise",  # the participant link goes; mentions of the person in its text are replaced
        ),
        Record(
            "stakeholders.followupaction",
            subjects="contact persons named in the action; staff as assignees",
            activity=RELATIONSHIP_MANAGEMENT,
            personal={"description": ERASED},
            other=("id", "interaction", "assignee", "due_on", "done_at", "created_at", "updated_at"),
            retention="interaction",
            on_erasure="anonymise",
        ),
        Record(
            "crm.outboxmessage",
            subjects="recipients: contact persons and staff",
            activity=OUTREACH_MAIL,
            personal={"to_address": "", "subject": "", "body_text": "", "body_html": "", "opt_out_url": "",
                      "last_error": ""},
            other=("id", "idempotency_key", "kind", "status", "user", "contact", "language", "message_id",
                   "attempts", "next_attempt_at", "claim_token", "lease_expires_at", "sent_at", "created_at",
                   "updated_at"),
            retention="outbox",
            on_erasure="delete",
        ),
        Record(
            "surveys.invitation",
            subjects="invited contact persons (who was invited, and whether they answered; never what)",
            activity=SURVEYS,
            other=("id", "round", "contact", "invited_at", "reminders_sent", "last_reminded_at", "link_used_at",
                   "answered_on"),
        ),
        Record("surveys.invitationtoken", subjects="none: a digest of a link", activity=SURVEYS,
               other=("id", "invitation", "digest", "created_at")),
        Record(
            "surveys.response",
            subjects="none: anonymous by design (a segment, no person, invitation or moment)",
            activity=SURVEYS,
            other=("id", "round", "organisation_kind", "organisation_scope", "respondent_level"),
        ),
        Record(
            "surveys.answer",
            subjects="none that can be linked: an open answer may name someone, but cannot be traced to its writer",
            activity=SURVEYS,
            other=("id", "response", "question", "number", "text"),
        ),
        Record("surveys.questionnaire", subjects="none", activity=SURVEYS, other=("id", "name", "created_at")),
        Record("surveys.question", subjects="none", activity=SURVEYS,
               other=("id", "questionnaire", "position", "code", "kind", "text_nl", "text_en", "choices",
                      "required")),
        Record("surveys.surveyround", subjects="staff (who made the round)", activity=SURVEYS,
               other=("id", "name", "questionnaire", "status", "opens_at", "closes_at", "target_filter",
                      "reminder_after_days", "max_reminders", "min_group_size", "interview_responses",
                      "created_by", "created_at", "updated_at")),
        Record(
            "stakeholders.organisation",
            subjects="none: an organisation's own data (its general address, not a person's)",
            activity=RELATIONSHIP_MANAGEMENT,
            other=("id", "name", "short_name", "kind", "scope", "parent", "kvk_number", "cbs_municipality_code",
                   "country", "street_address", "postal_code", "city", "website", "email", "phone", "owner",
                   "tier", "contact_cadence_days", "next_contact_planned_on", "last_contact_on",
                   "next_contact_due_on", "influence", "interest", "status", "notes", "created_at", "updated_at"),
        ),
        Record("stakeholders.organisationrelation", subjects="none", activity=RELATIONSHIP_MANAGEMENT,
               other=("id", "source", "target", "kind", "description", "started_on", "ended_on", "created_at",
                      "updated_at")),
        Record("stakeholders.tier", subjects="none", activity=RELATIONSHIP_MANAGEMENT,
               other=("id", "code", "name", "cadence_days", "position")),
        Record("stakeholders.tag", subjects="none", activity=RELATIONSHIP_MANAGEMENT, other=("id", "name")),
        Record("stakeholders.topic", subjects="none", activity=RELATIONSHIP_MANAGEMENT, other=("id", "name")),
        Record("stakeholders.overduecount", subjects="staff (counts per liaison officer)", activity=ACCOUNTS,
               other=("id", "taken_on", "owner", "count")),
        Record("crm.mailpreferences", subjects="staff", activity=ACCOUNTS,
               other=("id", "user", "language", "digest_frequency", "follow_up_reminders", "coordinator_summary",
                      "notifications")),
        # Append-only: the database refuses to change a row, so erasure keeps it (the contact appears by id only).
        Record("crm.accessrecord", subjects="staff (who accessed) and contact persons (by id only)", activity=ACCOUNTS,
               other=("id", "at", "actor_id", "actor_username", "action", "contact_id", "origin"), retention="audit"),
        Record("crm.apitoken", subjects="staff (whose token)", activity=ACCOUNTS,
               other=("id", "user", "name", "prefix", "digest", "read_only", "created_at", "expires_at",
                      "revoked_at", "last_used_at")),
    ]
}  # fmt: skip


def record_of(model_label: str) -> Record:
    return INVENTORY[model_label]
